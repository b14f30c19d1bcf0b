using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Chuanyu.Web.Seeding;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;
using static Chuanyu.Tests.Experts.ExpertTestData;

namespace Chuanyu.Tests.Experts;

/// <summary>
/// Research integrity records (issue 16 point 6) on the real host with a manual clock: shared by both regions, changed
/// only by the issuing region (the other region's administrator altering a record is refused and audited), active in
/// China time at their boundaries, keeping experts out of the pool and out of draws, flagging organisations.
/// </summary>
public sealed class IntegrityRecordsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private readonly ChuanyuFactory _factory = new();
    private readonly ManualClock _clock = new(T0);
    private readonly WebApplicationFactory<Program> _host;

    public IntegrityRecordsTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private const string Records = "/api/v1/integrity-records";

    private Task<HttpClient> ClientAsync(string email) => SignedInAsync(_host, email);

    private static Dictionary<string, object?> Person(string idNumber, string start = "2026-01-01", string? end = "2029-01-01", string name = "测试失信人") => new()
    {
        ["subjectKind"] = "Person",
        ["subjectName"] = name,
        ["idNumber"] = idNumber,
        ["type"] = "ResearchMisconduct",
        ["severity"] = "Ban",
        ["startDate"] = start,
        ["endDate"] = end,
        ["issuingAuthority"] = "重庆市科学技术局",
        ["description"] = "项目申报书抄袭他人研究内容",
    };

    private static async Task<JsonElement> CreatedAsync(HttpClient admin, Dictionary<string, object?> record)
    {
        var response = await admin.PostAsJsonAsync(Records, record);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private static async Task<JsonElement> ErrorsOf(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadJsonAsync()).GetProperty("errors");
    }

    private Task<T> WithServiceAsync<T>(Func<IntegrityRecords, AppDbContext, Task<T>> work) =>
        WithScopeAsync(scope => work(scope.GetRequiredService<IntegrityRecords>(), scope.GetRequiredService<AppDbContext>()));

    private async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        using var scope = _host.Services.CreateScope();
        return await work(scope.ServiceProvider);
    }

    private static MultipartFormDataContent File(byte[] bytes, string name) => new() { { new ByteArrayContent(bytes), "file", name } };

    [Fact]
    public async Task ARecordOfOneRegion_IsReadByTheOtherRegionAndTheSecurityAdmin_WithTheIdNumberMasked_AndNobodyElse()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var idNumber = NewIdNumber();
        var created = await CreatedAsync(cq, Person(idNumber));
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("500000", created.GetProperty("regionCode").GetString());
        Assert.Equal(idNumber[..3] + new string('*', 11) + idNumber[^4..], created.GetProperty("maskedIdNumber").GetString());

        // At rest: ciphertext and the blind index experts use, never the number.
        var stored = await WithDbAsync(_host, db => db.Set<IntegrityRecord>().AsNoTracking().SingleAsync(r => r.Id == id));
        Assert.StartsWith("v1:", stored.IdNumberProtected, StringComparison.Ordinal);
        Assert.DoesNotContain(idNumber, stored.IdNumberProtected!, StringComparison.Ordinal);
        Assert.Equal(64, stored.IdNumberKey!.Length);

        foreach (var reader in new[] { Demo.SichuanAdmin, Demo.SecurityAdmin })
        {
            var client = await ClientAsync(reader);
            var one = await client.GetFromJsonAsync<JsonElement>($"{Records}/{id}");
            Assert.Equal("测试失信人", one.GetProperty("subjectName").GetString());
            Assert.Equal("Active", one.GetProperty("state").GetString());
            Assert.False(one.GetProperty("canEdit").GetBoolean());
            var list = await client.GetFromJsonAsync<JsonElement>($"{Records}?region=500000&state=Active&q=测试失信人");
            Assert.Contains(list.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);
            Assert.DoesNotContain(idNumber, list.GetRawText(), StringComparison.Ordinal);
        }
        // Found by the ID number (its blind index), by the other region too.
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var byNumber = await sc.GetFromJsonAsync<JsonElement>($"{Records}?idNumber={idNumber}");
        Assert.Equal(id, Assert.Single(byNumber.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        var engineer = await ClientAsync(Demo.Engineer);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.GetAsync(Records)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.GetAsync($"{Records}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.CreateClient().GetAsync(Records)).StatusCode);

        var audit = await WithDbAsync(_host, db => db.AuditEntries.Where(a => a.Target == $"integrity:{id}").ToListAsync());
        var create = Assert.Single(audit, a => a.Action == "integrity.create");
        Assert.Equal(AuditOutcome.Success, create.Outcome);
        Assert.All(audit, a => Assert.DoesNotContain(idNumber, a.Detail ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheOtherRegionsAdmin_CannotUpdateRevokeOrAddDocuments_NothingChanges_AndEachRefusalIsAudited()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var idNumber = NewIdNumber();
        var id = (await CreatedAsync(cq, Person(idNumber))).GetProperty("id").GetGuid();
        var before = await WithDbAsync(_host, db => db.Set<IntegrityRecord>().AsNoTracking().SingleAsync(r => r.Id == id));

        var sc = await ClientAsync(Demo.SichuanAdmin);
        var change = Person(idNumber);
        change["description"] = "被另一地区改写";
        change["endDate"] = "2026-02-01";
        change["version"] = before.Version;
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.PutAsJsonAsync($"{Records}/{id}", change)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.PostAsJsonAsync($"{Records}/{id}/revoke", new { reason = "另一地区撤销", version = before.Version })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.PostAsync($"{Records}/{id}/documents", File("%PDF-1.4\n%%EOF"u8.ToArray(), "x.pdf"))).StatusCode);
        // The full ID number is the issuing region's (and the security administrator's) to see.
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.GetAsync($"{Records}/{id}/id-number")).StatusCode);

        var after = await WithDbAsync(_host, db => db.Set<IntegrityRecord>().AsNoTracking().SingleAsync(r => r.Id == id));
        Assert.Equal((before.Version, before.Description, before.EndDate, before.RevokedAt, before.UpdatedAt), (after.Version, after.Description, after.EndDate, after.RevokedAt, after.UpdatedAt));
        Assert.Equal(0, await WithDbAsync(_host, db => db.Set<IntegrityDocument>().CountAsync(d => d.RecordId == id)));
        var refusals = await WithDbAsync(_host, db => db.AuditEntries.Where(a => a.Target == $"integrity:{id}" && a.Outcome == AuditOutcome.Failure)
            .Select(a => new { a.Action, a.ActorName }).ToListAsync());
        Assert.Equal("integrity.document,integrity.revoke,integrity.update,privacy.view", string.Join(",", refusals.Select(r => r.Action).Order(StringComparer.Ordinal)));
        Assert.All(refusals, r => Assert.Equal(Demo.SichuanAdmin, r.ActorName));

        // The issuing region: reveal (audited), update with the version read, a stale version is 409, revoke with a reason, then it is final.
        var revealed = await cq.GetFromJsonAsync<JsonElement>($"{Records}/{id}/id-number");
        Assert.Equal(idNumber, revealed.GetProperty("idNumber").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await cq.PutAsJsonAsync($"{Records}/{id}", change)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await cq.PutAsJsonAsync($"{Records}/{id}", change)).StatusCode);
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync($"{Records}/{id}/revoke", new { reason = "" }))).TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await cq.PostAsJsonAsync($"{Records}/{id}/revoke", new { reason = "复查后撤销" })).StatusCode);
        var revoked = await sc.GetFromJsonAsync<JsonElement>($"{Records}/{id}");
        Assert.Equal("Revoked", revoked.GetProperty("state").GetString());
        Assert.Equal("复查后撤销", revoked.GetProperty("revokedReason").GetString());
        Assert.Equal(Demo.ChongqingAdmin, revoked.GetProperty("revokedByName").GetString());
        change.Remove("version");
        Assert.Equal(HttpStatusCode.Conflict, (await cq.PutAsJsonAsync($"{Records}/{id}", change)).StatusCode);
        var done = await WithDbAsync(_host, db => db.AuditEntries.Where(a => a.Target == $"integrity:{id}" && a.Outcome == AuditOutcome.Success)
            .Select(a => a.Action).ToListAsync());
        Assert.Equal("integrity.create,integrity.revoke,integrity.update,privacy.view", string.Join(",", done.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task ARecordIsActiveFromItsStartDayUntilTheDayBeforeItsEnd_InChinaTime_AndNotOnceRevoked()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var expert = await ExpertsApiCreatedAsync(cq);
        var id = (await CreatedAsync(cq, Person(expert.IdNumber, start: "2026-11-10", end: "2026-11-12"))).GetProperty("id").GetGuid();

        async Task<(string State, bool Blocked)> AtAsync(DateTimeOffset instant)
        {
            _clock.Set(instant);
            var state = await WithServiceAsync(async (records, db) =>
                IntegrityRecords.StateOn(await db.Set<IntegrityRecord>().AsNoTracking().SingleAsync(r => r.Id == id), records.Today).ToString());
            // The draws' subquery says the same as the record's state.
            var blocked = await WithServiceAsync((records, db) =>
            {
                var excluded = records.BlockedExpertIds(records.Today);
                return db.Set<Expert>().Where(e => e.Id == expert.Id && excluded.Contains(e.Id)).AnyAsync();
            });
            return (state, blocked);
        }

        Assert.Equal(("Upcoming", false), await AtAsync(new DateTimeOffset(2026, 11, 9, 23, 59, 59, Cst)));
        Assert.Equal(("Active", true), await AtAsync(new DateTimeOffset(2026, 11, 10, 0, 0, 0, Cst)));
        // 2026-11-11 23:59 in China is still 11-11; 00:00 on 11-12 (16:00 UTC on 11-11) is the end day: ended.
        Assert.Equal(("Active", true), await AtAsync(new DateTimeOffset(2026, 11, 11, 23, 59, 59, Cst)));
        Assert.Equal(("Ended", false), await AtAsync(new DateTimeOffset(2026, 11, 12, 0, 0, 0, Cst)));

        _clock.Set(new DateTimeOffset(2026, 11, 11, 12, 0, 0, Cst));
        cq = await ClientAsync(Demo.ChongqingAdmin); // signed in again at the clock's time
        var active = await cq.GetFromJsonAsync<JsonElement>($"{Records}?state=Active&idNumber={expert.IdNumber}");
        Assert.Equal(1, active.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await cq.PostAsJsonAsync($"{Records}/{id}/revoke", new { reason = "撤销原决定" })).StatusCode);
        Assert.Equal(("Revoked", false), await AtAsync(new DateTimeOffset(2026, 11, 11, 12, 0, 0, Cst)));
        Assert.Equal(0, (await cq.GetFromJsonAsync<JsonElement>($"{Records}?state=Active&idNumber={expert.IdNumber}")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await cq.GetFromJsonAsync<JsonElement>($"{Records}?state=Revoked&idNumber={expert.IdNumber}")).GetProperty("total").GetInt32());
    }

    private async Task<(Guid Id, string IdNumber)> ExpertsApiCreatedAsync(HttpClient admin)
    {
        var idNumber = NewIdNumber();
        return (await ExpertTestData.CreatedAsync(admin, Expert(await OrgAsync(_host, "重庆大学"), idNumber)), idNumber);
    }

    [Fact]
    public async Task BlockedExpertIds_FindsExpertsByTheLinkedIdAndByTheIdNumber_AndComposesIntoOneQuery()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var byId = await ExpertsApiCreatedAsync(cq);
        var byNumber = await ExpertsApiCreatedAsync(cq);
        var ended = await ExpertsApiCreatedAsync(cq);
        var free = await ExpertsApiCreatedAsync(cq);

        // Stored directly: one record names the expert only by id (its ID number another person's), one only by the ID number.
        await WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var protector = sp.GetRequiredService<FieldProtector>();
            IntegrityRecord Record(Guid? expertId, string idNumber, DateOnly? end) => new()
            {
                Id = Guid.CreateVersion7(),
                SubjectKind = IntegritySubjectKind.Person,
                SubjectName = "测试",
                ExpertId = expertId,
                IdNumberProtected = protector.Protect(idNumber),
                IdNumberKey = protector.BlindIndex(idNumber),
                Type = IntegrityRecordType.CriminalRecord,
                Severity = IntegritySeverity.Other,
                StartDate = new DateOnly(2026, 1, 1),
                EndDate = end,
                IssuingAuthority = "测试机关",
                RegionCode = "500000",
                Description = "测试",
                CreatedAt = T0.ToUniversalTime(),
                UpdatedAt = T0.ToUniversalTime(),
            };
            db.AddRange(Record(byId.Id, NewIdNumber(), null), Record(null, byNumber.IdNumber, null), Record(null, ended.IdNumber, new DateOnly(2026, 11, 10)));
            return await db.SaveChangesAsync();
        });

        var mine = new[] { byId.Id, byNumber.Id, ended.Id, free.Id };
        var blocked = await WithServiceAsync((records, db) =>
        {
            var excluded = records.BlockedExpertIds(records.Today);
            return db.Set<Expert>().Where(e => mine.Contains(e.Id) && excluded.Contains(e.Id)).Select(e => e.Id).ToListAsync();
        });
        Assert.Equal(new[] { byId.Id, byNumber.Id }.Order(), blocked.Order());
        // As the draws use it: the pool minus the blocked, in SQL.
        var drawable = await WithServiceAsync((records, db) =>
        {
            var excluded = records.BlockedExpertIds(records.Today);
            return db.Set<Expert>().Where(e => mine.Contains(e.Id) && !excluded.Contains(e.Id)).Select(e => e.Id).ToListAsync();
        });
        Assert.Equal(new[] { ended.Id, free.Id }.Order(), drawable.Order());
    }

    [Fact]
    public async Task AnOrganisationsRecord_LinksThePlatformsOrganisationByCreditCode_AndFlagsIt_TheDemoCompanyFlagsNoDemoApplicant()
    {
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var scu = await OrgAsync(_host, "四川大学");
        var code = await WithDbAsync(_host, db => db.Organizations.Where(o => o.Id == scu).Select(o => o.CreditCode).SingleAsync());
        var record = Person("");
        record["subjectKind"] = "Organization";
        record["subjectName"] = "";
        record["idNumber"] = null;
        record["creditCode"] = code.ToLowerInvariant();
        var created = await CreatedAsync(sc, record);
        Assert.Equal(scu, created.GetProperty("organizationId").GetGuid());
        Assert.Equal("四川大学", created.GetProperty("subjectName").GetString());

        var flagged = await WithServiceAsync((records, _) => records.FlaggedOrganizationIds(records.Today).ToListAsync());
        Assert.Contains(scu, flagged);
        // The seeded record is about a company that is not on the platform: no organisation of the demo is flagged by it.
        Assert.Equal(0, await WithDbAsync(_host, db => db.Organizations.CountAsync(o => o.CreditCode == DemoIntegrity.OrganizationCreditCode)));
        Assert.Single(flagged);
    }

    [Fact]
    public async Task TheDemoSeedsFourSyntheticRecords_OneActiveOnADemoExpert_WhoIsTheOnlyBlockedOne()
    {
        var seeded = await WithDbAsync(_host, db => db.Set<IntegrityRecord>().AsNoTracking().Where(r => r.Synthetic).ToListAsync());
        var today = ChinaTime.Today(_clock);
        Assert.Equal(4, seeded.Count);
        Assert.All(seeded, r => Assert.Contains("示例", r.Description, StringComparison.Ordinal));
        Assert.Equal("Active,Active,Ended,Revoked", string.Join(",", seeded.Select(r => IntegrityRecords.StateOn(r, today).ToString()).Order(StringComparer.Ordinal)));
        var active = Assert.Single(seeded, r => r.SubjectKind == IntegritySubjectKind.Person && IntegrityRecords.StateOn(r, today) == IntegrityState.Active);
        var blocked = await WithServiceAsync((records, _) => records.BlockedExpertIds(records.Today).ToListAsync());
        Assert.Equal(active.ExpertId, Assert.Single(blocked));
        Assert.True(await WithDbAsync(_host, db => db.Set<Expert>().AnyAsync(e => e.Id == active.ExpertId && e.Synthetic && e.UserId == null)));
    }

    [Fact]
    public async Task AnExpertWithAnActiveRecord_IsRefusedOnCreateAndImport_AndAdmittedOnceItIsRevoked()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var idNumber = NewIdNumber();
        // Recorded by Sichuan: the block holds in Chongqing's pool too.
        var id = (await CreatedAsync(sc, Person(idNumber))).GetProperty("id").GetGuid();

        var refused = await cq.PostAsJsonAsync("/api/v1/experts", Expert(await OrgAsync(_host, "重庆大学"), idNumber));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var body = await refused.ReadJsonAsync();
        Assert.Contains("Experts.IntegrityBlocked", body.GetProperty("errorCodes").GetProperty("idNumber").EnumerateArray().Select(c => c.GetString()));

        var import = await ExpertImportTests.ImportAsync(cq, ExpertImportTests.Xlsx([ExpertImportTests.Row("诚信受限专家", idNumber)]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, import.StatusCode);
        var errors = (await import.ReadJsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()).ToList();
        Assert.Contains("Experts.IntegrityBlocked", errors);
        Assert.False(await WithDbAsync(_host, db => db.Set<Expert>().AnyAsync(e => e.Name == "诚信受限专家")));

        Assert.Equal(HttpStatusCode.NoContent, (await sc.PostAsJsonAsync($"{Records}/{id}/revoke", new { reason = "复查后撤销" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await cq.PostAsJsonAsync("/api/v1/experts", Expert(await OrgAsync(_host, "重庆大学"), idNumber))).StatusCode);
    }

    [Fact]
    public async Task BadInputGetsAFieldErrorEach_AndHostileTextIsRefused()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        async Task<string> FieldsAsync(Action<Dictionary<string, object?>> change)
        {
            var record = Person(NewIdNumber());
            change(record);
            return string.Join(",", (await ErrorsOf(await cq.PostAsJsonAsync(Records, record))).EnumerateObject().Select(p => p.Name));
        }

        Assert.Equal("endDate", await FieldsAsync(r => r["endDate"] = "2025-12-31"));
        Assert.Equal("endDate", await FieldsAsync(r => r["endDate"] = "2026-01-01"));
        Assert.Equal("startDate", await FieldsAsync(r => r["startDate"] = "2026-13-01"));
        Assert.Equal("startDate", await FieldsAsync(r => r["startDate"] = null));
        Assert.Equal("subjectKind", await FieldsAsync(r => r["subjectKind"] = null));
        Assert.Equal("idNumber", await FieldsAsync(r => r["idNumber"] = null));
        var good = NewIdNumber();
        Assert.Equal("idNumber", await FieldsAsync(r => r["idNumber"] = good[..17] + (good[17] == '0' ? '1' : '0')));
        Assert.Equal("type,severity", await FieldsAsync(r => { r["type"] = null; r["severity"] = null; }));
        Assert.Equal("issuingAuthority,description", await FieldsAsync(r => { r["issuingAuthority"] = " "; r["description"] = ""; }));
        Assert.Equal("regionCode", await FieldsAsync(r => r["regionCode"] = "510000"));
        var code = CreditCode.Complete("91500112MA5U00000");
        Assert.Equal("creditCode", await FieldsAsync(r => { r["subjectKind"] = "Organization"; r["creditCode"] = code[..17] + (code[17] == '0' ? '1' : '0'); }));
        Assert.Equal("creditCode", await FieldsAsync(r => { r["subjectKind"] = "Organization"; r["creditCode"] = null; }));
        Assert.Equal("expertId", await FieldsAsync(r => r["expertId"] = Guid.NewGuid()));
        // Invisible and direction-changing characters: refused, naming the field (InputText on every endpoint).
        Assert.Equal("description", await FieldsAsync(r => r["description"] = "项目\u202E申报"));
        Assert.Equal("subjectName", await FieldsAsync(r => r["subjectName"] = "张\u200B三"));
        Assert.Equal(0, await WithDbAsync(_host, db => db.Set<IntegrityRecord>().CountAsync(r => !r.Synthetic)));
    }

    [Fact]
    public async Task Documents_OnlyPdfsWithinTheLimit_ReadableByBothRegions_EachUploadAudited()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var id = (await CreatedAsync(cq, Person(NewIdNumber()))).GetProperty("id").GetGuid();
        var url = $"{Records}/{id}/documents";

        // A PNG named .pdf, a text file, an oversized PDF: each a field error on `file`, nothing stored.
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        Assert.True((await ErrorsOf(await cq.PostAsync(url, File(png, "decision.pdf")))).TryGetProperty("file", out _));
        Assert.True((await ErrorsOf(await cq.PostAsync(url, File("just text"u8.ToArray(), "decision.txt")))).TryGetProperty("file", out _));
        var big = new byte[IntegrityRules.MaxDocumentBytes + 1];
        "%PDF-1.4"u8.CopyTo(big);
        Assert.True((await ErrorsOf(await cq.PostAsync(url, File(big, "big.pdf")))).TryGetProperty("file", out _));
        Assert.Equal(0, await WithDbAsync(_host, db => db.Set<IntegrityDocument>().CountAsync(d => d.RecordId == id)));

        var pdf = "%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"u8.ToArray();
        var uploaded = await cq.PostAsync(url, File(pdf, "处理决定.pdf"));
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var documentId = (await uploaded.ReadJsonAsync()).GetProperty("id").GetGuid();

        var sc = await ClientAsync(Demo.SichuanAdmin);
        var download = await sc.GetAsync($"{url}/{documentId}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        var record = await sc.GetFromJsonAsync<JsonElement>($"{Records}/{id}");
        Assert.Equal("处理决定.pdf", Assert.Single(record.GetProperty("documents").EnumerateArray()).GetProperty("fileName").GetString());
        var engineer = await ClientAsync(Demo.Engineer);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.GetAsync($"{url}/{documentId}")).StatusCode);
        Assert.Equal(1, await WithDbAsync(_host, db => db.AuditEntries.CountAsync(a => a.Target == $"integrity:{id}" && a.Action == "integrity.document"
            && a.Outcome == AuditOutcome.Success)));
    }
}

/// <summary>The /Admin/Integrity pages: the list for both regions, the form and the two-step revocation for the issuing region only.</summary>
public sealed class IntegrityPagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private async Task<PageSession> SessionAsync(string email)
    {
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email)).StatusCode);
        return session;
    }

    [Fact]
    public async Task AnAdminEntersARecordThroughTheForm_TheOtherRegionReadsItWithoutActions_AndTheIssuerRevokesAfterConfirming()
    {
        var cq = await SessionAsync(Demo.ChongqingAdmin);
        var name = "页面测试" + Guid.NewGuid().ToString("N")[..6];
        var form = new Dictionary<string, string>
        {
            ["Form.SubjectKind"] = "Person",
            ["Form.SubjectName"] = name,
            ["Form.IdNumber"] = NewIdNumber(),
            ["Form.Type"] = "ResearchMisconduct",
            ["Form.Severity"] = "Criticism",
            ["Form.StartDate"] = "2026-01-01",
            ["Form.EndDate"] = "2025-01-01",
            ["Form.IssuingAuthority"] = "重庆市科学技术局",
            ["Form.Description"] = "伪造实验数据",
        };
        var invalid = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await (await cq.SubmitAsync("/Admin/Integrity/Edit", form, "form[data-testid=integrity-form]")).Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(invalid.QuerySelector("[data-testid=error-endDate]")!.TextContent));

        form["Form.EndDate"] = "";
        var saved = await cq.SubmitAsync("/Admin/Integrity/Edit", form, "form[data-testid=integrity-form]");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var detailUrl = saved.Headers.Location!.OriginalString;

        var (listResponse, list) = await cq.GetAsync("/Admin/Integrity?Q=" + Uri.EscapeDataString(name));
        Assert.Equal(HttpStatusCode.OK, listResponse.StatusCode);
        var row = Assert.Single(list.QuerySelectorAll("[data-testid=integrity-records] tbody tr"));
        Assert.Equal("Active", row.GetAttribute("data-state"));
        Assert.Contains("text-bg-danger", row.QuerySelector(".badge")!.ClassName, StringComparison.Ordinal); // active: a red state badge

        var sc = await SessionAsync(Demo.SichuanAdmin);
        var (scResponse, scDetail) = await sc.GetAsync(detailUrl);
        Assert.Equal(HttpStatusCode.OK, scResponse.StatusCode);
        Assert.Contains(name, scDetail.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Null(scDetail.QuerySelector("[data-testid=revoke-form]"));
        Assert.Null(scDetail.QuerySelector("[data-testid=edit]"));
        var id = detailUrl.Split('/')[^1];
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.GetAsync($"/Admin/Integrity/Edit/{id}")).Response.StatusCode);
        var engineer = await SessionAsync(Demo.Engineer);
        Assert.NotEqual(HttpStatusCode.OK, (await engineer.GetAsync("/Admin/Integrity")).Response.StatusCode);

        // Revoking: the reason, then a confirmation step; only the confirmation revokes.
        var asked = await cq.SubmitAsync(detailUrl, new Dictionary<string, string> { ["Reason"] = "复查后撤销" }, "form[data-testid=revoke-form]");
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var confirmPage = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await asked.Content.ReadAsStringAsync());
        Assert.NotNull(confirmPage.QuerySelector("[data-testid=revoke-confirm]"));
        Assert.Null(await WithRecordRevokedAtAsync(Guid.Parse(id)));
        var confirmForm = (IHtmlFormElement)confirmPage.QuerySelector("[data-testid=revoke-confirm] form")!;
        var fields = confirmForm.QuerySelectorAll("input").Cast<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
        Assert.Equal("true", fields["Confirm"]);
        using var content = new FormUrlEncodedContent(fields);
        var confirmed = await cq.Client.PostAsync(confirmForm.GetAttribute("action"), content);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.NotNull(await WithRecordRevokedAtAsync(Guid.Parse(id)));
    }

    private async Task<DateTimeOffset?> WithRecordRevokedAtAsync(Guid id)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<IntegrityRecord>().Where(r => r.Id == id).Select(r => r.RevokedAt).SingleAsync();
    }
}

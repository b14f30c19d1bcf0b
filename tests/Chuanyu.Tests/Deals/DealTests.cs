using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Deals;
using Chuanyu.Web.Features.Market;
using ClosedXML.Excel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;
using static Chuanyu.Tests.Contracts.ContractTestData;

namespace Chuanyu.Tests.Deals;

/// <summary>
/// Technology managers and the deal pipeline (issue 17 point 4) on the real host: register → approve → a deal through
/// every stage to a registered contract; closing with a coded reason; no stage skipped; two moves from one version (one
/// wins); who reads (stranger 404, party admin read-only); unapproved managers refused; documents checked by type and
/// size; the manager's Excel read back; the demo's deals at every stage.
/// </summary>
public sealed class DealTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private const string Deals = "/api/v1/deals";
    private const string Managers = "/api/v1/tech-managers";
    private const string TechManager = "techmanager@chuanyu.demo";
    private static readonly string[] TwoFields = ["430", "510"];
    private static readonly string[] OneField = ["430"];
    private static readonly string[] UnknownField = ["999"];
    private static readonly string[] EveryStage = ["Lead", "Nda", "Negotiation", "Signed", "Registered"];

    private Task<HttpClient> ClientAsync(string email) => SignedInAsync(factory, email);

    private static async Task<JsonElement> ErrorsOf(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadJsonAsync()).GetProperty("errors");
    }

    /// <summary>A live result and a live demand (optionally of one organisation), from the market's public directory.</summary>
    private async Task<(AchievementRef Result, DemandRef Demand)> LivePairAsync(Guid? resultOwner = null, int skip = 0)
    {
        using var scope = factory.Services.CreateScope();
        var market = scope.ServiceProvider.GetRequiredService<MarketDirectory>();
        var results = market.LiveAchievements();
        if (resultOwner is { } owner)
        {
            results = results.Where(a => a.OrganizationId == owner);
        }
        var result = await results.OrderBy(a => a.Id).Skip(skip).FirstAsync();
        var demand = await market.LiveDemands().Where(d => d.OrganizationId != result.OrganizationId).OrderBy(d => d.Id).Skip(skip).FirstAsync();
        return (result, demand);
    }

    private static async Task<JsonElement> CreatedAsync(HttpClient manager, Guid? result, Guid? demand, string source = "Match")
    {
        var response = await manager.PostAsJsonAsync(Deals, new { achievementId = result, demandId = demand, source });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private static Task<HttpResponseMessage> AdvanceAsync(HttpClient manager, Guid id, string to, int version, Guid? contractId = null) =>
        manager.PostAsJsonAsync($"{Deals}/{id}/advance", new { toStage = to, version, contractId });

    [Fact]
    public async Task ARegisteredManager_IsApprovedByTheRegion_ThenCarriesADealThroughEveryStage_ToARegisteredContract()
    {
        var engineer = await ClientAsync(Demo.Engineer);
        var rongxin = await OrgAsync(factory, "成都蓉芯微纳检测技术有限公司");
        var saved = await engineer.PutAsJsonAsync($"{Managers}/me", new
        {
            organizationId = rongxin,
            level = "Senior",
            certificateNumber = "TM-TEST-0001",
            certificateIssuedOn = "2023-05-01",
            disciplines = TwoFields,
            phone = "139 1234 5678",
        });
        Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        var profile = await saved.ReadJsonAsync();
        Assert.Equal("Pending", profile.GetProperty("status").GetString());
        Assert.Equal("13912345678", profile.GetProperty("phone").GetString());
        var profileId = profile.GetProperty("id").GetGuid();
        var stored = await WithDbAsync(factory, db => db.Set<TechManagerProfile>().SingleAsync(p => p.Id == profileId));
        Assert.DoesNotContain("13912345678", stored.PhoneProtected, StringComparison.Ordinal);
        Assert.Equal("139****5678", stored.PhoneMasked);

        var (result, demand) = await LivePairAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = demand.Id })).StatusCode);

        // 蓉芯 is in Sichuan: Chongqing's administrator neither sees nor decides the profile.
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await cq.PostAsJsonAsync($"{Managers}/{profileId}/review", new { approve = true, version = 0 })).StatusCode);
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var pending = await sc.GetFromJsonAsync<JsonElement>($"{Managers}/review?pageSize=200");
        var listed = pending.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == profileId);
        Assert.Equal("139****5678", listed.GetProperty("phone").GetString());
        var approved = await sc.PostAsJsonAsync($"{Managers}/{profileId}/review", new { approve = true, version = 0 });
        Assert.True(approved.StatusCode == HttpStatusCode.NoContent, await approved.Content.ReadAsStringAsync());
        var publicList = await factory.CreateClient().GetStringAsync($"{Managers}?pageSize=200");
        Assert.Contains(profileId.ToString(), publicList, StringComparison.Ordinal);
        Assert.DoesNotContain("5678", publicList, StringComparison.Ordinal);
        Assert.DoesNotContain("TM-TEST-0001", publicList, StringComparison.Ordinal);

        var deal = await CreatedAsync(engineer, result.Id, demand.Id);
        var id = deal.GetProperty("id").GetGuid();
        Assert.Equal("Lead", deal.GetProperty("stage").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await AdvanceAsync(engineer, id, "Negotiation", 0)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await AdvanceAsync(engineer, id, "Registered", 0)).StatusCode);
        var version = 0;
        foreach (var stage in new[] { "Nda", "Negotiation", "Signed" })
        {
            var moved = await AdvanceAsync(engineer, id, stage, version++);
            Assert.True(moved.StatusCode == HttpStatusCode.NoContent, $"{stage}: {await moved.Content.ReadAsStringAsync()}");
        }
        Assert.True((await ErrorsOf(await AdvanceAsync(engineer, id, "Registered", version))).TryGetProperty("contractId", out _));

        var sellerAdmin = result.RegionCode == "500000" ? cq : sc;
        var contract = Contract(sellerRegion: result.RegionCode, buyerRegion: result.RegionCode == "500000" ? "510000" : "500000");
        contract["dealId"] = id;
        contract["achievementId"] = result.Id;
        var contractId = await RegisteredAsync(sellerAdmin, contract);
        var registered = await AdvanceAsync(engineer, id, "Registered", version, contractId);
        Assert.True(registered.StatusCode == HttpStatusCode.NoContent, await registered.Content.ReadAsStringAsync());

        var read = await engineer.GetFromJsonAsync<JsonElement>($"{Deals}/{id}");
        Assert.Equal("Registered", read.GetProperty("deal").GetProperty("stage").GetString());
        Assert.Equal(contractId, read.GetProperty("deal").GetProperty("contractId").GetGuid());
        Assert.Equal(EveryStage,
            read.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("toStage").GetString()).ToArray());
        Assert.Equal(HttpStatusCode.Conflict, (await engineer.PostAsJsonAsync($"{Deals}/{id}/close", new { reason = "PriceGap", version = version + 1 })).StatusCode);
        Assert.Equal(4, await WithDbAsync(factory, db => db.AuditEntries.CountAsync(a => a.Target == $"deal:{id}" && a.Action == "deal.advance" && a.Outcome == Chuanyu.Web.Infrastructure.AuditOutcome.Success)));
        var dashboard = await engineer.GetFromJsonAsync<JsonElement>($"{Deals}/dashboard");
        Assert.Equal(1, dashboard.GetProperty("createdLast12Months").GetInt32());
        Assert.Equal(1, dashboard.GetProperty("signedLast12Months").GetInt32());
        Assert.Equal(1.0, dashboard.GetProperty("conversion").GetDouble());
    }

    [Fact]
    public async Task ADeal_ClosesWithACodedReason_OtherNeedsANote_AndAClosedDealNeverMovesAgain()
    {
        var manager = await ClientAsync(TechManager);
        var (result, demand) = await LivePairAsync(skip: 1);
        var id = (await CreatedAsync(manager, result.Id, demand.Id)).GetProperty("id").GetGuid();
        Assert.True((await ErrorsOf(await manager.PostAsJsonAsync($"{Deals}/{id}/close", new { version = 0 }))).TryGetProperty("reason", out _));
        Assert.True((await ErrorsOf(await manager.PostAsJsonAsync($"{Deals}/{id}/close", new { reason = "Other", version = 0 }))).TryGetProperty("note", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostAsJsonAsync($"{Deals}/{id}/close", new { reason = "NoSuchReason", version = 0 })).StatusCode);
        var closed = await manager.PostAsJsonAsync($"{Deals}/{id}/close", new { reason = "TechnicalMismatch", version = 0 });
        Assert.True(closed.StatusCode == HttpStatusCode.NoContent, await closed.Content.ReadAsStringAsync());
        var read = await manager.GetFromJsonAsync<JsonElement>($"{Deals}/{id}");
        Assert.Equal("Closed", read.GetProperty("deal").GetProperty("stage").GetString());
        Assert.Equal("TechnicalMismatch", read.GetProperty("deal").GetProperty("closeReason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await AdvanceAsync(manager, id, "Nda", 1)).StatusCode);
        Assert.True(await WithDbAsync(factory, db => db.AuditEntries.AnyAsync(a => a.Target == $"deal:{id}" && a.Action == "deal.close")));
    }

    [Fact]
    public async Task TwoAdvancesFromTheSameVersion_OneWins_TheOtherGets409()
    {
        var manager = await ClientAsync(TechManager);
        var other = await ClientAsync(TechManager);
        var (result, demand) = await LivePairAsync(skip: 2);
        var id = (await CreatedAsync(manager, result.Id, demand.Id)).GetProperty("id").GetGuid();
        var answers = await Task.WhenAll(AdvanceAsync(manager, id, "Nda", 0), AdvanceAsync(other, id, "Nda", 0));
        Assert.Equal(new[] { HttpStatusCode.NoContent, HttpStatusCode.Conflict }, answers.Select(a => a.StatusCode).Order().ToArray());
        Assert.Equal(2, await WithDbAsync(factory, db => db.Set<DealStageChange>().CountAsync(c => c.DealId == id)));
        Assert.Equal(HttpStatusCode.Conflict, (await AdvanceAsync(manager, id, "Negotiation", 0)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await AdvanceAsync(manager, id, "Negotiation", 1)).StatusCode);
    }

    [Fact]
    public async Task AStranger_GetsNotFound_APartyAdmin_ReadsButCannotMove_TheRegionReads()
    {
        var manager = await ClientAsync(TechManager);
        var cqu = await OrgAsync(factory, "重庆大学");
        var (result, demand) = await LivePairAsync(resultOwner: cqu);
        var id = (await CreatedAsync(manager, result.Id, demand.Id)).GetProperty("id").GetGuid();

        foreach (var stranger in new[] { Demo.ScuResearcher, Demo.CquInstrumentManager })
        {
            var client = await ClientAsync(stranger);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{Deals}/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await AdvanceAsync(client, id, "Nda", 0)).StatusCode);
            var list = await client.GetFromJsonAsync<JsonElement>($"{Deals}?pageSize=200");
            Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetGuid() == id);
        }
        var partyAdmin = await ClientAsync(Demo.CquOrgAdmin);
        var read = await partyAdmin.GetFromJsonAsync<JsonElement>($"{Deals}/{id}");
        Assert.False(read.GetProperty("deal").GetProperty("canManage").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, (await AdvanceAsync(partyAdmin, id, "Nda", 0)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partyAdmin.PostAsJsonAsync($"{Deals}/{id}/notes", new { text = "x" })).StatusCode);
        Assert.True(await WithDbAsync(factory, db => db.AuditEntries.AnyAsync(a => a.Target == $"deal:{id}" && a.Outcome == Chuanyu.Web.Infrastructure.AuditOutcome.Failure)));
        Assert.Equal(HttpStatusCode.OK, (await (await ClientAsync(Demo.ChongqingAdmin)).GetAsync($"{Deals}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"{Deals}/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync($"{Deals}/{id}")).StatusCode);
    }

    [Fact]
    public async Task AnUnapprovedOrRejectedManager_StartsNoDeal_AndBadInputIsRefusedFieldByField()
    {
        var researcher = await ClientAsync(Demo.ScuResearcher);
        var scu = await OrgAsync(factory, "四川大学");
        var bad = await researcher.PutAsJsonAsync($"{Managers}/me", new
        {
            organizationId = await OrgAsync(factory, "重庆大学"),
            certificateIssuedOn = "2099-01-01",
            disciplines = UnknownField,
            phone = "12345",
        });
        var errors = await ErrorsOf(bad);
        foreach (var field in new[] { "organizationId", "level", "certificateNumber", "certificateIssuedOn", "disciplines", "phone" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }
        var hostile = await researcher.PutAsJsonAsync($"{Managers}/me", new
        {
            organizationId = scu,
            level = "Junior",
            certificateNumber = "TM\u202E-0002",
            certificateIssuedOn = "2022-01-01",
            disciplines = OneField,
        });
        Assert.Equal(HttpStatusCode.BadRequest, hostile.StatusCode);
        var saved = await researcher.PutAsJsonAsync($"{Managers}/me", new
        {
            organizationId = scu,
            level = "Junior",
            certificateNumber = "TM-TEST-0002",
            certificateIssuedOn = "2022-01-01",
            disciplines = OneField,
        });
        Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        var profileId = (await saved.ReadJsonAsync()).GetProperty("id").GetGuid();
        var (result, demand) = await LivePairAsync(skip: 3);
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = demand.Id })).StatusCode);

        var sc = await ClientAsync(Demo.SichuanAdmin);
        Assert.True((await ErrorsOf(await sc.PostAsJsonAsync($"{Managers}/{profileId}/review", new { approve = false, version = 0 }))).TryGetProperty("note", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await sc.PostAsJsonAsync($"{Managers}/{profileId}/review", new { approve = false, note = "证书信息无法核实", version = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = demand.Id })).StatusCode);

        // An approved manager: neither a result nor a demand, or one that is not published, is refused by field.
        var manager = await ClientAsync(TechManager);
        Assert.True((await ErrorsOf(await manager.PostAsJsonAsync(Deals, new { source = "Direct" }))).TryGetProperty("achievementId", out _));
        var draft = await WithDbAsync(factory, db => db.Set<Achievement>().Where(a => a.Status != MarketStatus.Published).Select(a => a.Id).FirstAsync());
        Assert.True((await ErrorsOf(await manager.PostAsJsonAsync(Deals, new { achievementId = draft }))).TryGetProperty("achievementId", out _));
        Assert.True((await ErrorsOf(await manager.PostAsJsonAsync(Deals, new { demandId = Guid.NewGuid() }))).TryGetProperty("demandId", out _));
    }

    [Fact]
    public async Task Documents_AreCheckedByContentAndSize_AndReadBackByTheDealsReaders()
    {
        var manager = await ClientAsync(TechManager);
        var (result, demand) = await LivePairAsync(skip: 4);
        var id = (await CreatedAsync(manager, result.Id, demand.Id)).GetProperty("id").GetGuid();
        Task<HttpResponseMessage> Upload(byte[] bytes, string name) =>
            manager.PostAsync($"{Deals}/{id}/documents", new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", name } });

        Assert.Equal(HttpStatusCode.NoContent, (await Upload(Pdf, "保密协议.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Upload(Docx(), "term-sheet.docx")).StatusCode);
        Assert.True((await ErrorsOf(await Upload("MZ\u0090\0binary"u8.ToArray(), "nda.pdf"))).TryGetProperty("file", out _));
        Assert.True((await ErrorsOf(await Upload("PK\u0003\u0004not-a-package"u8.ToArray(), "nda.docx"))).TryGetProperty("file", out _));
        Assert.True((await ErrorsOf(await Upload(Pdf, "tool.exe"))).TryGetProperty("file", out _));
        var tooLarge = new byte[(int)DealRules.MaxDocumentBytes + 1];
        "%PDF-"u8.CopyTo(tooLarge);
        var large = await Upload(tooLarge, "big.pdf");
        Assert.Contains(large.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge });
        Assert.True((await ErrorsOf(await manager.PostAsJsonAsync($"{Deals}/{id}/notes", new { text = " " }))).TryGetProperty("text", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"{Deals}/{id}/notes", new { text = "示例：已发送保密协议文本" })).StatusCode);

        var read = await manager.GetFromJsonAsync<JsonElement>($"{Deals}/{id}");
        var documents = read.GetProperty("documents").EnumerateArray().ToList();
        Assert.Equal(2, documents.Count);
        Assert.Single(read.GetProperty("notes").EnumerateArray());
        var pdf = documents.Single(d => d.GetProperty("fileName").GetString() == "保密协议.pdf");
        Assert.Equal("Lead", pdf.GetProperty("stage").GetString());
        var regionAdmin = await ClientAsync(Demo.ChongqingAdmin);
        var canRead = result.RegionCode == "500000" || demand.RegionCode == "500000";
        var download = await (canRead ? regionAdmin : manager).GetAsync($"{Deals}/{id}/documents/{pdf.GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await (await ClientAsync(Demo.ScuResearcher)).GetAsync($"{Deals}/{id}/documents/{pdf.GetProperty("id").GetGuid()}")).StatusCode);
    }

    [Fact]
    public async Task TheManagersDeals_ReadBackFromExcel_AndTheDemoHasDealsAtEveryStage()
    {
        var manager = await ClientAsync(TechManager);
        var mine = await manager.GetFromJsonAsync<JsonElement>($"{Deals}?mine=true&pageSize=200&sort=Title");
        var total = mine.GetProperty("total").GetInt32();
        var xlsx = await manager.GetAsync($"{Deals}/mine.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using var workbook = new XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.Worksheets.First();
        Assert.Equal(total, sheet.LastRowUsed()!.RowNumber() - 1);
        var titles = Enumerable.Range(2, total).Select(r => sheet.Cell(r, 1).GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(mine.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("title").GetString()!).Order(StringComparer.Ordinal).ToList(), titles);

        var demo = await WithDbAsync(factory, db => db.Set<Deal>().Where(d => d.Synthetic).ToListAsync());
        Assert.Equal(15, demo.Count);
        foreach (var stage in Enum.GetValues<DealStage>())
        {
            Assert.Contains(demo, d => d.Stage == stage);
        }
        foreach (var reason in Enum.GetValues<DealCloseReason>())
        {
            Assert.Contains(demo, d => d.Stage == DealStage.Closed && d.CloseReason == reason);
        }
        var registered = demo.Single(d => d.Stage == DealStage.Registered);
        var contract = await WithDbAsync(factory, db => db.Set<Chuanyu.Web.Features.Contracts.TechContract>().SingleAsync(c => c.Id == registered.ContractId));
        Assert.Equal(registered.Id, contract.DealId);
        var dashboard = await manager.GetFromJsonAsync<JsonElement>($"{Deals}/dashboard");
        Assert.True(dashboard.GetProperty("byStage").GetProperty("Lead").GetInt32() >= 3);
    }

    /// <summary>The smallest Word package the upload check accepts: [Content_Types].xml and word/document.xml.</summary>
    private static byte[] Docx()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var part in new[] { "[Content_Types].xml", "word/document.xml" })
            {
                using var w = new StreamWriter(zip.CreateEntry(part).Open());
                w.Write("<x/>");
            }
        }
        return buffer.ToArray();
    }
}

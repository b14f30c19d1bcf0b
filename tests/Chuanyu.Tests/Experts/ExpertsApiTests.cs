using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Experts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;
using static Chuanyu.Tests.Experts.ExpertTestData;

namespace Chuanyu.Tests.Experts;

/// <summary>
/// Expert profiles through the API on a fixed clock (2026): the entry conditions of 渝科局发〔2023〕68号, personal data
/// encrypted, masked in lists and revealed only to the region's administrators and the security administrator with an
/// audit row, and one region's administrators unable to touch the other region's experts.
/// </summary>
public sealed class ExpertsApiTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private readonly ChuanyuFactory _factory = new();
    private readonly WebApplicationFactory<Program> _host;

    public ExpertsApiTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(new ManualClock(T0))));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private static readonly string[] GeneticsCodes = ["18031", "18037"];
    private static readonly string[] UnknownCodes = ["12345"];

    private Task<HttpClient> ClientAsync(string email) => SignedInAsync(_host, email);

    private static async Task<JsonElement> ErrorsOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("errors");
    }

    [Fact]
    public async Task ARegionAdminCreatesAnExpert_PersonalDataIsEncrypted_MaskedInLists_AbsentInPublic_RevealedWithAnAuditRow()
    {
        var cq = await ClientAsync("cq.admin@chuanyu.demo");
        var cqu = await OrgAsync(_host, "重庆大学");
        var idNumber = NewIdNumber();
        var id = await CreatedAsync(cq, Expert(cqu, idNumber, name: "测试专家甲"));

        // At rest: ciphertext with its algorithm and key id, and a blind index; never the number itself.
        var stored = await WithDbAsync(_host, db => db.Set<Expert>().AsNoTracking().SingleAsync(e => e.Id == id));
        Assert.StartsWith("v1:", stored.IdNumberProtected, StringComparison.Ordinal);
        Assert.DoesNotContain(idNumber, stored.IdNumberProtected, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", stored.PhoneProtected!, StringComparison.Ordinal);
        Assert.Equal(64, stored.IdNumberKey.Length);
        Assert.Equal("500000", stored.RegionCode);
        Assert.Equal("43025", stored.PrimaryDiscipline);

        var anonymous = _host.CreateClient();
        var publicJson = await (await anonymous.GetAsync($"/api/v1/experts/{id}")).Content.ReadAsStringAsync();
        Assert.Contains("测试专家甲", publicJson, StringComparison.Ordinal);
        Assert.Contains("43025", publicJson, StringComparison.Ordinal);
        foreach (var leak in new[] { idNumber, "13800138000", "expert.test@example.org", "masked", "birthYear", "1975" })
        {
            Assert.DoesNotContain(leak, publicJson, StringComparison.OrdinalIgnoreCase);
        }

        var list = await cq.GetFromJsonAsync<JsonElement>("/api/v1/experts/managed?q=测试专家甲");
        var row = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("138****8000", row.GetProperty("maskedPhone").GetString());
        Assert.Equal("ex***@example.org", row.GetProperty("maskedEmail").GetString());
        Assert.Equal(idNumber[..3] + new string('*', 11) + idNumber[^4..], row.GetProperty("maskedIdNumber").GetString());
        Assert.DoesNotContain(idNumber, list.GetRawText(), StringComparison.Ordinal);

        var revealed = await cq.GetFromJsonAsync<JsonElement>($"/api/v1/experts/{id}/personal-data");
        Assert.Equal(idNumber, revealed.GetProperty("idNumber").GetString());
        Assert.Equal("13800138000", revealed.GetProperty("phone").GetString());
        var security = await ClientAsync("secadmin@chuanyu.demo");
        Assert.Equal(HttpStatusCode.OK, (await security.GetAsync($"/api/v1/experts/{id}/personal-data")).StatusCode);
        var views = await WithDbAsync(_host, db => db.AuditEntries.Where(a => a.Action == "privacy.view" && a.Target == $"expert:{id}")
            .Select(a => new { a.ActorName, a.Outcome, a.Detail }).ToListAsync());
        Assert.Equal(2, views.Count);
        Assert.All(views, v => Assert.DoesNotContain(idNumber, v.Detail ?? "", StringComparison.Ordinal));

        // Anyone else: not signed in 401, signed in without the role 403 (and the refusal is recorded too).
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/experts/{id}/personal-data")).StatusCode);
        var engineer = await ClientAsync("engineer@chuanyu.demo");
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.GetAsync($"/api/v1/experts/{id}/personal-data")).StatusCode);
        var sc = await ClientAsync("sc.admin@chuanyu.demo");
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.GetAsync($"/api/v1/experts/{id}/personal-data")).StatusCode);
        Assert.Equal(2, await WithDbAsync(_host, db => db.AuditEntries.CountAsync(a => a.Action == "privacy.view" && a.Target == $"expert:{id}"
            && a.Outcome == Chuanyu.Web.Infrastructure.AuditOutcome.Failure)));
    }

    [Fact]
    public async Task TheEntryConditionsAreCheckedWithAFieldErrorEach()
    {
        var cq = await ClientAsync("cq.admin@chuanyu.demo");
        var cqu = await OrgAsync(_host, "重庆大学");

        // 渝科局发〔2023〕68号: at least 5 years in the field.
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync("/api/v1/experts", Expert(cqu, yearsInField: 4)))).TryGetProperty("yearsInField", out _));
        // Age 66 in 2026: above 65 …
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync("/api/v1/experts", Expert(cqu, birthYear: 1960)))).TryGetProperty("birthYear", out _));
        // … allowed for a high-level expert (≤ 70), but not 71.
        await CreatedAsync(cq, Expert(cqu, birthYear: 1960, highLevel: true));
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync("/api/v1/experts", Expert(cqu, birthYear: 1955, highLevel: true)))).TryGetProperty("birthYear", out _));
        // Exactly 65 and exactly 5 years pass.
        await CreatedAsync(cq, Expert(cqu, birthYear: 1961, yearsInField: 5));

        // Discipline codes are GB/T 13745's, not free text; the primary is one of them.
        var unknown = await ErrorsOf(await cq.PostAsJsonAsync("/api/v1/experts", Expert(cqu, disciplines: ["43025", "99999"])));
        Assert.Contains("99999", unknown.GetProperty("disciplines")[0].GetString(), StringComparison.Ordinal);
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync("/api/v1/experts", Expert(cqu, primary: "110")))).TryGetProperty("primaryDiscipline", out _));
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync("/api/v1/experts", Expert(cqu, disciplines: [])))).TryGetProperty("disciplines", out _));

        // A bad ID number (check character) and a second profile for the same person.
        var id = NewIdNumber();
        var bad = id[..17] + (id[17] == '0' ? '1' : '0');
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync("/api/v1/experts", Expert(cqu, bad)))).TryGetProperty("idNumber", out _));
        await CreatedAsync(cq, Expert(cqu, id));
        var duplicate = await ErrorsOf(await cq.PostAsJsonAsync("/api/v1/experts", Expert(cqu, id.ToLowerInvariant())));
        Assert.Contains("Experts.DuplicateIdNumber", (await (await cq.PostAsJsonAsync("/api/v1/experts", Expert(cqu, id))).ReadJsonAsync())
            .GetProperty("errorCodes").GetProperty("idNumber").GetRawText(), StringComparison.Ordinal);
        Assert.True(duplicate.TryGetProperty("idNumber", out _));

        // A malformed phone and e-mail, a missing organisation.
        var contact = Expert(cqu);
        contact["phone"] = "12345";
        contact["email"] = "not-an-address";
        contact["organizationId"] = null;
        var errors = await ErrorsOf(await cq.PostAsJsonAsync("/api/v1/experts", contact));
        Assert.True(errors.TryGetProperty("phone", out _));
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("organizationId", out _));
    }

    [Fact]
    public async Task TheOtherRegionsAdministratorsCannotChangeOrSeeTheManagedRecordsOfAnExpert()
    {
        var cq = await ClientAsync("cq.admin@chuanyu.demo");
        var sc = await ClientAsync("sc.admin@chuanyu.demo");
        var cqu = await OrgAsync(_host, "重庆大学");
        var id = await CreatedAsync(cq, Expert(cqu, name: "测试专家乙"));

        var edit = Expert(cqu, name: "改名");
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.PutAsJsonAsync($"/api/v1/experts/{id}", edit)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.PostAsJsonAsync($"/api/v1/experts/{id}/suspend", new { reason = "不应生效" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.PostAsJsonAsync($"/api/v1/experts/{id}/remove", new { reason = "不应生效" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sc.GetAsync($"/api/v1/experts/managed/{id}")).StatusCode);
        Assert.DoesNotContain(id.ToString(), await sc.GetStringAsync("/api/v1/experts/managed?pageSize=200"), StringComparison.Ordinal);
        // Nor create one in Chongqing's pool.
        var intoCq = Expert(cqu);
        intoCq["regionCode"] = "500000";
        Assert.True((await ErrorsOf(await sc.PostAsJsonAsync("/api/v1/experts", intoCq))).TryGetProperty("regionCode", out _));
        // A member is no administrator at all.
        var engineer = await ClientAsync("engineer@chuanyu.demo");
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostAsJsonAsync("/api/v1/experts", Expert(cqu))).StatusCode);

        var unchanged = await WithDbAsync(_host, db => db.Set<Expert>().AsNoTracking().SingleAsync(e => e.Id == id));
        Assert.Equal("测试专家乙", unchanged.Name);
        Assert.Equal(ExpertStatus.Active, unchanged.Status);
        Assert.Equal(0, unchanged.Version);
    }

    [Fact]
    public async Task SuspendReinstateAndRemove_WithReasons_HideTheExpertFromThePublic()
    {
        var cq = await ClientAsync("cq.admin@chuanyu.demo");
        var cqu = await OrgAsync(_host, "重庆大学");
        var id = await CreatedAsync(cq, Expert(cqu));
        var anonymous = _host.CreateClient();

        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync($"/api/v1/experts/{id}/suspend", new { reason = "" }))).TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await cq.PostAsJsonAsync($"/api/v1/experts/{id}/suspend", new { reason = "本人申请暂停一年" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/experts/{id}")).StatusCode);
        var managed = await cq.GetFromJsonAsync<JsonElement>($"/api/v1/experts/managed/{id}");
        Assert.Equal("Suspended", managed.GetProperty("status").GetString());
        Assert.Equal("本人申请暂停一年", managed.GetProperty("statusReason").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await cq.PostAsJsonAsync($"/api/v1/experts/{id}/reinstate", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/v1/experts/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await cq.PostAsJsonAsync($"/api/v1/experts/{id}/remove", new { reason = "两次无故缺席评审" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/experts/{id}")).StatusCode);
        // Removal is final.
        Assert.Equal(HttpStatusCode.Conflict, (await cq.PostAsJsonAsync($"/api/v1/experts/{id}/reinstate", new { })).StatusCode);
        Assert.Equal(3, await WithDbAsync(_host, db => db.AuditEntries.CountAsync(a => a.Target == $"expert:{id}"
            && (a.Action == "expert.suspend" || a.Action == "expert.reinstate" || a.Action == "expert.remove"))));
    }

    [Fact]
    public async Task ThePublicListFiltersByDisciplineTitleCategoryRegionAndKeyword()
    {
        var cq = await ClientAsync("cq.admin@chuanyu.demo");
        var cqu = await OrgAsync(_host, "重庆大学");
        var materials = await CreatedAsync(cq, Expert(cqu, disciplines: ["43025"], name: "筛选材料专家"));
        var ai = Expert(cqu, disciplines: ["52020"], name: "筛选智能专家");
        ai["titleLevel"] = "AssociateSenior";
        ai["category"] = "Management";
        ai["keywords"] = "机器学习";
        var aiId = await CreatedAsync(cq, ai);
        var anonymous = _host.CreateClient();

        async Task<List<Guid>> Ids(string query) => (await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/experts?pageSize=200&" + query))
            .GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();

        // A level-1 code finds the level-2 codes under it.
        var byDiscipline = await Ids("discipline=430");
        Assert.Contains(materials, byDiscipline);
        Assert.DoesNotContain(aiId, byDiscipline);
        Assert.Equal([aiId], (await Ids("q=筛选&title=AssociateSenior")));
        Assert.Equal([aiId], (await Ids("q=筛选&category=Management")));
        Assert.Equal([aiId], (await Ids("q=机器学习")));
        Assert.DoesNotContain(materials, await Ids("region=510000&q=筛选"));
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/api/v1/experts?pageSize=500")).StatusCode);
    }

    [Fact]
    public async Task AnExpertLinkedToTheirAccountKeepsTheirOwnProfile_OthersHaveNone()
    {
        var cq = await ClientAsync("cq.admin@chuanyu.demo");
        var swu = await OrgAsync(_host, "西南大学");
        var id = await CreatedAsync(cq, Expert(swu, name: "本人维护专家"));
        var userId = await WithDbAsync(_host, db => db.Users.Where(u => u.Email == "expert2@chuanyu.demo").Select(u => u.Id).SingleAsync());
        await WithDbAsync(_host, async db =>
        {
            // The demo links its own experts; this test links a fresh profile so it does not depend on the demo pool.
            await db.Set<Expert>().Where(e => e.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(e => e.UserId, (Guid?)null));
            return await db.Set<Expert>().Where(e => e.Id == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.UserId, userId));
        });

        var expert = await ClientAsync("expert2@chuanyu.demo");
        var mine = await expert.GetFromJsonAsync<JsonElement>("/api/v1/experts/me");
        Assert.Equal(id, mine.GetProperty("id").GetGuid());
        Assert.Equal("138****8000", mine.GetProperty("maskedPhone").GetString());

        var update = new { position = "研究员", disciplines = GeneticsCodes, keywords = "基因编辑、分子育种", availability = "Limited", phone = "13900139000", version = mine.GetProperty("version").GetInt32() };
        Assert.Equal(HttpStatusCode.NoContent, (await expert.PutAsJsonAsync("/api/v1/experts/me", update)).StatusCode);
        var after = await expert.GetFromJsonAsync<JsonElement>("/api/v1/experts/me");
        Assert.Equal("基因编辑、分子育种", after.GetProperty("keywords").GetString());
        Assert.Equal("18031", after.GetProperty("disciplines")[0].GetProperty("code").GetString());
        Assert.Equal("139****9000", after.GetProperty("maskedPhone").GetString());
        // E-mail left empty: unchanged.
        Assert.Equal("ex***@example.org", after.GetProperty("maskedEmail").GetString());
        Assert.True((await ErrorsOf(await expert.PutAsJsonAsync("/api/v1/experts/me", new { disciplines = UnknownCodes }))).TryGetProperty("disciplines", out _));

        var engineer = await ClientAsync("engineer@chuanyu.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.GetAsync("/api/v1/experts/me")).StatusCode);
    }
}

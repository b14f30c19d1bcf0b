using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Market;

/// <summary>
/// Matching both ways (issue 17 point 3) on the real host with a manual clock: ranking and its reasons, the hard filters
/// and the query's, an expired result never listed (the bad-input list), reactions per organisation, the owner's
/// view of interest and reasons, and what is refused.
/// </summary>
public sealed class MatchingTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private readonly ChuanyuFactory _factory = new();
    private readonly ManualClock _clock = new(T0);
    private readonly WebApplicationFactory<Program> _host;

    // 重庆大学 (500000) publishes results; 蓉芯检测 (510000) publishes the demand; 四川大学 is a third organisation.
    private const string Member = "cqu.instrument@chuanyu.demo";
    private const string Engineer = "engineer@chuanyu.demo";
    private const string Researcher = "scu.researcher@chuanyu.demo";
    private static readonly string[] RecyclingIndustry = ["C42"];
    private static readonly string[] OneKeyword = ["锂电池"];
    private static readonly string[] EquityOnly = ["Equity"];
    private static readonly string[] MedicineIndustry = ["C27"];
    private static readonly string[] ManufacturingDoor = ["C"];
    private static readonly string[] ChemistryDiscipline = ["150"];

    public MatchingTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private string Deadline => ChinaTime.Today(_clock).AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<Guid> CreatedAsync(HttpClient client, string path, Dictionary<string, object?> body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    /// <summary>Published through tracked entities (so the search index follows), with an expiry <paramref name="days"/> ahead.</summary>
    private Task<bool> PublishAsync<T>(Guid id, int days = 30) where T : MarketRecord => WithDbAsync(_host, async db =>
    {
        var r = await db.Set<T>().SingleAsync(x => x.Id == id);
        r.Status = MarketStatus.Published;
        r.PublishedAt = _clock.GetUtcNow();
        r.ExpiresAt = _clock.GetUtcNow().AddDays(days);
        await db.SaveChangesAsync();
        return true;
    });

    private async Task<Guid> ResultAsync(HttpClient member, Action<Dictionary<string, object?>> change, int days = 30)
    {
        var body = MarketTests.Achievement();
        change(body);
        var id = await CreatedAsync(member, "/api/v1/achievements", body);
        await PublishAsync<Chuanyu.Web.Features.Market.Achievement>(id, days);
        return id;
    }

    private async Task<Guid> LithiumDemandAsync(HttpClient engineer)
    {
        var body = MarketTests.Demand(Deadline, confidential: true);
        body["title"] = "动力锂电池正极材料改性技术需求";
        body["summary"] = "寻求提升正极材料循环寿命的技术";
        body["details"] = "保密：目标客户为某整车厂";
        body["disciplineCodes"] = new[] { "430" };
        body["industryCodes"] = new[] { "C38" };
        body["trl"] = 5;
        body["modes"] = new[] { "OrdinaryLicence" };
        body["budgetMin"] = 100;
        body["budgetMax"] = 300;
        body["keywords"] = new[] { "锂电池", "正极材料" };
        var id = await CreatedAsync(engineer, "/api/v1/demands", body);
        await PublishAsync<Demand>(id, 60);
        return id;
    }

    private static async Task<List<JsonElement>> MatchesAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray()];
    }

    private static List<Guid> Ids(List<JsonElement> items) => [.. items.Select(i => i.GetProperty("id").GetGuid())];

    [Fact]
    public async Task DemandMatches_RankTheFittingResultFirst_WithReasons_HardFiltersAndQueryFilters_NeverAnExpiredResult()
    {
        var member = await SignedInAsync(_host, Member);
        var engineer = await SignedInAsync(_host, Engineer);
        var fitting = await ResultAsync(member, _ => { });
        var weaker = await ResultAsync(member, b =>
        {
            b["title"] = "废旧锂电池梯次利用技术";
            b["summary"] = "退役电池筛选与重组";
            b["industryCodes"] = RecyclingIndustry;
            b["keywords"] = OneKeyword;
        });
        var immature = await ResultAsync(member, b => b["trl"] = 3);
        var expensive = await ResultAsync(member, b => { b["priceMin"] = 500; b["priceMax"] = 800; });
        var otherMode = await ResultAsync(member, b => b["modes"] = EquityOnly);
        var expiring = await ResultAsync(member, _ => { }, days: 1);
        // Another manufacturing division and another 一级学科: door C alone does not make it the same field ...
        var otherField = await ResultAsync(member, b => { b["industryCodes"] = MedicineIndustry; b["disciplineCodes"] = ChemistryDiscipline; });
        // ... but a result coded with the bare door C is not excluded by the demand's C38.
        var bareDoor = await ResultAsync(member, b => { b["industryCodes"] = ManufacturingDoor; b["disciplineCodes"] = ChemistryDiscipline; });
        var demand = await LithiumDemandAsync(engineer);

        var anonymous = _host.CreateClient();
        var items = await MatchesAsync(anonymous, $"/api/v1/demands/{demand}/matches");
        var ids = Ids(items);
        Assert.Contains(fitting, ids);
        Assert.Contains(weaker, ids);
        Assert.True(ids.IndexOf(fitting) < ids.IndexOf(weaker), "the result sharing both keywords and the industry division ranks first");
        Assert.DoesNotContain(immature, ids);
        Assert.DoesNotContain(expensive, ids);
        Assert.DoesNotContain(otherMode, ids);
        Assert.DoesNotContain(otherField, ids);
        Assert.Contains(bareDoor, ids);
        Assert.Contains(expiring, ids);

        var reasons = items[ids.IndexOf(fitting)].GetProperty("reasons").EnumerateArray().ToList();
        var codes = reasons.Select(r => r.GetProperty("code").GetString()).ToList();
        Assert.Equal(["Market.Match.SharedKeywords", "Market.Match.SameIndustry", "Market.Match.SameDiscipline", "Market.Match.MaturityMet",
            "Market.Match.ModeMatch", "Market.Match.BudgetCovers"], codes);
        var keywords = reasons[0];
        Assert.Contains("锂电池", keywords.GetProperty("args")[0].GetString());
        Assert.Contains("正极材料", keywords.GetProperty("args")[0].GetString());
        Assert.StartsWith("共同关键词：", keywords.GetProperty("text").GetString());
        Assert.Equal("同属行业 C38", reasons[1].GetProperty("text").GetString());
        Assert.Equal("成熟度满足（TRL 6 ≥ 5）", reasons[3].GetProperty("text").GetString());
        Assert.Equal("转化方式一致：普通许可", reasons[4].GetProperty("text").GetString());
        Assert.DoesNotContain(items, i => i.GetRawText().Contains("保密", StringComparison.Ordinal));

        // Query filters: region, highest price, least TRL, mode; a bad limit is a field error.
        Assert.Contains(fitting, Ids(await MatchesAsync(anonymous, $"/api/v1/demands/{demand}/matches?region=500000")));
        Assert.DoesNotContain(fitting, Ids(await MatchesAsync(anonymous, $"/api/v1/demands/{demand}/matches?region=510000")));
        Assert.DoesNotContain(fitting, Ids(await MatchesAsync(anonymous, $"/api/v1/demands/{demand}/matches?maxPrice=40")));
        Assert.DoesNotContain(fitting, Ids(await MatchesAsync(anonymous, $"/api/v1/demands/{demand}/matches?minTrl=7")));
        Assert.Contains(fitting, Ids(await MatchesAsync(anonymous, $"/api/v1/demands/{demand}/matches?mode=Transfer")));
        Assert.DoesNotContain(fitting, Ids(await MatchesAsync(anonymous, $"/api/v1/demands/{demand}/matches?mode=TechnicalService")));
        await (await anonymous.GetAsync($"/api/v1/demands/{demand}/matches?limit=51")).AssertFieldErrorAsync("limit");

        // The other way: the result's matches list the demand (public text only).
        var demands = await MatchesAsync(anonymous, $"/api/v1/achievements/{fitting}/matches");
        Assert.Contains(demand, Ids(demands));
        Assert.DoesNotContain(demands, i => i.GetRawText().Contains("保密", StringComparison.Ordinal));

        // The page shows the match with its reasons.
        var page = await anonymous.GetStringAsync($"/Market/Demands/{demand}/Matches");
        Assert.Contains(fitting.ToString(), page);
        Assert.Contains("共同关键词", page);

        // Past its expiry (before any job ran), the result is never listed, from either side.
        _clock.Set(T0.AddDays(2));
        Assert.DoesNotContain(expiring, Ids(await MatchesAsync(anonymous, $"/api/v1/demands/{demand}/matches?limit=50")));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/achievements/{expiring}/matches")).StatusCode);
        Assert.Contains(fitting, Ids(await MatchesAsync(anonymous, $"/api/v1/demands/{demand}/matches?limit=50")));
    }

    [Fact]
    public async Task Reactions_DismissalHidesForThatOrganisationOnly_InterestReachesTheOwnerOnly_OwnAndNonLiveRefused()
    {
        var member = await SignedInAsync(_host, Member);
        var engineer = await SignedInAsync(_host, Engineer);
        var researcher = await SignedInAsync(_host, Researcher);
        var fitting = await ResultAsync(member, _ => { });
        var other = await ResultAsync(member, b => b["title"] = "高镍正极材料单晶化技术");
        var draft = await CreatedAsync(member, "/api/v1/achievements", MarketTests.Achievement());
        var demand = await LithiumDemandAsync(engineer);
        var path = $"/api/v1/demands/{demand}/matches?limit=50";
        Assert.Contains(other, Ids(await MatchesAsync(engineer, path)));

        Task<HttpResponseMessage> React(HttpClient c, Guid achievement, string kind, string? reason = null, string? message = null, Guid? org = null) =>
            c.PostAsJsonAsync("/api/v1/match-reactions", new { organizationId = org, demandId = demand, achievementId = achievement, side = "Demand", kind, reason, message });

        // Dismissing needs a coded reason; Other needs a note.
        await (await React(engineer, other, "Dismissed")).AssertFieldErrorAsync("reason");
        await (await React(engineer, other, "Dismissed", "Other")).AssertFieldErrorAsync("message");
        Assert.Equal(HttpStatusCode.OK, (await React(engineer, other, "Dismissed", "TooExpensive")).StatusCode);
        Assert.DoesNotContain(other, Ids(await MatchesAsync(engineer, path)));
        Assert.Contains(other, Ids(await MatchesAsync(researcher, path)));
        Assert.Contains(other, Ids(await MatchesAsync(_host.CreateClient(), path)));

        // Saved: marked in that organisation's list only.
        Assert.Equal(HttpStatusCode.OK, (await React(engineer, fitting, "Saved")).StatusCode);
        Assert.Equal("Saved", (await MatchesAsync(engineer, path)).Single(i => i.GetProperty("id").GetGuid() == fitting).GetProperty("myReaction").GetString());
        Assert.Equal(JsonValueKind.Null, (await MatchesAsync(researcher, path)).Single(i => i.GetProperty("id").GetGuid() == fitting).GetProperty("myReaction").ValueKind);

        // Interest with a message (≤ 500), audited; the result's owner reads it, nobody else.
        await (await React(engineer, fitting, "Interested", message: new string('长', 501))).AssertFieldErrorAsync("message");
        Assert.Equal(HttpStatusCode.OK, (await React(engineer, fitting, "Interested", message: "希望洽谈普通许可，年用量约 20 吨")).StatusCode);
        var interest = await (await member.GetAsync($"/api/v1/achievements/{fitting}/interest")).ReadJsonAsync();
        var item = Assert.Single(interest.GetProperty("interests").EnumerateArray());
        Assert.Equal("希望洽谈普通许可，年用量约 20 吨", item.GetProperty("message").GetString());
        Assert.Contains("蓉芯", item.GetProperty("organizationName").GetString());
        var dismissals = (await (await member.GetAsync($"/api/v1/achievements/{other}/interest")).ReadJsonAsync()).GetProperty("dismissals");
        Assert.Equal("TooExpensive", Assert.Single(dismissals.EnumerateArray()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.GetAsync($"/api/v1/achievements/{fitting}/interest")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/api/v1/achievements/{fitting}/interest")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.CreateClient().GetAsync($"/api/v1/achievements/{fitting}/interest")).StatusCode);
        Assert.Contains("希望洽谈普通许可", await member.GetStringAsync($"/Market/Achievements/{fitting}"));
        Assert.DoesNotContain("希望洽谈普通许可", await researcher.GetStringAsync($"/Market/Achievements/{fitting}"));
        Assert.True(await WithDbAsync(_host, db => db.Set<AuditEntry>().AnyAsync(a => a.Action == "market.match.interest" && a.Target == $"achievement:{fitting}")));

        // Refused: one's own record (422), a record that is not live (404), another organisation's name (403).
        var own = await member.PostAsJsonAsync("/api/v1/match-reactions", new { demandId = demand, achievementId = fitting, side = "Demand", kind = "Saved" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, own.StatusCode);
        Assert.Contains("Market.MatchOwnRecord", await own.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await React(engineer, draft, "Saved")).StatusCode);
        var cqu = await OrgAsync(_host, "重庆大学");
        Assert.Equal(HttpStatusCode.Forbidden, (await React(researcher, fitting, "Saved", org: cqu)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.CreateClient().PostAsJsonAsync("/api/v1/match-reactions", new { demandId = demand, achievementId = fitting, side = "Demand", kind = "Saved" })).StatusCode);
    }
}

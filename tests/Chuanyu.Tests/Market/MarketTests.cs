using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Market;

/// <summary>
/// Research results and technology demands (issue 17 points 1 and 2) on the real host with a manual clock: the lifecycle
/// (draft → pending → published → expired → renewed / closed, each audited), expiry read at once and written by the job,
/// another organisation kept out of drafts and writes, confidential details, the errors per field, and the search.
/// </summary>
public sealed class MarketTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private readonly ChuanyuFactory _factory = new();
    private readonly ManualClock _clock = new(T0);
    private readonly WebApplicationFactory<Program> _host;
    private const int Validity = 30;

    // 重庆大学: a member (the instrument manager) writes, its organisation administrator reviews; 蓉芯 (Sichuan) is a stranger.
    private const string Member = "cqu.instrument@chuanyu.demo";
    private const string OrgAdmin = "cqu.admin@chuanyu.demo";
    private const string Stranger = "engineer@chuanyu.demo";

    public MarketTests()
    {
        // A short term, so moving past it stays inside the password policy's age (a sign-in after two years would be a password change).
        _host = _factory.WithWebHostBuilder(b => b.UseSetting("Market:AchievementValidityDays", Validity.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private Task<HttpClient> ClientAsync(string email) => SignedInAsync(_host, email);

    private static int _n;

    public static Dictionary<string, object?> Achievement(string? title = null) => new()
    {
        ["title"] = title ?? $"高镍三元正极材料包覆改性技术{Interlocked.Increment(ref _n)}",
        ["summary"] = "提升锂电池正极循环寿命的包覆工艺",
        ["description"] = "采用原子层沉积在高镍正极表面包覆氧化铝，循环 1000 次容量保持率 92%。",
        ["type"] = "InventionPatent",
        ["patentNumbers"] = new[] { "ZL" + WithCheck("202310123456") },
        ["disciplineCodes"] = new[] { "430" },
        ["industryCodes"] = new[] { "C38" },
        ["trl"] = 6,
        ["stage"] = "Trial",
        ["modes"] = new[] { "Transfer", "OrdinaryLicence" },
        ["priceMin"] = 50,
        ["priceMax"] = 120,
        ["negotiable"] = false,
        ["inventors"] = new[] { "张三", "李四" },
        ["keywords"] = new[] { "锂电池", "正极材料" },
    };

    public static Dictionary<string, object?> Demand(string deadline, bool confidential = true) => new()
    {
        ["title"] = $"车规级功率模块散热方案需求{Interlocked.Increment(ref _n)}",
        ["summary"] = "寻求 IGBT 模块双面散热技术合作",
        ["details"] = "现有模块结温超过 150℃，目标热阻降低 30%，年需求 20 万只。",
        ["confidential"] = confidential,
        ["disciplineCodes"] = new[] { "460" },
        ["industryCodes"] = new[] { "C36" },
        ["trl"] = 5,
        ["stage"] = "Pilot",
        ["modes"] = new[] { "JointDevelopment" },
        ["budgetMin"] = 100,
        ["budgetMax"] = 300,
        ["negotiable"] = false,
        ["deadline"] = deadline,
        ["keywords"] = new[] { "功率模块", "散热" },
    };

    public static string WithCheck(string twelve) => $"{twelve}.{MarketRules.PatentCheck(twelve)}";

    private static async Task<Guid> CreatedAsync(HttpClient client, string path, Dictionary<string, object?> body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private static async Task OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<List<Guid>> ListedAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
    }

    private static async Task<List<Guid>> SearchedAsync(HttpClient client, string q, string type)
    {
        var response = await client.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(q)}&type={type}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
    }

    private Task<List<string>> AuditActionsAsync(Guid id) =>
        WithDbAsync(_host, db => db.Set<AuditEntry>().Where(a => a.Target == $"achievement:{id}" || a.Target == $"demand:{id}").OrderBy(a => a.Seq).Select(a => a.Action).ToListAsync());

    [Fact]
    public async Task Achievement_Lifecycle_DraftToPublishedToExpiredToRenewedToClosed_EachAudited_AndOnlyLiveInListsAndSearch()
    {
        var member = await ClientAsync(Member);
        var anonymous = _host.CreateClient();
        var title = "钠离子电池硬碳负极材料制备技术";
        var id = await CreatedAsync(member, "/api/v1/achievements", Achievement(title));

        // A draft is nowhere public.
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/achievements/{id}")).StatusCode);
        Assert.DoesNotContain(id, await ListedAsync(anonymous, "/api/v1/achievements?pageSize=200"));
        Assert.DoesNotContain(id, await SearchedAsync(anonymous, "硬碳负极", "Achievement"));

        await OkAsync(member.PostAsync($"/api/v1/achievements/{id}/submit", null));
        // A member who is not the organisation's administrator cannot approve.
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"/api/v1/achievements/{id}/approve", null)).StatusCode);
        var admin = await ClientAsync(OrgAdmin);
        await OkAsync(admin.PostAsync($"/api/v1/achievements/{id}/approve", null));

        Assert.Contains(id, await ListedAsync(anonymous, "/api/v1/achievements?pageSize=200"));
        Assert.Contains(id, await ListedAsync(anonymous, "/api/v1/achievements?discipline=430&industry=C&minTrl=6&mode=Transfer&priceMin=100&priceMax=200"));
        Assert.DoesNotContain(id, await ListedAsync(anonymous, "/api/v1/achievements?minTrl=7"));
        Assert.DoesNotContain(id, await ListedAsync(anonymous, "/api/v1/achievements?priceMin=121"));
        Assert.Contains(id, await SearchedAsync(anonymous, "硬碳负极", "Achievement"));
        var published = await (await anonymous.GetAsync($"/api/v1/achievements/{id}")).ReadJsonAsync();
        Assert.Equal("Published", published.GetProperty("status").GetString());
        var expires = published.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal(T0.AddDays(Validity), expires);

        // Past its expiry it reads as expired at once, before the job has run: gone from the list, the search and the public page.
        _clock.Set(expires.AddMinutes(1));
        Assert.DoesNotContain(id, await ListedAsync(anonymous, "/api/v1/achievements?pageSize=200"));
        Assert.DoesNotContain(id, await SearchedAsync(anonymous, "硬碳负极", "Achievement"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/achievements/{id}")).StatusCode);
        Assert.Equal(MarketStatus.Published, await WithDbAsync(_host, db => db.Set<Chuanyu.Web.Features.Market.Achievement>().Where(a => a.Id == id).Select(a => a.Status).SingleAsync()));

        // The job writes it (and removes the search document).
        using (var scope = _host.Services.CreateScope())
        {
            var expiry = scope.ServiceProvider.GetRequiredService<MarketExpiry>();
            Assert.True(await expiry.AnyDueAsync(default));
            Assert.True(await expiry.ExpireDueAsync(default) >= 1);
        }
        Assert.Equal(MarketStatus.Expired, await WithDbAsync(_host, db => db.Set<Chuanyu.Web.Features.Market.Achievement>().Where(a => a.Id == id).Select(a => a.Status).SingleAsync()));
        Assert.False(await WithDbAsync(_host, db => db.Set<SearchEntry>().AnyAsync(e => e.RecordId == id)));

        // Renewed by the owner (signed in again after moving the clock): published with a new term.
        member = await ClientAsync(Member);
        Assert.Contains(id, await ListedAsync(member, "/api/v1/achievements?status=Expired&pageSize=200"));
        await OkAsync(member.PostAsJsonAsync($"/api/v1/achievements/{id}/renew", new { }));
        var renewed = await (await anonymous.GetAsync($"/api/v1/achievements/{id}")).ReadJsonAsync();
        Assert.Equal(_clock.GetUtcNow().AddDays(Validity), renewed.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Contains(id, await SearchedAsync(anonymous, "硬碳负极", "Achievement"));

        // Closed with a coded reason: final.
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsJsonAsync($"/api/v1/achievements/{id}/close", new { })).StatusCode);
        await OkAsync(member.PostAsJsonAsync($"/api/v1/achievements/{id}/close", new { reason = "Transferred" }));
        Assert.DoesNotContain(id, await ListedAsync(anonymous, "/api/v1/achievements?pageSize=200"));
        Assert.Equal(HttpStatusCode.Conflict, (await member.PostAsJsonAsync($"/api/v1/achievements/{id}/renew", new { })).StatusCode);

        Assert.Equal(
            ["market.achievement.create", "market.achievement.submit", "market.achievement.refused", "market.achievement.approve", "market.achievement.expire",
                "market.achievement.renew", "market.achievement.close"],
            await AuditActionsAsync(id));
    }

    [Fact]
    public async Task Reject_SendsBackToDraftWithTheNote_WhichOnlyTheOwnerReads()
    {
        var member = await ClientAsync(Member);
        var admin = await ClientAsync(OrgAdmin);
        var id = await CreatedAsync(member, "/api/v1/achievements", Achievement());
        await OkAsync(member.PostAsync($"/api/v1/achievements/{id}/submit", null));
        await (await admin.PostAsJsonAsync($"/api/v1/achievements/{id}/reject", new { note = "" })).AssertFieldErrorAsync("note");
        await OkAsync(admin.PostAsJsonAsync($"/api/v1/achievements/{id}/reject", new { note = "请补充专利权人信息" }));
        var back = await (await member.GetAsync($"/api/v1/achievements/{id}")).ReadJsonAsync();
        Assert.Equal("Draft", back.GetProperty("status").GetString());
        Assert.Equal("请补充专利权人信息", back.GetProperty("reviewNote").GetString());
        // A draft can be edited again; a pending one cannot.
        var edited = Achievement("修改后的成果名称");
        edited["version"] = back.GetProperty("version").GetInt32();
        await OkAsync(member.PutAsJsonAsync($"/api/v1/achievements/{id}", edited));
        await OkAsync(member.PostAsync($"/api/v1/achievements/{id}/submit", null));
        Assert.Equal(HttpStatusCode.Conflict, (await member.PutAsJsonAsync($"/api/v1/achievements/{id}", Achievement())).StatusCode);
    }

    [Fact]
    public async Task AnotherOrganisation_CannotReadADraft_NorEditSubmitApproveOrClose()
    {
        var member = await ClientAsync(Member);
        var stranger = await ClientAsync(Stranger);
        var draft = await CreatedAsync(member, "/api/v1/achievements", Achievement());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/achievements/{draft}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutAsJsonAsync($"/api/v1/achievements/{draft}", Achievement())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/achievements/{draft}/submit", null)).StatusCode);
        Assert.DoesNotContain(draft, await ListedAsync(stranger, "/api/v1/achievements?status=Draft&pageSize=200"));
        Assert.Contains(draft, await ListedAsync(member, "/api/v1/achievements?status=Draft&pageSize=200"));

        // Published: readable by all, still not writable (403).
        await OkAsync(member.PostAsync($"/api/v1/achievements/{draft}/submit", null));
        await OkAsync((await ClientAsync(OrgAdmin)).PostAsync($"/api/v1/achievements/{draft}/approve", null));
        Assert.Equal(HttpStatusCode.OK, (await stranger.GetAsync($"/api/v1/achievements/{draft}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsJsonAsync($"/api/v1/achievements/{draft}/close", new { reason = "Other" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsync($"/api/v1/achievements/{draft}/approve", null)).StatusCode);
        // The draft pages of another organisation are 404 too.
        var session = new PageSession(_factory);
        await session.SignInAsync(Stranger);
        Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync($"/Market/Achievements/Edit/{draft}")).Response.StatusCode);
    }

    [Fact]
    public async Task ConfidentialDemand_AStrangerReachingItById_GetsTheSummaryOnly_UntilTheOwnerApprovesTheRequest()
    {
        var member = await ClientAsync(Member);
        var deadline = DateOnly.FromDateTime(T0.AddDays(60).DateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var id = await CreatedAsync(member, "/api/v1/demands", Demand(deadline));
        await OkAsync(member.PostAsync($"/api/v1/demands/{id}/submit", null));
        await OkAsync((await ClientAsync(OrgAdmin)).PostAsync($"/api/v1/demands/{id}/approve", null));
        const string secret = "现有模块结温超过";

        var stranger = await ClientAsync(Stranger);
        var seen = await stranger.GetAsync($"/api/v1/demands/{id}");
        var body = await seen.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        Assert.True((await seen.ReadJsonAsync()).GetProperty("detailsWithheld").GetBoolean());
        Assert.DoesNotContain(secret, await (await _host.CreateClient().GetAsync($"/api/v1/demands/{id}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await (await stranger.GetAsync("/api/v1/demands?pageSize=200")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(id, await SearchedAsync(stranger, "结温", "Demand"));
        Assert.Contains(id, await SearchedAsync(stranger, "双面散热", "Demand"));
        // The page as well, signed in and not.
        var session = new PageSession(_factory);
        var (_, anonymousPage) = await session.GetAsync($"/Market/Demands/{id}");
        Assert.DoesNotContain(secret, anonymousPage.Body!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(anonymousPage.QuerySelector("[data-testid=details-withheld]"));
        await session.SignInAsync(Stranger);
        var (_, strangerPage) = await session.GetAsync($"/Market/Demands/{id}");
        Assert.DoesNotContain(secret, strangerPage.Body!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(strangerPage.QuerySelector("[data-testid=access-request-form]"));
        // The stranger cannot list or decide the requests.
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/demands/{id}/access-requests")).StatusCode);

        // The request, with its message; the owner refuses, then approves.
        await (await stranger.PostAsJsonAsync($"/api/v1/demands/{id}/access-requests", new { message = "" })).AssertFieldErrorAsync("message");
        var request = await stranger.PostAsJsonAsync($"/api/v1/demands/{id}/access-requests", new { message = "我司有双面散热封装产线，希望了解技术指标。" });
        Assert.Equal(HttpStatusCode.OK, request.StatusCode);
        var requestId = (await request.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await stranger.PostAsJsonAsync($"/api/v1/demands/{id}/access-requests", new { message = "再次申请" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsync($"/api/v1/demands/{id}/access-requests/{requestId}/approve", null)).StatusCode);
        var requests = await (await member.GetAsync($"/api/v1/demands/{id}/access-requests")).ReadJsonAsync();
        Assert.Equal(requestId, requests[0].GetProperty("id").GetGuid());
        await OkAsync(member.PostAsync($"/api/v1/demands/{id}/access-requests/{requestId}/refuse", null));
        Assert.DoesNotContain(secret, await (await stranger.GetAsync($"/api/v1/demands/{id}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await OkAsync(member.PostAsync($"/api/v1/demands/{id}/access-requests/{requestId}/approve", null));
        Assert.Contains(secret, (await (await stranger.GetAsync($"/api/v1/demands/{id}")).ReadJsonAsync()).GetProperty("details").GetString(), StringComparison.Ordinal);
        var (_, grantedPage) = await session.GetAsync($"/Market/Demands/{id}");
        Assert.Contains(secret, grantedPage.QuerySelector("[data-testid=details]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("market.demand.access.approve", await AuditActionsAsync(id));
    }

    [Fact]
    public async Task Demand_ExpiresAtTheEndOfItsDeadlineDay_AndARenewalNeedsANewFutureDeadline()
    {
        var member = await ClientAsync(Member);
        var id = await CreatedAsync(member, "/api/v1/demands", Demand("2026-11-20", confidential: false));
        await OkAsync(member.PostAsync($"/api/v1/demands/{id}/submit", null));
        await OkAsync((await ClientAsync(OrgAdmin)).PostAsync($"/api/v1/demands/{id}/approve", null));
        var anonymous = _host.CreateClient();
        _clock.Set(new DateTimeOffset(2026, 11, 20, 23, 59, 0, Cst));
        Assert.Contains(id, await ListedAsync(anonymous, "/api/v1/demands?pageSize=200"));
        _clock.Set(new DateTimeOffset(2026, 11, 21, 0, 0, 0, Cst));
        Assert.DoesNotContain(id, await ListedAsync(anonymous, "/api/v1/demands?pageSize=200"));
        using (var scope = _host.Services.CreateScope())
        {
            var directory = scope.ServiceProvider.GetRequiredService<MarketDirectory>();
            Assert.False(await directory.LiveDemands().AnyAsync(d => d.Id == id));
            Assert.True(await directory.Demands().AnyAsync(d => d.Id == id));
        }
        member = await ClientAsync(Member);
        await (await member.PostAsJsonAsync($"/api/v1/demands/{id}/renew", new { deadline = "2026-11-21" })).AssertFieldErrorAsync("deadline");
        await OkAsync(member.PostAsJsonAsync($"/api/v1/demands/{id}/renew", new { deadline = "2027-01-31" }));
        Assert.Contains(id, await ListedAsync(anonymous, "/api/v1/demands?pageSize=200"));
    }

    [Theory]
    [InlineData("trl", 0)]
    [InlineData("trl", 10)]
    [InlineData("priceMax", -1)]
    public async Task BadNumbers_AreRefusedOnTheirField(string field, int value)
    {
        var member = await ClientAsync(Member);
        var body = Achievement();
        body[field] = value;
        await (await member.PostAsJsonAsync("/api/v1/achievements", body)).AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task EachBadInput_NamesItsField_AndNothingIsWritten()
    {
        var member = await ClientAsync(Member);
        var before = await WithDbAsync(_host, db => db.Set<Chuanyu.Web.Features.Market.Achievement>().CountAsync());
        async Task Refused(string field, Action<Dictionary<string, object?>> change, string path = "/api/v1/achievements", Dictionary<string, object?>? start = null)
        {
            var body = start ?? Achievement();
            change(body);
            await (await member.PostAsJsonAsync(path, body)).AssertFieldErrorAsync(field);
        }
        await Refused("priceMax", b => { b["priceMin"] = 200; b["priceMax"] = 100; });
        await Refused("priceMin", b => b["priceMin"] = -5);
        await Refused("priceMin", b => { b["priceMin"] = null; b["priceMax"] = null; });
        await Refused("patentNumbers", b => b["patentNumbers"] = new[] { "ZL202310123456." + (MarketRules.PatentCheck("202310123456") == '0' ? '1' : '0') });
        await Refused("patentNumbers", b => b["patentNumbers"] = new List<string> { "CN12345" });
        await Refused("disciplineCodes", b => b["disciplineCodes"] = new List<string> { "99999" });
        await Refused("industryCodes", b => b["industryCodes"] = new List<string> { "Z99" });
        await Refused("title", b => b["title"] = new string('长', MarketRules.MaxTitle + 1));
        await Refused("summary", b => b["summary"] = new string('长', MarketRules.MaxSummary + 1));
        await Refused("description", b => b["description"] = new string('长', MarketRules.MaxDescription + 1));
        await Refused("modes", b => b["modes"] = Array.Empty<string>());
        await Refused("title", b => b["title"] = "正常标题\u202Egnp.exe");
        await Refused("deadline", _ => { }, "/api/v1/demands", Demand("2026-11-10"));
        await Refused("deadline", _ => { }, "/api/v1/demands", Demand("2026-01-01"));
        Assert.Equal(before, await WithDbAsync(_host, db => db.Set<Chuanyu.Web.Features.Market.Achievement>().CountAsync()));
        // The list's filters too.
        await (await member.GetAsync("/api/v1/achievements?minTrl=12")).AssertFieldErrorAsync("trl");
        await (await member.GetAsync("/api/v1/demands?priceMin=10&priceMax=5")).AssertFieldErrorAsync("priceMax");
    }

    [Theory]
    [InlineData("ZL200910123456", true)]
    [InlineData("202310123456", true)]
    [InlineData("CN201820123456", true)]
    [InlineData("ZL202340123456", false)] // type digit 4 does not exist
    [InlineData("ZL199910123456", false)] // the 12-digit form starts in 2003
    public void PatentNumbers_TheCheckCharacterAndTheShapeAreChecked(string twelveWithPrefix, bool valid)
    {
        var digits = twelveWithPrefix[^12..];
        var good = twelveWithPrefix[..^12] + WithCheck(digits);
        Assert.Equal(valid, MarketRules.NormalizePatent(good, 2026) is not null);
        var check = MarketRules.PatentCheck(digits);
        var wrong = twelveWithPrefix[..^12] + digits + "." + (check == '0' ? '1' : '0');
        Assert.Null(MarketRules.NormalizePatent(wrong, 2026));
        // A published example: 200910123456 → weights 2,3,4,5,6,7,8,9,2,3,4,5 give 2·2+0+0+9·5+1·6+0+1·8+2·9+3·2+4·3+5·4+6·5 = 149; 149 mod 11 = 6.
        Assert.Equal('6', MarketRules.PatentCheck("200910123456"));
        Assert.Equal("ZL200910123456.6", MarketRules.NormalizePatent("zl 200910123456.6", 2026));
    }
}

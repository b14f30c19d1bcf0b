using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Data;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Accounts;

/// <summary>
/// Issue 14, point 3: the session check is served from memory, and a sign-out, a revoked session, a locked account or a
/// removed role still takes effect on every instance within a second. Two instances on one database, as behind a load
/// balancer, share one clock the test moves: a second later the other instance must have noticed.
/// </summary>
public sealed class SessionCacheTests : IDisposable
{
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly ChuanyuFactory _firstFactory = new();
    private readonly ChuanyuFactory _secondFactory;
    private readonly LogSink _secondLog = new();
    private readonly WebApplicationFactory<Program> _first;
    private readonly WebApplicationFactory<Program> _second;

    public SessionCacheTests()
    {
        _secondFactory = ChuanyuFactory.OnSameDatabase(_firstFactory.Database,
            new Dictionary<string, string> { ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information" });
        _first = _firstFactory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
        _second = _secondLog.Attach(_secondFactory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock))));
        _ = _first.Services;
        _ = _second.Services;
    }

    public void Dispose()
    {
        _second.Dispose();
        _first.Dispose();
        _secondFactory.Dispose();
        _firstFactory.Dispose();
    }

    [Fact]
    public async Task ASecondRequest_ReadsNothing_FromTheDatabase()
    {
        const string Commands = "Microsoft.EntityFrameworkCore.Database.Command";
        var (second, _) = await SignInAsync(_second, Demo.ScuResearcher);
        _secondLog.Clear();
        var first = await (await second.GetAsync("/api/v1/me")).ReadJsonAsync();
        // The first request reads the session (the log sees commands, so the count below can be non-zero) …
        Assert.Contains(_secondLog.Entries, e => e.Category == Commands && e.Text.Contains("user_sessions", StringComparison.Ordinal));

        _secondLog.Clear();
        var again = await (await second.GetAsync("/api/v1/me")).ReadJsonAsync();

        // … the second one nothing: session, account, grants and organisations are held in memory.
        var reads = _secondLog.Entries.Where(e => e.Category == Commands).ToList();
        Assert.True(reads.Count == 0, $"the second request ran {reads.Count} commands, first: {reads.FirstOrDefault()}");
        Assert.Equal(first.GetProperty("organizations").GetRawText(), again.GetProperty("organizations").GetRawText());
        Assert.Contains("四川大学", again.GetProperty("organizations").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMembershipDecidedOnOneInstance_ShowsInMeOnTheOtherASecondLater()
    {
        var (second, _) = await SignInAsync(_second, Demo.Engineer);
        var before = await (await second.GetAsync("/api/v1/me")).ReadJsonAsync();
        var scu = await _first.Services.WithDbAsync(db => db.Organizations.Where(o => o.Name == "四川大学").Select(o => o.Id).SingleAsync());
        Assert.DoesNotContain(scu.ToString(), before.GetProperty("organizations").GetRawText(), StringComparison.Ordinal);

        var (engineerOnFirst, _) = await SignInAsync(_first, Demo.Engineer);
        var request = await engineerOnFirst.PostAsJsonAsync($"/api/v1/organizations/{scu}/memberships", new { });
        Assert.True(request.IsSuccessStatusCode, $"membership request answered {(int)request.StatusCode}");

        _clock.Advance(SessionCache.VersionCheckInterval);
        var after = await (await second.GetAsync("/api/v1/me")).ReadJsonAsync();
        Assert.Contains(scu.ToString(), after.GetProperty("organizations").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionRevokedOnOneInstance_IsRefusedOnTheOtherASecondLater()
    {
        var (second, token) = await SignInAsync(_second, Demo.Engineer);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/me")).StatusCode);

        var first = Client(_first, token);
        var sessions = await (await first.GetAsync("/api/v1/me/sessions")).ReadJsonAsync();
        var current = sessions.EnumerateArray().Single(s => s.GetProperty("current").GetBoolean()).GetProperty("id").GetGuid();
        Assert.True((await first.DeleteAsync($"/api/v1/me/sessions/{current}")).IsSuccessStatusCode);
        // At once on the instance that revoked it.
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/api/v1/me")).StatusCode);

        _clock.Advance(SessionCache.VersionCheckInterval);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task ARoleRemovedMidSession_IsRefusedOnTheOtherInstanceASecondLater()
    {
        var (second, _) = await SignInAsync(_second, Demo.ChongqingAdmin);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/evaluation/runs")).StatusCode);

        var grant = await _first.Services.WithDbAsync(db => (from g in db.RoleGrants
                                                             join u in db.Users on g.UserId equals u.Id
                                                             where u.Email == Demo.ChongqingAdmin && g.Role == PlatformRole.RegionAdmin
                                                             select g.Id).SingleAsync());
        var (security, _) = await SignInAsync(_first, Demo.SecurityAdmin);
        Assert.True((await security.DeleteAsync($"/api/v1/admin/role-grants/{grant}")).IsSuccessStatusCode);

        _clock.Advance(SessionCache.VersionCheckInterval);
        Assert.Equal(HttpStatusCode.Forbidden, (await second.GetAsync("/api/v1/evaluation/runs")).StatusCode);
    }

    [Fact]
    public async Task AnAccountLockedOnOneInstance_IsRefusedOnTheOtherASecondLater()
    {
        var (second, _) = await SignInAsync(_second, Demo.ScuResearcher);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/me")).StatusCode);

        using (var scope = _first.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByEmailAsync(Demo.ScuResearcher);
            await users.SetLockoutEndDateAsync(user!, _clock.GetUtcNow().AddHours(1));
        }

        _clock.Advance(SessionCache.VersionCheckInterval);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/v1/me")).StatusCode);
    }

    private static async Task<(HttpClient Client, string Token)> SignInAsync(WebApplicationFactory<Program> host, string email)
    {
        var response = await host.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email, password = DemoData.Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        return (Client(host, token), token);
    }

    private static HttpClient Client(WebApplicationFactory<Program> host, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

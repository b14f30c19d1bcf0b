using System.Net;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Accounts;

public sealed class SessionTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private async Task<(string Email, PageSession Browser, HttpClient Api)> SignedInTwiceAsync()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "Two-Sessions-Pw1");
        var browser = new PageSession(factory);
        await browser.SignInAsync(email, "Two-Sessions-Pw1");
        var api = await factory.ApiClientAsync(email, "Two-Sessions-Pw1");
        return (email, browser, api);
    }

    [Fact]
    public async Task Sessions_AreListed_AndOneCanBeSignedOutRemotely()
    {
        var (_, browser, api) = await SignedInTwiceAsync();
        var sessions = (await (await api.GetAsync("/api/v1/me/sessions")).ReadJsonAsync()).EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        var web = sessions.Single(s => s.GetProperty("kind").GetString() == "web");
        Assert.True(sessions.Single(s => s.GetProperty("kind").GetString() == "api").GetProperty("current").GetBoolean());
        Assert.False(web.GetProperty("current").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/Me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/me/sessions/{web.GetProperty("id").GetString()}")).StatusCode);

        var after = await browser.Client.GetAsync("/Me");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/Accounts/Login", after.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/me")).StatusCode); // the other session lives on
    }

    [Fact]
    public async Task Sessions_OfAnotherPerson_CannotBeSignedOut()
    {
        var (email, _, _) = await SignedInTwiceAsync();
        var victimSession = await factory.WithDbAsync(db => (from s in db.Set<UserSession>()
                                                             join u in db.Users on s.UserId equals u.Id
                                                             where u.Email == email
                                                             select s.Id).FirstAsync());
        var other = await factory.ApiClientAsync(Demo.Engineer);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/me/sessions/{victimSession}")).StatusCode);
        Assert.Null(await factory.WithDbAsync(db => db.Set<UserSession>().Where(s => s.Id == victimSession).Select(s => s.RevokedAt).FirstAsync()));
    }

    [Fact]
    public async Task Session_IdleTooLong_Ends()
    {
        var (email, _, api) = await SignedInTwiceAsync();
        await Age(email, lastSeen: TimeSpan.FromMinutes(31), created: TimeSpan.FromMinutes(40));
        var problem = await (await api.GetAsync("/api/v1/me")).AssertProblemAsync(401);
        Assert.Contains("超时", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Session_PastItsLifetime_EndsEvenWhenActive()
    {
        var (email, _, api) = await SignedInTwiceAsync();
        await Age(email, lastSeen: TimeSpan.FromMinutes(1), created: TimeSpan.FromHours(13));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task SignOut_EndsTheSessionOnTheServer()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "Sign-Out-Pw1");
        var browser = new PageSession(factory);
        var signIn = await browser.SignInAsync(email, "Sign-Out-Pw1");
        var cookie = signIn.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("chuanyu.auth=", StringComparison.Ordinal)).Split(';')[0];

        var signOut = await browser.SubmitAsync("/Accounts/Logout", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.True(await factory.WithDbAsync(db => (from s in db.Set<UserSession>()
                                                     join u in db.Users on s.UserId equals u.Id
                                                     where u.Email == email
                                                     select s.RevokedAt).AllAsync(r => r != null)));

        // A copy of the old cookie (stolen before sign-out) no longer works.
        var replay = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        replay.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Redirect, (await replay.GetAsync("/Me")).StatusCode);
    }

    [Fact]
    public async Task SessionsPage_ListsThisDeviceAndTheOthers()
    {
        var (_, browser, _) = await SignedInTwiceAsync();
        var (_, doc) = await browser.GetAsync("/Me/Sessions");
        var table = doc.QuerySelector("[data-testid=sessions]")!.TextContent;
        Assert.Contains("当前设备", table, StringComparison.Ordinal);
        Assert.Contains("接口令牌", table, StringComparison.Ordinal);
        Assert.Single(doc.QuerySelectorAll("[data-testid=sessions] form"));
    }

    private Task<int> Age(string email, TimeSpan lastSeen, TimeSpan created) => factory.WithDbAsync(async db =>
    {
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync();
        var now = DateTimeOffset.UtcNow;
        return await db.Set<UserSession>().Where(s => s.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now - lastSeen).SetProperty(x => x.CreatedAt, now - created));
    });
}

using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Accounts;

public sealed class PasswordPolicyTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task Change_RefusesTheCurrentAndRecentPasswords_AndEndsOldTokens()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "First-Passw0rd");
        var client = await factory.ApiClientAsync(email, "First-Passw0rd");

        await (await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "Wrong-Passw0rd", newPassword = "Second-Passw0rd" }))
            .AssertFieldErrorAsync("currentPassword");
        var same = await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "First-Passw0rd", newPassword = "First-Passw0rd" });
        Assert.Contains(await same.AssertFieldErrorAsync("newPassword"), r => r.Contains("最近", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "First-Passw0rd", newPassword = "Second-Passw0rd" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode); // the old token ended

        var again = await factory.ApiClientAsync(email, "Second-Passw0rd");
        var back = await again.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "Second-Passw0rd", newPassword = "First-Passw0rd" });
        Assert.Contains(await back.AssertFieldErrorAsync("newPassword"), r => r.Contains("最近", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await again.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "Second-Passw0rd", newPassword = "Third-Passw0rd" })).StatusCode);

        var userId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());
        Assert.Equal(2, await factory.WithDbAsync(db => db.Set<Chuanyu.Web.Features.Accounts.PasswordHistoryEntry>().CountAsync(h => h.UserId == userId)));
        var outcomes = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "auth.password-change" && e.Target == $"user:{userId}").Select(e => e.Outcome).ToListAsync());
        Assert.Contains(Chuanyu.Web.Infrastructure.AuditOutcome.Failure, outcomes);
        Assert.Equal(2, outcomes.Count(o => o == Chuanyu.Web.Infrastructure.AuditOutcome.Success));
    }

    [Fact]
    public async Task ExpiredPassword_AllowsOnlyTheChange_OnPagesAndInTheApi()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "Old-Passw0rd1");
        var session = new PageSession(factory);
        await session.SignInAsync(email, "Old-Passw0rd1");
        var api = await factory.ApiClientAsync(email, "Old-Passw0rd1");
        await factory.WithDbAsync(db => db.Users.Where(u => u.Email == email)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.PasswordChangedAt, DateTimeOffset.UtcNow.AddDays(-91))));

        var page = await session.Client.GetAsync("/Organizations");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/Me/ChangePassword", page.Headers.Location!.OriginalString);
        var (_, form) = await session.GetAsync("/Me/ChangePassword");
        Assert.Contains("已超过有效期", form.QuerySelector("[data-testid=password-expired]")!.TextContent, StringComparison.Ordinal);

        var problem = await (await api.GetAsync("/api/v1/organizations")).AssertProblemAsync(403);
        Assert.Equal("密码已过期", problem.GetProperty("title").GetString());

        var changed = await session.SubmitAsync("/Me/ChangePassword", new Dictionary<string, string> { ["CurrentPassword"] = "Old-Passw0rd1", ["NewPassword"] = "Fresh-Passw0rd2" });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync("/Organizations")).StatusCode);
    }

    [Fact]
    public async Task ChangePasswordPage_WrongCurrentPassword_MarksTheFieldInChinese()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "Page-Passw0rd1");
        var session = new PageSession(factory);
        await session.SignInAsync(email, "Page-Passw0rd1");
        var response = await session.SubmitAsync("/Me/ChangePassword", new Dictionary<string, string> { ["CurrentPassword"] = "nope", ["NewPassword"] = "Another-Passw0rd" });
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("当前密码不正确。", doc.QuerySelector("[data-testid=error-currentPassword]")!.TextContent.Trim());
    }
}

using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Security;

/// <summary>Accounts created by the security administrator, their forced first password change, and encrypted, masked mobile numbers.</summary>
public sealed class AdministrationTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static string NewEmail() => $"created-{Guid.NewGuid():N}@example.cn";

    [Fact]
    public async Task CreatedAccount_MustChangeItsInitialPassword_BeforeAnythingElse()
    {
        var sec = await factory.ApiClientAsync(Demo.SecurityAdmin);
        var email = NewEmail();
        var created = await sec.PostAsJsonAsync("/api/v1/admin/users", new { email, displayName = "新建用户 甲" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var initial = body.GetProperty("initialPassword").GetString()!;
        Assert.True(initial.Length >= 16);
        Assert.True(body.GetProperty("mustChangePassword").GetBoolean());
        var id = body.GetProperty("id").GetGuid();
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "account.create" && e.Target == $"user:{id}")));

        var person = await factory.ApiClientAsync(email, initial);
        var refused = await (await person.GetAsync("/api/v1/me")).AssertProblemAsync(403);
        Assert.Contains("初始密码", refused.GetProperty("title").GetString(), StringComparison.Ordinal);

        // The page sends the person to the change form and says why.
        var page = new PageSession(factory);
        await page.SignInAsync(email, initial);
        var redirect = await page.Client.GetAsync("/Organizations");
        Assert.StartsWith("/Me/ChangePassword", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var (_, form) = await page.GetAsync("/Me/ChangePassword");
        Assert.NotNull(form.QuerySelector("[data-testid=password-initial]"));

        var changed = await person.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = initial, newPassword = "Own-Choice-Pw9" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        var fresh = await factory.ApiClientAsync(email, "Own-Choice-Pw9");
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/v1/me")).StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.MustChangePassword).FirstAsync()));
    }

    [Fact]
    public async Task CreateAccount_BadInput_NamesTheFieldAndCreatesNothing()
    {
        var sec = await factory.ApiClientAsync(Demo.SecurityAdmin);
        await (await sec.PostAsJsonAsync("/api/v1/admin/users", new { email = "not-an-email", displayName = "某人" })).AssertFieldErrorAsync("email");
        await (await sec.PostAsJsonAsync("/api/v1/admin/users", new { email = NewEmail(), displayName = "" })).AssertFieldErrorAsync("displayName");
        var email = NewEmail();
        await (await sec.PostAsJsonAsync("/api/v1/admin/users", new { email, displayName = "某人", mobile = "12345" })).AssertFieldErrorAsync("mobile");
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));
        await (await sec.PostAsJsonAsync("/api/v1/admin/users", new { email = Demo.Engineer, displayName = "重复" })).AssertFieldErrorAsync("email");

        foreach (var other in new[] { Demo.SystemAdmin, Demo.AuditAdmin, Demo.CquOrgAdmin })
        {
            var client = await factory.ApiClientAsync(other);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/admin/users", new { email = NewEmail(), displayName = "越权" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/admin/users")).StatusCode);
        }
    }

    [Fact]
    public async Task Mobile_IsStoredEncrypted_MaskedInLists_AndEveryFullViewIsAudited()
    {
        var email = await Accounts.AuthApiTests.RegisterAsync(factory, "Mobile-Owner1");
        var person = await factory.ApiClientAsync(email, "Mobile-Owner1");
        await (await person.PutAsJsonAsync("/api/v1/me/mobile", new { mobile = "1380013" })).AssertFieldErrorAsync("mobile");
        Assert.Equal(HttpStatusCode.NoContent, (await person.PutAsJsonAsync("/api/v1/me/mobile", new { mobile = "138 0013 8000" })).StatusCode);

        var (id, stored) = await factory.WithDbAsync(async db => await db.Users.Where(u => u.Email == email).Select(u => new ValueTuple<Guid, string?>(u.Id, u.MobileProtected)).FirstAsync());
        Assert.StartsWith("v1:sm4gcm:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", stored!, StringComparison.Ordinal);

        var own = await (await person.GetAsync("/api/v1/me/personal-data")).ReadJsonAsync();
        Assert.Equal("13800138000", own.GetProperty("account").GetProperty("mobile").GetString());

        var sec = await factory.ApiClientAsync(Demo.SecurityAdmin);
        var list = await (await sec.GetAsync($"/api/v1/admin/users?q={Uri.EscapeDataString(email)}")).ReadJsonAsync();
        var row = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("138****8000", row.GetProperty("mobileMasked").GetString());
        Assert.DoesNotContain(email, row.GetProperty("emailMasked").GetString()!, StringComparison.Ordinal);

        var before = await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "privacy.view" && e.Target == $"user:{id}"));
        var full = await (await sec.GetAsync($"/api/v1/admin/users/{id}/personal-data")).ReadJsonAsync();
        Assert.Equal("13800138000", full.GetProperty("mobile").GetString());
        Assert.Equal(before + 1, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "privacy.view" && e.Target == $"user:{id}")));

        // The security administrator's page shows the mask, and the full number only after an audited request.
        var page = new PageSession(factory);
        await page.SignInAsync(Demo.SecurityAdmin);
        var url = $"/Admin/Users?q={Uri.EscapeDataString(email)}";
        var (_, doc) = await page.GetAsync(url);
        Assert.Contains("138****8000", doc.QuerySelector("[data-testid=users]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", doc.Body!.TextContent, StringComparison.Ordinal);
        var revealed = await page.SubmitAsync(url, new Dictionary<string, string> { ["userId"] = id.ToString() }, "form[action*=Reveal]");
        Assert.Contains("13800138000", await revealed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before + 2, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "privacy.view" && e.Target == $"user:{id}")));
    }

    [Fact]
    public async Task UsersPage_CreatesAnAccount_AndShowsTheInitialPasswordOnce()
    {
        var page = new PageSession(factory);
        await page.SignInAsync(Demo.SecurityAdmin);
        var bad = await page.SubmitAsync("/Admin/Users", new Dictionary<string, string> { ["NewAccount.Email"] = "bad", ["NewAccount.DisplayName"] = "页面新建" }, "form[action*=Create]");
        var badDoc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await bad.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(badDoc.QuerySelector("[data-testid=error-email]")!.TextContent));

        var email = NewEmail();
        var ok = await page.SubmitAsync("/Admin/Users", new Dictionary<string, string> { ["NewAccount.Email"] = email, ["NewAccount.DisplayName"] = "页面新建" }, "form[action*=Create]");
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await ok.Content.ReadAsStringAsync());
        var password = doc.QuerySelector("[data-testid=initial-password]")!.TextContent;
        await factory.ApiClientAsync(email, password); // the shown password signs in
        var (_, later) = await page.GetAsync($"/Admin/Users?q={Uri.EscapeDataString(email)}");
        Assert.Null(later.QuerySelector("[data-testid=initial-password]"));
        Assert.DoesNotContain(password, later.Body!.TextContent, StringComparison.Ordinal);
    }
}

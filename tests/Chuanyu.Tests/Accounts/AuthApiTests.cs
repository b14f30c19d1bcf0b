using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Accounts;

public sealed class AuthApiTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task Login_DemoRegionAdmin_ReturnsBearerTokenAndMeShowsScopedRoles()
    {
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = Demo.ChongqingAdmin, password = DemoData.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await response.ReadJsonAsync();
        Assert.False(string.IsNullOrEmpty(token.GetProperty("accessToken").GetString()));
        Assert.True(token.GetProperty("expiresIn").GetInt32() > 0);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        var me = await (await client.GetAsync("/api/v1/me")).ReadJsonAsync();
        Assert.Equal(Demo.ChongqingAdmin, me.GetProperty("email").GetString());
        var roles = me.GetProperty("roles").EnumerateArray().ToList();
        Assert.Contains(roles, r => r.GetProperty("role").GetString() == "RegionAdmin" && r.GetProperty("regionCode").GetString() == "500000");
        Assert.DoesNotContain(roles, r => r.GetProperty("role").GetString() == "SystemAdmin");
    }

    [Fact]
    public async Task Login_WrongPassword_Returns401ProblemDetails()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = Demo.Engineer, password = "Wrong-password-1" });
        var problem = await response.AssertProblemAsync(401);
        Assert.Contains("密码", problem.GetProperty("title").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Login_UnknownEmail_Returns401LikeAWrongPassword()
    {
        // The same answer as a wrong password, so the API does not reveal who has an account.
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody-" + Guid.NewGuid().ToString("N") + "@example.cn", password = "Whatever-123" });
        var problem = await response.AssertProblemAsync(401);
        Assert.Equal("邮箱或密码不正确", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Login_RepeatedWrongPasswords_LocksTheAccountEvenForTheRightPassword()
    {
        var email = await RegisterAsync(factory, "Lockout-Passw0rd");
        var client = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Not-the-passw0rd" });
            Assert.True(wrong.StatusCode is HttpStatusCode.Unauthorized or (HttpStatusCode)423, $"attempt {i}: {wrong.StatusCode}");
        }
        var right = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Lockout-Passw0rd" });
        var problem = await right.AssertProblemAsync(423);
        Assert.Contains("锁定", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Me_WithoutToken_Returns401ProblemDetails()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/me");
        await response.AssertProblemAsync(401);
    }

    [Fact]
    public async Task Me_WithGarbageToken_Returns401()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Me_WithTokenOfDeletedUser_Returns401()
    {
        var email = await RegisterAsync(factory, "Deleted-Passw0rd");
        var client = await factory.ApiClientAsync(email, "Deleted-Passw0rd");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByEmailAsync(email);
            Assert.True((await users.DeleteAsync(user!)).Succeeded);
        }

        var after = await client.GetAsync("/api/v1/me");
        var problem = await after.AssertProblemAsync(401);
        Assert.Equal("凭据已失效", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Me_TokenIssuedBeforePasswordChange_StopsWorking()
    {
        var email = await RegisterAsync(factory, "Before-Change1");
        var client = await factory.ApiClientAsync(email, "Before-Change1");
        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByEmailAsync(email);
            Assert.True((await users.ChangePasswordAsync(user!, "Before-Change1", "After-Change22")).Succeeded);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Register_DuplicateEmail_Returns400OnEmail()
    {
        var email = await RegisterAsync(factory, "First-Passw0rd");
        var again = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
            new { email = email.ToUpperInvariant(), password = "Second-Passw0rd", displayName = "重复注册", acceptTerms = true });
        var reasons = await again.AssertFieldErrorAsync("email");
        Assert.Contains(reasons, r => r.Contains("已被注册", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("short1A", "password")]
    [InlineData("alllowercase123", "password")]
    [InlineData("NoDigitsAtAllHere", "password")]
    public async Task Register_WeakPassword_Returns400OnPassword(string password, string field)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"weak-{Guid.NewGuid():N}@example.cn", password, displayName = "弱密码", acceptTerms = true });
        await response.AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task Register_WithoutConsent_Returns400OnAcceptTermsAndCreatesNothing()
    {
        var email = $"noconsent-{Guid.NewGuid():N}@example.cn";
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
            new { email, password = "Good-Passw0rd", displayName = "未同意", acceptTerms = false });
        await response.AssertFieldErrorAsync("acceptTerms");
        Assert.False(await factory.WithDbAsync(db => Task.FromResult(db.Users.Any(u => u.Email == email))));
    }

    [Fact]
    public async Task Api_MalformedJson_Returns400ProblemDetails()
    {
        using var content = new StringContent("{\"email\": \"a@b.cn\", \"password\": ", System.Text.Encoding.UTF8, "application/json");
        var response = await factory.CreateClient().PostAsync("/api/v1/auth/login", content);
        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("JSON", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Api_WrongJsonType_Returns400ProblemDetails()
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        using var content = new StringContent("{\"name\": 12, \"kind\": \"NotAKind\"}", System.Text.Encoding.UTF8, "application/json");
        await (await client.PostAsync("/api/v1/organizations", content)).AssertProblemAsync(400);
    }

    [Fact]
    public async Task Api_OversizedBody_Returns413AndCreatesNothing()
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        var huge = new string('川', 700_000); // ~2 MB of UTF-8
        var response = await client.PostAsJsonAsync("/api/v1/organizations", new { name = huge, kind = "Enterprise", creditCode = "x", districtCode = "510107" });
        await response.AssertProblemAsync(413);
        Assert.False(await factory.WithDbAsync(db => Task.FromResult(db.Organizations.Any(o => o.Name.Length > 1000))));
    }

    [Fact]
    public async Task Api_UnknownRoute_Returns404ProblemDetails()
    {
        await (await factory.CreateClient().GetAsync("/api/v1/does-not-exist")).AssertProblemAsync(404);
    }

    internal static async Task<string> RegisterAsync(ChuanyuFactory factory, string password, string? displayName = null)
    {
        var email = $"user-{Guid.NewGuid():N}@example.cn";
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
            new { email, password, displayName = displayName ?? "测试用户", acceptTerms = true });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return email;
    }
}

using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Accounts;

public sealed class ProductionFactory : ChuanyuFactory
{
    protected override string EnvironmentName => "Production";
}

/// <summary>Outside development, administrator roles work only in a session signed in with a TOTP code.</summary>
public sealed class AdminTwoFactorTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task Production_NoDemoAccountsAreSeeded()
    {
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email!.EndsWith("@chuanyu.demo"))));
        var login = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = "sysadmin@chuanyu.demo", password = DemoData.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task AuditAdmin_WithoutSecondFactor_IsRefusedAdminWork_AndAllowedWithIt()
    {
        const string password = "Prod-Admin-Pw1";
        var email = $"prod-admin-{Guid.NewGuid():N}@example.cn";
        string key;
        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var (user, _) = await Registration.CreateUserAsync(users, email, password, "生产环境管理员", TimeProvider.System);
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.RoleGrants.Add(new RoleGrant { Id = Guid.NewGuid(), UserId = user!.Id, Role = PlatformRole.AuditAdmin, GrantedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();

            var client = await factory.ApiClientAsync(email, password);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/admin/audit/verification")).StatusCode);

            await users.ResetAuthenticatorKeyAsync(user);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        var anonymous = factory.CreateClient();
        var noCode = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        var problem = await noCode.AssertProblemAsync(401);
        Assert.Contains("双因素", problem.GetProperty("title").GetString());

        var wrongCode = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password, twoFactorCode = "123456" == Totp.Code(key) ? "654321" : "123456" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongCode.StatusCode);

        var ok = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password, twoFactorCode = Totp.Code(key) });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var token = (await ok.ReadJsonAsync()).GetProperty("accessToken").GetString();
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/admin/audit/verification")).StatusCode);
    }

    [Fact]
    public async Task Production_ErrorsRevealNoStackTraceOrServerVersion()
    {
        using var content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
        var response = await factory.CreateClient().PostAsync("/api/v1/auth/login", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
    }
}

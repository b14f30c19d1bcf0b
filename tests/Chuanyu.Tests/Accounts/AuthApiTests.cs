using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Accounts;

public sealed class AuthApiTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Theory]
    [InlineData("confirm", "请确认您的邮箱")]
    [InlineData("reset", "重置密码")]
    [InlineData("code", "重置密码验证码")]
    public async Task IdentityMails_NameThePlatformOnceInTheSubject(string kind, string subject)
    {
        var email = $"{kind}-{Guid.NewGuid():N}@example.cn";
        using (var scope = factory.Services.CreateScope())
        {
            var sender = scope.ServiceProvider.GetRequiredService<IEmailSender<AppUser>>();
            var user = new AppUser { DisplayName = "张三", Email = email };
            await (kind switch
            {
                "confirm" => sender.SendConfirmationLinkAsync(user, email, "https://example.cn/confirm"),
                "reset" => sender.SendPasswordResetLinkAsync(user, email, "https://example.cn/reset"),
                _ => sender.SendPasswordResetCodeAsync(user, email, "123456"),
            });
        }
        var sent = await factory.WithDbAsync(db => db.Outbox.Where(m => m.Recipient == email).Select(m => m.Subject).SingleAsync());
        Assert.Equal(OutboxMessage.SubjectPrefix + subject, sent);
    }

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
    public async Task Login_RepeatedWrongPasswords_LocksTheAccountEvenForTheRightPassword_AndOnlyTheOwnerIsTold()
    {
        var email = await RegisterAsync(factory, "Lockout-Passw0rd");
        var client = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Not-the-passw0rd" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        Assert.True(await factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.LockoutEnd).SingleAsync()) > DateTimeOffset.UtcNow);
        // The right password is refused while the lock lasts, with the answer a wrong password gets: the caller learns
        // nothing about the account; its owner learns of the lock by e-mail, once.
        var right = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Lockout-Passw0rd" });
        var problem = await right.AssertProblemAsync(401);
        Assert.Equal("邮箱或密码不正确", problem.GetProperty("title").GetString());
        var mails = await factory.WithDbAsync(db => db.Outbox.Where(m => m.Recipient == email && m.Subject.EndsWith("账号已临时锁定")).ToListAsync());
        Assert.Single(mails);
        Assert.Contains("忘记密码", mails[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WrongPasswordsSentAtOnce_EachCountTowardsTheLockout()
    {
        // Five failures lock an account; five sent in parallel must lock it too (each one counted, none lost to a
        // clash between the saves), or parallel guessing would slip under the limit.
        var email = await RegisterAsync(factory, "Parallel-Passw0rd");
        using var gate = new SemaphoreSlim(0);
        var attempts = Enumerable.Range(0, 5).Select(async _ =>
        {
            var client = factory.CreateClient();
            await gate.WaitAsync();
            return (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Not-the-passw0rd" })).StatusCode;
        }).ToList();
        gate.Release(attempts.Count);
        Assert.All(await Task.WhenAll(attempts), status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.True(await factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.LockoutEnd).SingleAsync()) > DateTimeOffset.UtcNow,
            "five parallel wrong passwords did not lock the account");
    }

    [Fact]
    public async Task Login_UnknownAccount_WrongPassword_AndLockedAccount_AnswerAlike()
    {
        var email = await RegisterAsync(factory, "Alike-Passw0rd");
        var client = factory.CreateClient();
        async Task<string> AnswerAsync(string address, string password)
        {
            var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = address, password });
            var problem = await response.AssertProblemAsync(401);
            return $"{problem.GetProperty("title").GetString()}|{problem.GetProperty("detail").GetString()}|{response.Content.Headers.ContentType}";
        }
        var unknown = await AnswerAsync($"nobody-{Guid.NewGuid():N}@example.cn", "Alike-Passw0rd");
        var wrong = await AnswerAsync(email, "Wrong-Passw0rd");
        for (var i = 0; i < 5; i++)
        {
            await AnswerAsync(email, "Wrong-Passw0rd");
        }
        var locked = await AnswerAsync(email, "Alike-Passw0rd");
        Assert.Equal(unknown, wrong);
        Assert.Equal(unknown, locked);
    }

    [Fact]
    public async Task Login_HashesThePasswordWhetherOrNotTheAccountExistsOrIsLocked()
    {
        // The time an answer takes must not tell an unknown account from a known one: each attempt verifies one
        // password hash, an unknown account against a dummy and a locked one against its own.
        using var counted = new HashCountingFactory();
        var email = await RegisterAsync(counted, "Counted-Passw0rd");
        var client = counted.CreateClient();
        async Task<int> HashesForAsync(string address, string password)
        {
            var before = counted.Hasher.Verifications;
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = address, password })).StatusCode);
            return counted.Hasher.Verifications - before;
        }
        Assert.Equal(1, await HashesForAsync($"nobody-{Guid.NewGuid():N}@example.cn", "Counted-Passw0rd"));
        Assert.Equal(1, await HashesForAsync(email, "Wrong-Passw0rd"));
        for (var i = 0; i < 5; i++)
        {
            await HashesForAsync(email, "Wrong-Passw0rd");
        }
        Assert.Equal(1, await HashesForAsync(email, "Counted-Passw0rd"));
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
    public async Task Register_TakenEmail_AnswersLikeANewOne_AndMailsTheOwnerInstead()
    {
        var email = await RegisterAsync(factory, "First-Passw0rd");
        var fresh = $"fresh-{Guid.NewGuid():N}@example.cn";
        var taken = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
            new { email = email.ToUpperInvariant(), password = "Second-Passw0rd", displayName = "重复注册", acceptTerms = true });
        var created = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
            new { email = fresh, password = "Second-Passw0rd", displayName = "新用户", acceptTerms = true });
        Assert.Equal(HttpStatusCode.Accepted, taken.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var takenBody = await taken.ReadJsonAsync();
        var createdBody = await created.ReadJsonAsync();
        Assert.Equal(createdBody.GetProperty("detail").GetString(), takenBody.GetProperty("detail").GetString());
        Assert.DoesNotContain("已被注册", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The existing account is untouched (its password still works) and its owner is told by e-mail.
        await factory.ApiClientAsync(email, "First-Passw0rd");
        Assert.Equal(1, await factory.WithDbAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == email.ToUpperInvariant())));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Outbox.CountAsync(m => m.Recipient == email && m.Subject.EndsWith("有人尝试用您的邮箱注册"))));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Outbox.CountAsync(m => m.Recipient == fresh && m.Subject.EndsWith("注册成功"))));
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
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return email;
    }
}

/// <summary>The platform with its password hasher wrapped so a test can count verifications (the real hasher does the work).</summary>
public sealed class HashCountingFactory : ChuanyuFactory
{
    public CountingHasher Hasher { get; } = new();

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IPasswordHasher<AppUser>>(Hasher));
    }

    public sealed class CountingHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}

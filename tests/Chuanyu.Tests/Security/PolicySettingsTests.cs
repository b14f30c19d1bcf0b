using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Security;

/// <summary>
/// The security policy (security administrator) and the system configuration (system administrator) change at run
/// time, within bounds, audited, and only by their own administrator. Each test gets its own host: they change
/// platform-wide settings.
/// </summary>
public sealed class PolicySettingsTests
{
    private static object Policy(int minLength = 10, int maxFailed = 5, int idle = 30, bool digit = true, bool lower = true, bool upper = true, bool symbol = false) => new
    {
        passwordMinLength = minLength,
        requireDigit = digit,
        requireLowercase = lower,
        requireUppercase = upper,
        requireNonAlphanumeric = symbol,
        passwordHistory = 5,
        passwordMaxAgeDays = 90,
        maxFailedAccessAttempts = maxFailed,
        lockoutMinutes = 15,
        idleTimeoutMinutes = idle,
        absoluteSessionHours = 12,
    };

    [Fact]
    public async Task SecurityAdmin_RaisesThePasswordLengthAndLowersTheLockout_AndTheyApplyAtOnce()
    {
        using var factory = new ChuanyuFactory();
        var sec = await factory.ApiClientAsync(Demo.SecurityAdmin);
        var saved = await sec.PutAsJsonAsync("/api/v1/admin/security-policy", Policy(minLength: 14, maxFailed: 3));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(14, (await (await sec.GetAsync("/api/v1/admin/security-policy")).ReadJsonAsync()).GetProperty("passwordMinLength").GetInt32());

        var register = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"short-{Guid.NewGuid():N}@example.cn", password = "Twelve-Char1", displayName = "短密码", acceptTerms = true });
        var reasons = await register.AssertFieldErrorAsync("password");
        Assert.Contains(reasons, r => r.Contains("14", StringComparison.Ordinal));

        var (_, registerPage) = await new PageSession(factory).GetAsync("/Accounts/Register");
        Assert.Contains("至少 14 位", registerPage.QuerySelector("[data-testid=password-rules]")!.TextContent, StringComparison.Ordinal);

        var email = await Accounts.AuthApiTests.RegisterAsync(factory, "Long-Enough-Pw1");
        var anonymous = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Wrong-Password-1" });
        }
        // Locked after three failures: even the right password is refused (with the answer a wrong one gets), and the
        // owner is told by e-mail.
        var locked = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Long-Enough-Pw1" });
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Outbox.CountAsync(m => m.Recipient == email && m.Subject.EndsWith("账号已临时锁定"))));

        var row = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "config.security-policy" && e.Outcome == Web.Infrastructure.AuditOutcome.Success).OrderByDescending(e => e.Seq).FirstAsync());
        Assert.Contains("passwordMinLength: 10 → 14", row.Detail, StringComparison.Ordinal);
        Assert.Contains("maxFailedAccessAttempts: 5 → 3", row.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecurityPolicy_OutOfBoundsOrWrongAdministrator_IsRefusedAndChangesNothing()
    {
        using var factory = new ChuanyuFactory();
        var sec = await factory.ApiClientAsync(Demo.SecurityAdmin);
        await (await sec.PutAsJsonAsync("/api/v1/admin/security-policy", Policy(minLength: 6))).AssertFieldErrorAsync("passwordMinLength");
        await (await sec.PutAsJsonAsync("/api/v1/admin/security-policy", Policy(idle: 0))).AssertFieldErrorAsync("idleTimeoutMinutes");
        await (await sec.PutAsJsonAsync("/api/v1/admin/security-policy", Policy(digit: false, upper: false))).AssertFieldErrorAsync("requireDigit");
        foreach (var other in new[] { Demo.SystemAdmin, Demo.AuditAdmin, Demo.ChongqingAdmin })
        {
            var client = await factory.ApiClientAsync(other);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync("/api/v1/admin/security-policy", Policy(minLength: 20))).StatusCode);
        }
        // Nothing stored: the only setting row is the one every start creates (the session version, SessionCache).
        Assert.Equal([Web.Features.Accounts.SessionCache.VersionKey], await factory.WithDbAsync(db => db.Set<Web.Infrastructure.PlatformSetting>().Select(s => s.Key).ToListAsync()));
        Assert.Equal(10, (await (await sec.GetAsync("/api/v1/admin/security-policy")).ReadJsonAsync()).GetProperty("passwordMinLength").GetInt32());
        Assert.Equal(3, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "config.security-policy" && e.Outcome == Web.Infrastructure.AuditOutcome.Failure)));
    }

    [Fact]
    public async Task SecurityPolicyPage_SavesAndMarksABadField()
    {
        using var factory = new ChuanyuFactory();
        var page = new PageSession(factory);
        await page.SignInAsync(Demo.SecurityAdmin);
        var bad = await page.SubmitAsync("/Admin/SecurityPolicy", new Dictionary<string, string> { ["Policy.AbsoluteSessionHours"] = "48" });
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await bad.Content.ReadAsStringAsync());
        Assert.Contains("1–24", doc.QuerySelector("[data-testid=error-absoluteSessionHours]")!.TextContent, StringComparison.Ordinal);

        var ok = await page.SubmitAsync("/Admin/SecurityPolicy", new Dictionary<string, string> { ["Policy.IdleTimeoutMinutes"] = "15" });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var sec = await factory.ApiClientAsync(Demo.SecurityAdmin);
        var policy = await (await sec.GetAsync("/api/v1/admin/security-policy")).ReadJsonAsync();
        Assert.Equal(15, policy.GetProperty("idleTimeoutMinutes").GetInt32());
        Assert.True(policy.GetProperty("requireUppercase").GetBoolean()); // the ticked boxes kept their values
    }

    [Fact]
    public async Task SystemAdmin_ClosesRegistrationAndPostsANotice_OthersCannot()
    {
        using var factory = new ChuanyuFactory();
        foreach (var other in new[] { Demo.SecurityAdmin, Demo.AuditAdmin })
        {
            var client = await factory.ApiClientAsync(other);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync("/api/v1/admin/system-settings", new { registrationOpen = false })).StatusCode);
        }
        var sys = await factory.ApiClientAsync(Demo.SystemAdmin);
        await (await sys.PutAsJsonAsync("/api/v1/admin/system-settings", new { registrationOpen = true, announcement = new string('公', 501) })).AssertFieldErrorAsync("announcement");
        Assert.Equal(HttpStatusCode.OK, (await sys.PutAsJsonAsync("/api/v1/admin/system-settings", new { registrationOpen = false, announcement = "今晚 22:00–23:00 系统维护" })).StatusCode);

        var register = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"closed-{Guid.NewGuid():N}@example.cn", password = "Closed-Door-Pw1", displayName = "关门", acceptTerms = true });
        await register.AssertProblemAsync(403);
        var (_, home) = await new PageSession(factory).GetAsync("/");
        Assert.Contains("系统维护", home.QuerySelector("[data-testid=announcement]")!.TextContent, StringComparison.Ordinal);
        var (_, registerPage) = await new PageSession(factory).GetAsync("/Accounts/Register");
        Assert.NotNull(registerPage.QuerySelector("[data-testid=registration-closed]"));
        Assert.Null(registerPage.QuerySelector("main form"));
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "config.system" && e.Detail!.Contains("registrationOpen: true → false"))));
    }
}

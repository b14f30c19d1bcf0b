using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Security;

public sealed class StrictLimitFactory : ChuanyuFactory
{
    protected override int CredentialRequestsPerMinutePerIp => 3;
}

public sealed class WebHardeningTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/Accounts/Login")]
    [InlineData("/api/v1/regions")]
    [InlineData("/api/v1/me")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string url)
    {
        var response = await factory.CreateClient().GetAsync(url);
        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("X-Powered-By"));
    }

    [Fact]
    public async Task Pages_HaveNoInlineScriptsOrStyles()
    {
        // The CSP refuses inline script and style, so the pages must not rely on any.
        foreach (var url in new[] { "/", "/Accounts/Login", "/Accounts/Register", "/Organizations" })
        {
            var html = await factory.CreateClient().GetStringAsync(url);
            Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", html);
            Assert.DoesNotMatch(@"\sstyle=""", html);
            Assert.DoesNotMatch(@"\son(click|load|submit)=", html);
        }
    }

    [Fact]
    public async Task AuthCookie_IsHttpOnlyAndSameSite()
    {
        var response = await new PageSession(factory).SignInAsync(Demo.Engineer);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("chuanyu.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PasswordReset_IsCappedPerAccount()
    {
        var email = await Accounts.AuthApiTests.RegisterAsync(factory, "Capped-Reset1");
        for (var i = 0; i < 5; i++)
        {
            var response = await new PageSession(factory).SubmitAsync("/Accounts/ForgotPassword", new Dictionary<string, string> { ["Email"] = email });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // Reset mails only (registration also sends a welcome mail).
        Assert.Equal(3, await factory.WithDbAsync(db => db.Outbox.CountAsync(m => m.Recipient == email && m.Subject.EndsWith("重置密码"))));
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "auth.password-reset.throttled" && e.ActorName == email)));
    }
}

public sealed class CredentialRateLimitTests(StrictLimitFactory factory) : IClassFixture<StrictLimitFactory>
{
    [Fact]
    public async Task SignInAttempts_FromOneAddress_AreLimited_AndReadsAreNot()
    {
        var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"spray-{i}@example.cn", password = "Whatever-123" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var problem = await response.AssertProblemAsync(429);
                Assert.Contains("频繁", problem.GetProperty("title").GetString());
                Assert.Equal("60", response.Headers.GetValues("Retry-After").Single());
            }
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);

        // Reading public data is not a credential request and stays open.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/regions")).StatusCode);
        // The page form is limited by the same per-address budget.
        var page = await new PageSession(factory).SubmitAsync("/Accounts/Register", new Dictionary<string, string> { ["Input.Email"] = "x@example.cn" });
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Contains("请求过于频繁", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>Requests from 127.0.0.1 with a low sign-in limit, loopback not named as a proxy.</summary>
public sealed class UntrustedLoopbackFactory : BehindLocalProxyFactory
{
    protected override bool TrustLoopbackProxy => false;

    protected override int CredentialRequestsPerMinutePerIp => 3;
}

/// <summary>Requests from nginx on 127.0.0.1, named as a proxy, with a low sign-in limit.</summary>
public sealed class TrustedLoopbackFactory : BehindLocalProxyFactory
{
    protected override int CredentialRequestsPerMinutePerIp => 3;
}

public sealed class ForwardedHeadersTests(UntrustedLoopbackFactory factory) : IClassFixture<UntrustedLoopbackFactory>
{
    [Fact]
    public async Task AForgedForwardedFor_FromAnUntrustedAddress_DoesNotResetTheSignInLimit()
    {
        var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
            {
                Content = JsonContent.Create(new { email = $"spray-{i}@example.cn", password = "Whatever-123" }),
            };
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        // The audit records the address the request came from, not the one it claimed.
        Assert.False(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.IpAddress != null && e.IpAddress.StartsWith("203.0.113."))));
    }
}

public sealed class TrustedProxyTests(TrustedLoopbackFactory factory) : IClassFixture<TrustedLoopbackFactory>
{
    [Fact]
    public async Task AConfiguredProxy_IsBelieved_SoEachClientBehindItHasItsOwnLimit()
    {
        var client = factory.CreateClient();
        async Task<HttpStatusCode> AttemptAsync(string from)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
            {
                Content = JsonContent.Create(new { email = $"spray-{Guid.NewGuid():N}@example.cn", password = "Whatever-123" }),
            };
            request.Headers.Add("X-Forwarded-For", from);
            return (await client.SendAsync(request)).StatusCode;
        }
        // Five different clients behind the proxy: none limited.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await AttemptAsync($"198.51.100.{i + 1}"));
        }
        // One client: limited after its own three.
        var one = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            one.Add(await AttemptAsync("198.51.100.200"));
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], one);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.IpAddress == "198.51.100.200")));
    }
}

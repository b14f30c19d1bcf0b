using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// 等保 level 3, intrusion prevention: security headers on every response, a CSP that allows no inline script, HSTS
/// behind TLS, and per-IP rate limits on the endpoints that guess or spend credentials (sign-in, registration,
/// password reset). Lockout limits guessing per account; the IP limit stops spraying across accounts.
/// </summary>
public static class WebHardening
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private static readonly string[] CredentialPaths =
    [
        "/api/v1/auth/login", "/api/v1/auth/register", "/Accounts/Login", "/Accounts/LoginWith2fa", "/Accounts/Register",
        "/Accounts/ForgotPassword", "/Accounts/ResetPassword",
    ];

    public static IServiceCollection AddWebHardening(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // X-Forwarded-For decides the address that rate limits, sessions and the audit see, so it is believed only
            // from the proxies the operator names (ForwardedHeaders:KnownProxies, ForwardedHeaders:KnownNetworks in CIDR):
            // none by default, not even loopback — otherwise anyone reaching the port from the same host, or any
            // request relayed by a proxy that passes the header through, would pick its own address.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            {
                o.KnownProxies.Add(System.Net.IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
            }
            foreach (var network in configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{network}' is not a network in CIDR notation (e.g. 10.0.0.0/24)."));
            }
            if (o.KnownProxies.Count == 0 && o.KnownIPNetworks.Count == 0)
            {
                // With both lists empty the middleware would believe every sender; with no proxy configured, believe none.
                o.ForwardedHeaders = ForwardedHeaders.None;
            }
        });
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
        });
        var perMinute = configuration.GetValue("Security:CredentialRequestsPerMinutePerIp", 20);
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsCredentialRequest(context.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = perMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                context.Response.Headers.RetryAfter = "60";
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    await ApiProblem.Result(StatusCodes.Status429TooManyRequests, "tooManyRequests", new Message("Common.TooManySignIns"))
                        .ExecuteAsync(context);
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                }
            };
        });
        return services;
    }

    private static bool IsCredentialRequest(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && CredentialPaths.Any(p => request.Path.Equals(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Headers every response carries; HSTS only outside development and only over HTTPS (UseHsts decides).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var h = context.Response.Headers;
            h.ContentSecurityPolicy = ContentSecurityPolicy;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "strict-origin-when-cross-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        await next(context);
    });
}

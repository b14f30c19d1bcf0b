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
            // nginx on the same host (the deployment in docs/deployment.md) is trusted by default as a loopback proxy.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
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
                    await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "请求过于频繁",
                        detail: "来自该地址的登录、注册或重置密码请求过多，请一分钟后再试。").ExecuteAsync(context);
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

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Turns exceptions into RFC 9457 ProblemDetails. Bad requests (malformed JSON, wrong types) keep their 4xx status
/// and say what was wrong; anything else is a 500 that reveals no stack trace or version.
/// </summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Bad requests keep their 4xx status; everything else is a 500.</summary>
    public static int StatusCodeFor(Exception exception) =>
        exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var context = httpContext;
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            // Pages get the HTML error page (UseExceptionHandler re-executes /Error); only the API speaks ProblemDetails.
            if (exception is not BadHttpRequestException)
            {
                logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
            }
            return false;
        }
        int status;
        string title;
        string? detail = null;
        switch (exception)
        {
            case BadHttpRequestException bad:
                status = bad.StatusCode;
                title = status == StatusCodes.Status413PayloadTooLarge ? "请求体过大" : "请求格式错误";
                detail = bad.InnerException is System.Text.Json.JsonException json
                    ? $"请求体不是有效的 JSON：{json.Path} {json.Message}".Trim()
                    : bad.Message;
                break;
            default:
                status = StatusCodes.Status500InternalServerError;
                title = "服务器内部错误";
                detail = "请求未能完成，请稍后重试；若问题持续，请联系平台运维并提供请求编号。";
                logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
                break;
        }
        // Results.Problem goes through the ProblemDetails service (customisations, traceId) and falls back to plain
        // JSON itself, so an API error is always application/problem+json.
        await Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
        return true;
    }
}

public static class ProblemHandlingExtensions
{
    /// <summary>Bodies above this are refused with 413 before anything reads them (file uploads raise it per endpoint).</summary>
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    public static IServiceCollection AddProblemHandling(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestBodySize = DefaultMaxBodyBytes;
            o.AddServerHeader = false;
        });
        return services;
    }

    /// <summary>
    /// Refuses a declared body over the limit with 413 ProblemDetails. Kestrel enforces the same limit for
    /// chunked bodies; this gives the same answer under every server.
    /// </summary>
    public static IApplicationBuilder UseRequestSizeLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? DefaultMaxBodyBytes;
        // Not on the error page re-executed for a request that already failed (a too-large upload to a page with a
        // higher limit): that page should explain, not answer JSON about the default limit.
        var reExecuted = context.Features.Get<IExceptionHandlerFeature>() is not null || context.Features.Get<IStatusCodeReExecuteFeature>() is not null;
        if (!reExecuted && context.Request.ContentLength > Math.Min(limit, DefaultMaxBodyBytes) &&
            context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>() is null)
        {
            await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "请求体过大",
                detail: $"请求体不能超过 {DefaultMaxBodyBytes / 1024} KB。").ExecuteAsync(context);
            return;
        }
        await next(context);
    });
}

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
        if (exception is BadHttpRequestException bad)
        {
            // Say which field and why in plain words; never the framework's message, which names our types and parameters.
            var (status, title, code, field, reason) = BadRequestProblem.Describe(bad);
            if (field is not null)
            {
                await Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, statusCode: status, title: title,
                    detail: reason, extensions: new Dictionary<string, object?> { ["code"] = code }).ExecuteAsync(context);
            }
            else
            {
                await Results.Problem(statusCode: status, title: title, detail: reason, extensions: new Dictionary<string, object?> { ["code"] = code })
                    .ExecuteAsync(context);
            }
            return true;
        }
        logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
        await Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "服务器内部错误",
            detail: "请求未能完成，请稍后重试；若问题持续，请联系平台运维并提供请求编号。",
            extensions: new Dictionary<string, object?> { ["code"] = "internalError" }).ExecuteAsync(context);
        return true;
    }
}

/// <summary>
/// What a malformed request gets told: the status, a title, a stable code, the field (JSON path or parameter name) when
/// one is to blame, and the reason in Chinese. Built from the exception's kind and the parameter name or JSON path only,
/// so no type name, namespace or framework wording reaches the caller.
/// </summary>
public static partial class BadRequestProblem
{
    public static (int Status, string Title, string Code, string? Field, string Reason) Describe(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (413, "请求体过大", "payloadTooLarge", null, $"请求体不能超过 {ProblemHandlingExtensions.DefaultMaxBodyBytes / 1024} KB。");
        }
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return (415, "不支持的请求格式", "unsupportedMediaType", null, "请求体须为 JSON（Content-Type: application/json; charset=utf-8）。");
        }
        if (bad.InnerException is System.Text.Json.JsonException json)
        {
            var path = JsonField(json.Path);
            return path is null
                ? (400, "请求格式错误", "invalidJson", "body", "请求体不是有效的 JSON。")
                : (400, "请求格式错误", "invalidJson", path, $"请求体不是有效的 JSON：字段 {path} 的值类型或格式不正确。");
        }
        var message = bad.Message;
        if (message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || message.Contains("request body", StringComparison.OrdinalIgnoreCase))
        {
            return (400, "请求格式错误", "missingBody", "body", "缺少请求体，请以 JSON 提交。");
        }
        if (ParameterName().Match(message) is { Success: true } parameter)
        {
            var name = parameter.Groups["name"].Value;
            return message.StartsWith("Required parameter", StringComparison.Ordinal)
                ? (400, "请求格式错误", "missingParameter", name, "缺少必填参数。")
                : (400, "请求格式错误", "invalidParameter", name, "参数的值格式不正确。");
        }
        return (bad.StatusCode, "请求格式错误", "badRequest", null, "请求格式不正确，请检查后重试。");
    }

    /// <summary>"$.fees[0].price" → "fees[0].price"; "$" or nothing → null (the body as a whole).</summary>
    private static string? JsonField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? null : field;
    }

    // The framework writes a parameter as "Type name" in quotes: keep the name only.
    [System.Text.RegularExpressions.GeneratedRegex("parameter \"(?:[^\"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial System.Text.RegularExpressions.Regex ParameterName();
}

/// <summary>
/// A request body in a character set the platform cannot decode is refused with 415 before anything reads it (the
/// framework would throw while reading, a 500).
/// </summary>
public static class RequestCharset
{
    public static IApplicationBuilder UseRequestCharsetCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var contentType = context.Request.ContentType;
        if (contentType is not null && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            && media.Charset.HasValue && !IsKnown(media.Charset.Value!.Trim('"')))
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "不支持的字符集",
                    detail: "请求体须为 UTF-8 编码（Content-Type 中的 charset 无法识别）。",
                    extensions: new Dictionary<string, object?> { ["code"] = "unsupportedCharset" }).ExecuteAsync(context);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            }
            return;
        }
        await next(context);
    });

    private static bool IsKnown(string charset)
    {
        try
        {
            _ = System.Text.Encoding.GetEncoding(charset);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
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
            // Every error carries a stable code; one made without (the framework's 404/405, a bare status) is named by its status.
            if (!c.ProblemDetails.Extensions.ContainsKey("code"))
            {
                var status = c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode;
                c.ProblemDetails.Extensions["code"] = ApiProblem.CodeFor(status);
                c.ProblemDetails.Title ??= ApiProblem.Title(ApiProblem.CodeFor(status));
            }
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

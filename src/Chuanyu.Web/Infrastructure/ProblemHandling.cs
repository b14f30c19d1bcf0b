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
            var (status, code, field, reason) = BadRequestProblem.Describe(bad);
            if (field is not null)
            {
                var errors = new FieldErrors();
                errors.Add(field, reason);
                await Results.ValidationProblem(errors.Translated(), statusCode: status, title: ApiProblem.Title(ApiProblem.CodeFor(status)),
                    detail: reason.ToString(), extensions: new Dictionary<string, object?> { ["code"] = code, ["errorCodes"] = errors.Codes() })
                    .ExecuteAsync(context);
            }
            else
            {
                await ApiProblem.Result(status, code, reason, titleCode: ApiProblem.CodeFor(status)).ExecuteAsync(context);
            }
            return true;
        }
        logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
        await ApiProblem.Result(StatusCodes.Status500InternalServerError, "internalError", new Message("Common.InternalError")).ExecuteAsync(context);
        return true;
    }
}

/// <summary>
/// What a malformed request gets told: the status, a stable code, the field (JSON path or parameter name) when
/// one is to blame, and the reason. Built from the exception's kind and the parameter name or JSON path only,
/// so no type name, namespace or framework wording reaches the caller.
/// </summary>
public static partial class BadRequestProblem
{
    public static (int Status, string Code, string? Field, Message Reason) Describe(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (413, "payloadTooLarge", null, new Message("Common.BodyTooLarge", ProblemHandlingExtensions.DefaultMaxBodyBytes / 1024));
        }
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return (415, "unsupportedMediaType", null, new Message("Common.BodyNotJson"));
        }
        if (bad.InnerException is System.Text.Json.JsonException json)
        {
            var path = JsonField(json.Path);
            return path is null
                ? (400, "invalidJson", "body", new Message("Common.InvalidJson"))
                : (400, "invalidJson", path, new Message("Common.InvalidJsonField", path));
        }
        var message = bad.Message;
        if (message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || message.Contains("request body", StringComparison.OrdinalIgnoreCase))
        {
            return (400, "missingBody", "body", new Message("Common.MissingBody"));
        }
        if (ParameterName().Match(message) is { Success: true } parameter)
        {
            var name = parameter.Groups["name"].Value;
            return message.StartsWith("Required parameter", StringComparison.Ordinal)
                ? (400, "missingParameter", name, new Message("Common.MissingParameter"))
                : (400, "invalidParameter", name, new Message("Common.InvalidParameter"));
        }
        return (bad.StatusCode, "badRequest", null, new Message("Common.BadRequest"));
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
                await ApiProblem.Result(StatusCodes.Status415UnsupportedMediaType, "unsupportedCharset", new Message("Common.UnsupportedCharset"))
                    .ExecuteAsync(context);
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
            await ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "payloadTooLarge", new Message("Common.BodyTooLarge", DefaultMaxBodyBytes / 1024))
                .ExecuteAsync(context);
            return;
        }
        await next(context);
    });
}

using System.Threading.RateLimiting;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.Signatures;

public sealed record SignatureVerification(bool Valid, string? KeyId, string? Algorithm);

/// <summary>
/// Document signatures for everyone: the platform's public keys, and checking a downloaded file against its
/// signature. Anonymous on purpose (a receiving office has no account here); limited per IP address, and the
/// uploaded file is read once to verify and never stored or logged.
/// </summary>
public static class SignaturesApi
{
    public const string RateLimitPolicy = "signature-verification";

    /// <summary>The public keys' endpoint name: the verification page links to it.</summary>
    public const string SigningKeysEndpoint = "GetSigningKeys";

    /// <summary>Largest file that can be checked online: well above a 100,000-row export of ordinary audit rows.</summary>
    public const long MaxFileBytes = 50L * 1024 * 1024;

    /// <summary>The multipart envelope and the signature field on top of the file.</summary>
    public const long MaxRequestBytes = MaxFileBytes + 64 * 1024;

    public const int MaxSignatureChars = 1024;

    public static IServiceCollection AddSignatures(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DocumentSigner>();
        // A malformed key in the configuration stops the start-up, not the first export.
        services.AddSingleton<IValidateOptions<CryptoOptions>, SigningKeysValidation>();
        services.AddOptions<CryptoOptions>().ValidateOnStart();
        var perMinute = configuration.GetValue("Security:SignatureVerificationsPerMinutePerIp", 30);
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(RateLimitPolicy, new VerificationLimit(perMinute)));
        return services;
    }

    public static IEndpointRouteBuilder MapSignaturesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Signatures").AllowAnonymous();
        api.MapGet("/signing-keys", (DocumentSigner signer) => TypedResults.Ok(signer.PublicKeys)).WithName(SigningKeysEndpoint)
            .WithSummary("The platform's document-signing public keys: SM2 as an uncompressed point in hex, ECDSA P-256 as SPKI in base64.");
        api.MapPost("/signatures/verify", VerifyAsync)
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimitPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Check a file against a signature value ({algorithm}:{keyId}:{base64}); multipart fields 'file' and 'signature'. Files up to 50 MB.");
        return app;
    }

    private static async Task<Results<Ok<SignatureVerification>, ValidationProblem, ProblemHttpResult>> VerifyAsync(
        HttpRequest request, DocumentSigner signer, CancellationToken ct)
    {
        if (request.ContentLength > MaxRequestBytes)
        {
            return TooLarge();
        }
        if (!request.HasFormContentType)
        {
            return FileProblem(new Message("Signatures.MultipartRequired"));
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (InvalidDataException)
        {
            return FileProblem(new Message("Signatures.MultipartInvalid"));
        }
        var file = form.Files.GetFile("file");
        var signature = form["signature"].ToString().Trim();
        var errors = new FieldErrors();
        if (file is null)
        {
            errors.Add("file", new Message("Signatures.FileRequired"));
        }
        else if (file.Length > MaxFileBytes)
        {
            return TooLarge();
        }
        if (signature.Length == 0)
        {
            errors.Add("signature", new Message("Signatures.SignatureRequired"));
        }
        else if (signature.Length > MaxSignatureChars)
        {
            errors.Add("signature", new Message("Signatures.SignatureTooLong", MaxSignatureChars));
        }
        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }
        await using var content = file!.OpenReadStream();
        var check = signer.Check(content, signature);
        return TypedResults.Ok(new SignatureVerification(check.Valid, check.KeyId, check.Algorithm));
    }

    private static ProblemHttpResult TooLarge() =>
        ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Signatures.FileTooLarge", new Message("Signatures.FileTooLarge", MaxFileBytes / 1024 / 1024),
            titleCode: "payloadTooLarge").Titled(new Message("Signatures.FileTooLargeTitle"));

    private static ValidationProblem FileProblem(Message reason)
    {
        var errors = new FieldErrors();
        errors.Add("file", reason);
        return ApiProblem.Validation(errors);
    }

    private sealed class SigningKeysValidation : IValidateOptions<CryptoOptions>
    {
        public ValidateOptionsResult Validate(string? name, CryptoOptions options)
        {
            try
            {
                _ = new DocumentSigner(Options.Create(options));
                return ValidateOptionsResult.Success;
            }
            catch (InvalidOperationException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }

    /// <summary>Per client address, with its own answer when the limit is hit (the platform's default speaks of sign-in).</summary>
    private sealed class VerificationLimit(int perMinute) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (rejected, ct) =>
        {
            var context = rejected.HttpContext;
            context.Response.Headers.RetryAfter = "60";
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await ApiProblem.Result(StatusCodes.Status429TooManyRequests, "Signatures.TooManyVerifications", new Message("Signatures.TooManyVerifications"),
                    titleCode: "tooManyRequests").Titled(new Message("Signatures.TooManyVerificationsTitle")).ExecuteAsync(context);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            }
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
            RateLimitPartition.GetFixedWindowLimiter(httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
    }
}

using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.ApiClients;

/// <summary>
/// The signed-request scheme for other systems (GB/T 39786-2021: HMAC-SM3 for the integrity and origin of API
/// calls). The request carries
/// <c>Authorization: CHUANYU-HMAC-SM3 KeyId=…, Timestamp=…, Nonce=…, ContentHash=…, Signature=…</c>
/// (or <c>CHUANYU-HMAC-SHA256</c> for a client created under the international suite), where
/// Signature = hex HMAC(secret, METHOD \n path-and-query \n timestamp \n nonce \n hex hash of the body).
/// docs/api-clients.md describes it for integrators, with a test vector.
/// </summary>
public static class RequestSignature
{
    public const string Scheme = "ChuanyuSignature";
    public const string HmacSm3 = "hmac-sm3";
    public const string HmacSha256 = "hmac-sha256";
    public const string HeaderSm3 = "CHUANYU-HMAC-SM3";
    public const string HeaderSha256 = "CHUANYU-HMAC-SHA256";

    /// <summary>How far a request's timestamp may be from the server's clock, either way.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(300);

    /// <summary>Nonces are kept long enough that a request accepted at the edge of the window cannot be replayed.</summary>
    public static readonly TimeSpan NonceRetention = TimeSpan.FromMinutes(15);

    public static string AlgorithmFor(CryptoSuite suite) => suite == CryptoSuite.SM ? HmacSm3 : HmacSha256;

    /// <summary>The hash behind an HMAC algorithm ("sm3" / "sha256"), also used for the body hash.</summary>
    public static string HashOf(string algorithm) => algorithm switch
    {
        HmacSm3 => Hashes.Sm3,
        HmacSha256 => Hashes.Sha256,
        _ => throw new CryptographicException($"Unknown signature algorithm '{algorithm}'."),
    };

    public static string HeaderSchemeOf(string algorithm) => algorithm == HmacSm3 ? HeaderSm3 : HeaderSha256;

    /// <summary>True when the Authorization header names one of the signature schemes (the policy scheme forwards here).</summary>
    public static bool IsSignedRequest(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return StartsWithScheme(header, HeaderSm3) || StartsWithScheme(header, HeaderSha256);
    }

    public static string StringToSign(string method, string pathAndQuery, long timestamp, string nonce, string contentHashHex) =>
        string.Join('\n', method.ToUpperInvariant(), pathAndQuery, timestamp.ToString(CultureInfo.InvariantCulture), nonce, contentHashHex.ToLowerInvariant());

    /// <summary>The HMAC key is the secret exactly as shown at creation (its ASCII characters), not its base64url decoding.</summary>
    public static byte[] Sign(string algorithm, string secret, string stringToSign) =>
        Hashes.Hmac(HashOf(algorithm), Encoding.ASCII.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign));

    /// <summary>The request target as the client sent it (Kestrel's raw target), so percent-encoding is signed as sent.</summary>
    public static string PathAndQuery(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return !string.IsNullOrEmpty(raw) && raw.StartsWith('/')
            ? raw
            : context.Request.PathBase.ToUriComponent() + context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
    }

    public sealed record Header(string Algorithm, string KeyId, long Timestamp, string Nonce, string ContentHash, string Signature);

    /// <summary>Parses the header, or says which part is missing or malformed.</summary>
    public static (Header? Header, Message? Problem) Parse(string authorization)
    {
        var algorithm = StartsWithScheme(authorization, HeaderSm3) ? HmacSm3 : StartsWithScheme(authorization, HeaderSha256) ? HmacSha256 : null;
        if (algorithm is null)
        {
            return (null, new Message("ApiClients.NotASignature"));
        }
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in authorization[HeaderSchemeOf(algorithm).Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !values.TryAdd(part[..eq].Trim(), part[(eq + 1)..].Trim()))
            {
                return (null, new Message("ApiClients.MalformedParameter", part));
            }
        }
        string[] required = ["KeyId", "Timestamp", "Nonce", "ContentHash", "Signature"];
        var missing = required.Where(r => !values.TryGetValue(r, out var v) || v.Length == 0).ToList();
        if (missing.Count > 0)
        {
            return (null, new Message("ApiClients.MissingParameters", new SpokenList(new Message("ApiClients.ListSeparator"), missing)));
        }
        if (!long.TryParse(values["Timestamp"], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return (null, new Message("ApiClients.TimestampFormat"));
        }
        var nonce = values["Nonce"];
        if (nonce.Length is < 8 or > 64 || !nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
        {
            return (null, new Message("ApiClients.NonceFormat"));
        }
        var contentHash = values["ContentHash"];
        if (contentHash.Length != 64 || !contentHash.All(char.IsAsciiHexDigit))
        {
            return (null, new Message("ApiClients.ContentHashFormat"));
        }
        if (values["KeyId"].Length > 40)
        {
            return (null, new Message("ApiClients.KeyIdTooLong"));
        }
        return (new Header(algorithm, values["KeyId"], timestamp, nonce, contentHash.ToLowerInvariant(), values["Signature"]), null);
    }

    private static bool StartsWithScheme(string header, string scheme) =>
        header.Length > scheme.Length && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header[scheme.Length] == ' ';
}

/// <summary>The claims a verified client carries. There is deliberately no user id: a client is not a person.</summary>
public static class ApiClientClaims
{
    public const string ClientId = "chuanyu:client_id";
    public const string KeyId = "chuanyu:key_id";
    public const string OrganizationId = "chuanyu:organization_id";
    public const string Scope = "scope";

    public static bool IsClient(ClaimsPrincipal principal) =>
        principal.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == RequestSignature.Scheme);
}

/// <summary>
/// Verifies signed requests. Each check that fails answers 401 with the reason (never the expected signature) and
/// one audit row; a verified request writes one <c>api-client.call</c> row. Revocation takes effect on the next
/// request, on every instance, because the client is read from the database each time.
/// </summary>
public sealed class RequestSignatureHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AppDbContext db, AuditLog audit, FieldProtector protector, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private Message? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (!RequestSignature.IsSignedRequest(Request))
        {
            return AuthenticateResult.NoResult();
        }
        var call = $"{Request.Method} {RequestSignature.PathAndQuery(Context)}";
        var (header, problem) = RequestSignature.Parse(authorization);
        if (header is null)
        {
            return await FailAsync(null, "malformed-header", problem!, call);
        }
        var client = await db.Set<ApiClient>().AsNoTracking().FirstOrDefaultAsync(c => c.KeyId == header.KeyId, Context.RequestAborted);
        if (client is null)
        {
            return await FailAsync(header.KeyId, "unknown-key", new Message("ApiClients.UnknownKey"), call);
        }
        if (client.RevokedAt is not null)
        {
            return await FailAsync(header.KeyId, "revoked", new Message("ApiClients.Revoked"), call);
        }
        if (!string.Equals(client.Algorithm, header.Algorithm, StringComparison.Ordinal))
        {
            return await FailAsync(header.KeyId, "algorithm-mismatch",
                new Message("ApiClients.AlgorithmMismatch", RequestSignature.HeaderSchemeOf(client.Algorithm)), call);
        }
        var now = clock.GetUtcNow();
        if (Math.Abs(now.ToUnixTimeSeconds() - header.Timestamp) > RequestSignature.Window.TotalSeconds)
        {
            return await FailAsync(header.KeyId, "stale-timestamp",
                new Message("ApiClients.StaleTimestamp", RequestSignature.Window.TotalSeconds), call);
        }
        var body = await ReadBodyAsync();
        if (body is null)
        {
            return await FailAsync(header.KeyId, "body-too-large", new Message("ApiClients.BodyTooLarge", ProblemHandlingExtensions.DefaultMaxBodyBytes / 1024), call);
        }

        var secret = protector.Unprotect(client.SecretProtected);
        var expected = RequestSignature.Sign(client.Algorithm,
            secret, RequestSignature.StringToSign(Request.Method, RequestSignature.PathAndQuery(Context), header.Timestamp, header.Nonce, header.ContentHash));
        if (!TryFromHex(header.Signature, out var provided) || !CryptographicOperations.FixedTimeEquals(expected, provided))
        {
            return await FailAsync(header.KeyId, "bad-signature", new Message("ApiClients.BadSignature"), call);
        }
        var actualHash = Convert.ToHexStringLower(Hashes.Hash(RequestSignature.HashOf(client.Algorithm), body));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actualHash), Encoding.ASCII.GetBytes(header.ContentHash)))
        {
            return await FailAsync(header.KeyId, "body-hash-mismatch", new Message("ApiClients.BodyHashMismatch"), call);
        }
        if (!await RecordNonceAsync(header.KeyId, header.Nonce, now))
        {
            return await FailAsync(header.KeyId, "replayed-nonce", new Message("ApiClients.ReplayedNonce"), call);
        }
        await TouchAsync(client, now);
        await audit.RecordAsync("api-client.call", client.KeyId, AuditOutcome.Success, call, actorName: $"api-client:{client.Name}", ct: Context.RequestAborted);

        var claims = new List<Claim>
        {
            new(ApiClientClaims.ClientId, client.Id.ToString()),
            new(ApiClientClaims.KeyId, client.KeyId),
            new(ClaimTypes.Name, client.Name),
        };
        if (client.OrganizationId is { } org)
        {
            claims.Add(new Claim(ApiClientClaims.OrganizationId, org.ToString()));
        }
        claims.AddRange(ApiScopes.Parse(client.Scopes).Select(s => new Claim(ApiClientClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, null));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{RequestSignature.HeaderSm3}, {RequestSignature.HeaderSha256}";
        var reason = _failure ?? new Message("ApiClients.SignatureRequired");
        await ApiProblem.Result(StatusCodes.Status401Unauthorized, reason.Key, reason, titleCode: "unauthorized")
            .Titled(new Message("ApiClients.SignatureRejectedTitle")).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await ApiProblem.Result(StatusCodes.Status403Forbidden, "ApiClients.ClientForbidden", new Message("ApiClients.ClientForbidden"), titleCode: "forbidden")
            .Titled(new Message("ApiClients.ClientForbiddenTitle")).ExecuteAsync(Context);

    private async Task<AuthenticateResult> FailAsync(string? keyId, string reason, Message message, string call)
    {
        _failure = message;
        await audit.RecordAsync("api-client.auth", keyId, AuditOutcome.Failure, $"{reason}: {call}", ct: Context.RequestAborted);
        return AuthenticateResult.Fail(message.ToString());
    }

    /// <summary>The whole body (within the platform's limit) for hashing; the stream is rewound for the endpoint.</summary>
    private async Task<byte[]?> ReadBodyAsync()
    {
        var limit = ProblemHandlingExtensions.DefaultMaxBodyBytes;
        if (Request.ContentLength > limit)
        {
            return null;
        }
        // Kestrel refuses a chunked body over the same limit while it is read here (413).
        Request.EnableBuffering();
        using var copy = new MemoryStream();
        await Request.Body.CopyToAsync(copy, Context.RequestAborted);
        Request.Body.Position = 0;
        return copy.Length > limit ? null : copy.ToArray();
    }

    /// <summary>
    /// The primary key (key_id, nonce) decides: a replay fails to insert even when the first request went to
    /// another instance of the platform.
    /// </summary>
    private async Task<bool> RecordNonceAsync(string keyId, string nonce, DateTimeOffset now)
    {
        var row = new ApiClientNonce { KeyId = keyId, Nonce = nonce, SeenAt = now };
        db.Set<ApiClientNonce>().Add(row);
        try
        {
            await db.SaveChangesAsync(Context.RequestAborted);
            return true;
        }
        catch (DbUpdateException e) when (IsDuplicateKey(e))
        {
            return false;
        }
        finally
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }

    private static bool IsDuplicateKey(DbUpdateException e) => e.InnerException switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        _ => false,
    };

    /// <summary>Last use is written at most once a minute per client; the same write clears that client's expired nonces.</summary>
    private async Task TouchAsync(ApiClient client, DateTimeOffset now)
    {
        var before = now.AddMinutes(-1);
        if (client.LastUsedAt is { } last && last > before)
        {
            return;
        }
        var ct = Context.RequestAborted;
        var updated = await db.Set<ApiClient>().Where(c => c.Id == client.Id && (c.LastUsedAt == null || c.LastUsedAt <= before))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, now), ct);
        if (updated > 0)
        {
            var expired = now - RequestSignature.NonceRetention;
            await db.Set<ApiClientNonce>().Where(n => n.KeyId == client.KeyId && n.SeenAt < expired).ExecuteDeleteAsync(ct);
        }
    }

    private static bool TryFromHex(string hex, out byte[] bytes)
    {
        bytes = [];
        if (hex.Length is 0 or > 128 || hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }
        bytes = Convert.FromHexString(hex);
        return true;
    }
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// A reference client for the platform's signed requests (docs/api-clients.md), written from the document and
/// independently of the server's code: it signs every request it sends. The hooks let tests produce the requests
/// a careless or hostile caller would (an old timestamp, a reused nonce, a body changed after signing).
/// </summary>
public sealed class SignedRequests(string keyId, string secret, string algorithm = SignedRequests.HmacSm3) : DelegatingHandler
{
    public const string HmacSm3 = "hmac-sm3";
    public const string HmacSha256 = "hmac-sha256";

    /// <summary>Unix seconds to sign with; the real clock unless a test fixes it.</summary>
    public Func<long> Clock { get; set; } = () => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public Func<string> NewNonce { get; set; } = () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Runs after signing, before sending: how tests alter a request in flight.</summary>
    public Action<HttpRequestMessage>? AfterSigning { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var timestamp = Clock();
        var nonce = NewNonce();
        var contentHash = Hex(Hash(algorithm, body));
        var signature = Hex(Hmac(algorithm, secret, StringToSign(request.Method.Method, request.RequestUri!.PathAndQuery, timestamp, nonce, contentHash)));
        request.Headers.Authorization = new AuthenticationHeaderValue(algorithm == HmacSm3 ? "CHUANYU-HMAC-SM3" : "CHUANYU-HMAC-SHA256",
            $"KeyId={keyId}, Timestamp={timestamp.ToString(CultureInfo.InvariantCulture)}, Nonce={nonce}, ContentHash={contentHash}, Signature={signature}");
        AfterSigning?.Invoke(request);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>METHOD \n path-and-query \n timestamp \n nonce \n hex body hash — UTF-8, no trailing newline.</summary>
    public static string StringToSign(string method, string pathAndQuery, long timestamp, string nonce, string contentHashHex) =>
        $"{method}\n{pathAndQuery}\n{timestamp.ToString(CultureInfo.InvariantCulture)}\n{nonce}\n{contentHashHex}";

    public static byte[] Hash(string algorithm, byte[] data)
    {
        if (algorithm == HmacSha256)
        {
            return SHA256.HashData(data);
        }
        var sm3 = new SM3Digest();
        sm3.BlockUpdate(data, 0, data.Length);
        var output = new byte[32];
        sm3.DoFinal(output, 0);
        return output;
    }

    /// <summary>The key is the secret's ASCII characters exactly as shown at creation.</summary>
    public static byte[] Hmac(string algorithm, string secret, string stringToSign)
    {
        var key = Encoding.ASCII.GetBytes(secret);
        var message = Encoding.UTF8.GetBytes(stringToSign);
        if (algorithm == HmacSha256)
        {
            return HMACSHA256.HashData(key, message);
        }
        var mac = new HMac(new SM3Digest());
        mac.Init(new KeyParameter(key));
        mac.BlockUpdate(message, 0, message.Length);
        var output = new byte[32];
        mac.DoFinal(output, 0);
        return output;
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}

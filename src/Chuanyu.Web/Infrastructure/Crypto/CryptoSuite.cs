using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chuanyu.Web.Infrastructure.Crypto;

/// <summary>
/// The algorithm suite a deployment writes with (<c>Crypto:Suite</c>). GB/T 39786-2021 asks a government system to
/// use the commercial (国密) algorithms: SM3 (GB/T 32905) for hashes and HMAC, SM4 (GB/T 32907) for encryption, SM2
/// (GB/T 32918) for signatures. International keeps SHA-256 / AES-256-GCM / ECDSA P-256 for partners that need them.
/// Whatever a deployment writes carries its algorithm id, so switching suites never makes old data unreadable.
/// </summary>
public enum CryptoSuite
{
    International,
    SM,
}

public sealed class CryptoOptions
{
    public CryptoSuite Suite { get; set; } = CryptoSuite.SM;

    /// <summary>Data-encryption keys by id (base64; 32 bytes for AES-256, the first 16 used for SM4).</summary>
    public Dictionary<string, string> DataKeys { get; set; } = [];

    /// <summary>The key id new ciphertext is written with; older ids stay readable while their key is configured.</summary>
    public string? CurrentDataKeyId { get; set; }

    /// <summary>
    /// The key of the blind indexes (base64, at least 32 bytes): an HMAC of a normalised value that finds equal values
    /// without decrypting them (<see cref="FieldProtector.BlindIndex"/>). Unlike a data key it is never rotated in
    /// place: a new key means recomputing every index from the encrypted values.
    /// </summary>
    public string? BlindIndexKey { get; set; }

    /// <summary>
    /// Document-signing private keys by id: an SM2 key as 64 hex digits, or a PKCS#8 private key (base64 DER or PEM)
    /// on the SM2 curve or on P-256 (ECDSA). See <see cref="DocumentSigner"/>.
    /// </summary>
    public Dictionary<string, string> SigningKeys { get; set; } = [];

    /// <summary>The signing key new documents are signed with; it must fit <see cref="Suite"/> (SM2 under SM, P-256 under International).</summary>
    public string? CurrentSigningKeyId { get; set; }

    /// <summary>
    /// Public keys of retired signing keys whose private key is gone: an SM2 key as an uncompressed point in hex
    /// (04…), or an SPKI public key (base64 DER or PEM). Documents they signed keep verifying.
    /// </summary>
    public Dictionary<string, string> VerificationKeys { get; set; } = [];
}

/// <summary>Hash and HMAC by algorithm id: "sha256" or "sm3".</summary>
/// <summary>Writes the digest of <paramref name="data"/> into <paramref name="digest"/>.</summary>
public delegate void HashInto(ReadOnlySpan<byte> data, Span<byte> digest);

public static class Hashes
{
    public const string Sha256 = "sha256";
    public const string Sm3 = "sm3";

    public static string IdFor(CryptoSuite suite) => suite == CryptoSuite.SM ? Sm3 : Sha256;

    /// <summary>
    /// A hash of <paramref name="algorithm"/> for many short inputs (an expert draw's one key per candidate) that allocates
    /// nothing per call: the same digest as <see cref="Hash"/>, written into <c>digest</c> (32 bytes).
    /// </summary>
    public static HashInto Reusable(string algorithm)
    {
        switch (algorithm)
        {
            case Sha256:
                return static (data, digest) => SHA256.HashData(data, digest);
            case Sm3:
                return static (data, digest) => Crypto.Sm3.HashData(data, digest);
            default:
                throw new CryptographicException($"Unknown hash algorithm '{algorithm}'.");
        }
    }

    public static byte[] Hash(string algorithm, ReadOnlySpan<byte> data)
    {
        switch (algorithm)
        {
            case Sha256:
                return SHA256.HashData(data);
            case Sm3:
                return Crypto.Sm3.HashData(data);
            default:
                throw new CryptographicException($"Unknown hash algorithm '{algorithm}'.");
        }
    }

    public static byte[] Hmac(string algorithm, byte[] key, ReadOnlySpan<byte> data)
    {
        switch (algorithm)
        {
            case Sha256:
                return HMACSHA256.HashData(key, data);
            case Sm3:
                var mac = new HMac(new SM3Digest());
                mac.Init(new KeyParameter(key));
                var input = data.ToArray();
                mac.BlockUpdate(input, 0, input.Length);
                var output = new byte[mac.GetMacSize()];
                mac.DoFinal(output, 0);
                return output;
            default:
                throw new CryptographicException($"Unknown HMAC algorithm '{algorithm}'.");
        }
    }
}

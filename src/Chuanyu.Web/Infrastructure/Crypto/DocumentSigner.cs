using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;

namespace Chuanyu.Web.Infrastructure.Crypto;

/// <summary>A configured key as anyone may see it: what <c>GET /api/v1/signing-keys</c> lists.</summary>
public sealed record SigningKeyInfo(string KeyId, string Algorithm, string PublicKey, bool Current, bool Retired);

/// <summary>The outcome of checking one file against one signature value; the key and algorithm are as the value claims.</summary>
public sealed record SignatureCheck(bool Valid, string? KeyId, string? Algorithm);

/// <summary>
/// Signs exported documents with the deployment's current signing key and checks them later. A signature value is
/// <c>{algorithm}:{keyId}:{base64 DER signature}</c> over the file's exact bytes: SM2 with SM3 and the default
/// signer id (GB/T 32918.2, GB/T 35276) under the 国密 suite, ECDSA P-256 with SHA-256 under the international one.
/// The algorithm and key id travel with the value, so a document signed before a suite switch or a key rotation
/// still verifies while its key (or, once retired, just its public key) is configured. The value names the key
/// but does not choose the algorithm: a key has one algorithm, and a value that claims another is simply invalid.
/// </summary>
public sealed partial class DocumentSigner
{
    public const string Sm2Sm3 = "sm2-sm3";
    public const string EcdsaP256Sha256 = "ecdsa-p256-sha256";

    // DER (r, s) over a 256-bit curve is at most 72 bytes; anything far longer is not a signature.
    private const int MaxSignatureBytes = 256;

    private static readonly DerObjectIdentifier EcPublicKey = X9ObjectIdentifiers.IdECPublicKey;
    private static readonly DerObjectIdentifier Sm2Curve = GMObjectIdentifiers.sm2p256v1;
    private static readonly DerObjectIdentifier P256Curve = SecObjectIdentifiers.SecP256r1;
    private static readonly X9ECParameters Sm2Parameters = GMNamedCurves.GetByName("sm2p256v1");

    private readonly Dictionary<string, Key> _keys = new(StringComparer.Ordinal);
    private readonly Key? _current;

    public DocumentSigner(IOptions<CryptoOptions> options, ILogger<DocumentSigner>? logger = null)
    {
        var o = options.Value;
        foreach (var (id, value) in o.SigningKeys)
        {
            CheckKeyId(id, "SigningKeys");
            _keys[id] = ParsePrivate(id, value);
        }
        foreach (var (id, value) in o.VerificationKeys)
        {
            CheckKeyId(id, "VerificationKeys");
            if (_keys.ContainsKey(id))
            {
                throw new InvalidOperationException($"Crypto:VerificationKeys:{id} repeats a signing key id; a retired key is listed in one place only.");
            }
            _keys[id] = ParsePublic(id, value);
        }

        if (string.IsNullOrWhiteSpace(o.CurrentSigningKeyId))
        {
            UnavailableReason = "平台未配置签名密钥（Crypto:CurrentSigningKeyId），导出文件不带签名。";
        }
        else if (!_keys.TryGetValue(o.CurrentSigningKeyId, out var current) || !current.CanSign)
        {
            throw new InvalidOperationException($"Crypto:CurrentSigningKeyId '{o.CurrentSigningKeyId}' names no key in Crypto:SigningKeys.");
        }
        else if (current.Algorithm != AlgorithmFor(o.Suite))
        {
            // Switching the suite is an operator's step that also needs a key for the new suite; until then exports
            // say plainly that they are unsigned rather than being signed with the other suite's algorithm.
            UnavailableReason = $"当前签名密钥 {current.Id}（{current.Algorithm}）与算法套件 {o.Suite} 不符，导出文件不带签名；请配置 {AlgorithmFor(o.Suite)} 签名密钥。";
        }
        else
        {
            _current = current;
        }
        if (UnavailableReason is not null)
        {
            logger?.LogWarning("Document signing is off: {Reason}", UnavailableReason);
        }
    }

    public static string AlgorithmFor(CryptoSuite suite) => suite == CryptoSuite.SM ? Sm2Sm3 : EcdsaP256Sha256;

    /// <summary>True when documents can be signed; otherwise <see cref="UnavailableReason"/> says why.</summary>
    public bool CanSign => _current is not null;

    public string? UnavailableReason { get; }

    public string? CurrentKeyId => _current?.Id;

    public string? CurrentAlgorithm => _current?.Algorithm;

    public IReadOnlyList<SigningKeyInfo> PublicKeys =>
        [.. _keys.Values.OrderBy(k => k.Id, StringComparer.Ordinal).Select(k => new SigningKeyInfo(k.Id, k.Algorithm, k.PublicKeyText, k == _current, !k.CanSign))];

    public string Sign(byte[] data)
    {
        using var stream = new MemoryStream(data, writable: false);
        return Sign(stream);
    }

    /// <summary>Signs the stream from its current position to its end.</summary>
    public string Sign(Stream data)
    {
        var key = _current ?? throw new InvalidOperationException(UnavailableReason);
        byte[] signature;
        if (key.Algorithm == Sm2Sm3)
        {
            signature = Sm2.Sign(key.Sm2PrivateHex!, data);
        }
        else
        {
            using var ecdsa = ECDsa.Create(key.Ecdsa!.Value);
            signature = ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        return $"{key.Algorithm}:{key.Id}:{Convert.ToBase64String(signature)}";
    }

    public bool Verify(byte[] data, string? signatureValue)
    {
        using var stream = new MemoryStream(data, writable: false);
        return Check(stream, signatureValue).Valid;
    }

    /// <summary>Never throws on a malformed value: anything that is not a good signature by a configured key is invalid.</summary>
    public SignatureCheck Check(Stream data, string? signatureValue)
    {
        var parts = (signatureValue ?? "").Trim().Split(':');
        if (parts.Length != 3 || !KeyIdPattern().IsMatch(parts[1]) || parts[0].Length > 40)
        {
            return new SignatureCheck(false, null, null);
        }
        var (algorithm, keyId) = (parts[0], parts[1]);
        var signature = new byte[MaxSignatureBytes];
        if (!_keys.TryGetValue(keyId, out var key) || key.Algorithm != algorithm ||
            !Convert.TryFromBase64String(parts[2], signature, out var length) || length == 0)
        {
            return new SignatureCheck(false, keyId, algorithm);
        }
        signature = signature[..length];
        bool valid;
        if (key.Algorithm == Sm2Sm3)
        {
            valid = Sm2.Verify(key.Sm2PublicHex!, data, signature);
        }
        else
        {
            using var ecdsa = ECDsa.Create(key.Ecdsa!.Value);
            try
            {
                valid = ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
            catch (CryptographicException)
            {
                valid = false;
            }
        }
        return new SignatureCheck(valid, keyId, algorithm);
    }

    // Key ids appear in signature values between colons and in file names: keep them plain.
    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex KeyIdPattern();

    private static void CheckKeyId(string id, string section)
    {
        if (!KeyIdPattern().IsMatch(id))
        {
            throw new InvalidOperationException($"Crypto:{section}: key id '{id}' must be 1–64 letters, digits, '.', '_' or '-'.");
        }
    }

    private sealed class Key
    {
        public required string Id { get; init; }
        public required string Algorithm { get; init; }
        public required string PublicKeyText { get; init; }
        public string? Sm2PrivateHex { get; init; }
        public string? Sm2PublicHex { get; init; }
        public ECParameters? Ecdsa { get; init; }
        public bool CanSign => Sm2PrivateHex is not null || Ecdsa?.D is not null;
    }

    private static Key ParsePrivate(string id, string value)
    {
        var text = value.Trim();
        if (text.Length == 64 && text.All(Uri.IsHexDigit))
        {
            return Sm2Private(id, new Org.BouncyCastle.Math.BigInteger(text, 16));
        }
        try
        {
            var der = Der(text);
            var info = PrivateKeyInfo.GetInstance(der);
            var curve = CurveOf(info.PrivateKeyAlgorithm);
            if (curve.Equals(Sm2Curve))
            {
                return Sm2Private(id, Org.BouncyCastle.Asn1.Sec.ECPrivateKeyStructure.GetInstance(info.ParsePrivateKey()).GetKey());
            }
            if (curve.Equals(P256Curve))
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(der, out _);
                return EcdsaKey(id, ecdsa, includePrivate: true);
            }
            throw new InvalidOperationException($"Crypto:SigningKeys:{id} is on curve {curve}; only sm2p256v1 and P-256 are supported.");
        }
        catch (Exception e) when (e is FormatException or ArgumentException or CryptographicException or InvalidCastException or IOException)
        {
            throw new InvalidOperationException($"Crypto:SigningKeys:{id} is neither 64 hex digits (SM2) nor a PKCS#8 EC private key (base64 or PEM).", e);
        }
    }

    private static Key EcdsaKey(string id, ECDsa ecdsa, bool includePrivate) => new()
    {
        Id = id,
        Algorithm = EcdsaP256Sha256,
        PublicKeyText = Convert.ToBase64String(ecdsa.ExportSubjectPublicKeyInfo()),
        Ecdsa = ecdsa.ExportParameters(includePrivate),
    };

    private static Key Sm2Private(string id, Org.BouncyCastle.Math.BigInteger d)
    {
        if (d.SignValue <= 0 || d.CompareTo(Sm2Parameters.N.Subtract(Org.BouncyCastle.Math.BigInteger.One)) >= 0)
        {
            throw new InvalidOperationException($"Crypto:SigningKeys:{id} is not a valid SM2 private key (out of range).");
        }
        var hex = d.ToString(16).PadLeft(64, '0');
        var publicHex = Sm2.PublicKeyOf(hex);
        return new Key { Id = id, Algorithm = Sm2Sm3, PublicKeyText = publicHex, Sm2PrivateHex = hex, Sm2PublicHex = publicHex };
    }

    private static Key ParsePublic(string id, string value)
    {
        var text = value.Trim();
        try
        {
            if (text.Length == 130 && text.StartsWith("04", StringComparison.Ordinal) && text.All(Uri.IsHexDigit))
            {
                return Sm2Public(id, Convert.FromHexString(text));
            }
            var der = Der(text);
            var info = SubjectPublicKeyInfo.GetInstance(der);
            var curve = CurveOf(info.AlgorithmID);
            if (curve.Equals(Sm2Curve))
            {
                return Sm2Public(id, info.PublicKeyData.GetBytes());
            }
            if (curve.Equals(P256Curve))
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportSubjectPublicKeyInfo(der, out _);
                return EcdsaKey(id, ecdsa, includePrivate: false);
            }
            throw new InvalidOperationException($"Crypto:VerificationKeys:{id} is on curve {curve}; only sm2p256v1 and P-256 are supported.");
        }
        catch (Exception e) when (e is FormatException or ArgumentException or CryptographicException or InvalidCastException or IOException)
        {
            throw new InvalidOperationException($"Crypto:VerificationKeys:{id} is neither an SM2 point in hex (04…) nor an SPKI EC public key (base64 or PEM).", e);
        }
    }

    private static Key Sm2Public(string id, byte[] point)
    {
        // Decoding checks the point is on the curve; the listing always shows the uncompressed form.
        var hex = Convert.ToHexStringLower(Sm2Parameters.Curve.DecodePoint(point).Normalize().GetEncoded(false));
        return new Key { Id = id, Algorithm = Sm2Sm3, PublicKeyText = hex, Sm2PublicHex = hex };
    }

    private static DerObjectIdentifier CurveOf(AlgorithmIdentifier algorithm)
    {
        if (!algorithm.Algorithm.Equals(EcPublicKey) || algorithm.Parameters is not DerObjectIdentifier curve)
        {
            throw new FormatException("not an EC key on a named curve");
        }
        return curve;
    }

    private static byte[] Der(string text)
    {
        if (PemEncoding.TryFind(text, out var fields))
        {
            return Convert.FromBase64String(text[fields.Base64Data]);
        }
        return Convert.FromBase64String(text);
    }
}

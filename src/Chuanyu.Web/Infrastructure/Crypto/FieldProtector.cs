using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chuanyu.Web.Infrastructure.Crypto;

/// <summary>
/// Encrypts personal data for storage (phone and ID numbers of experts and users). The stored form is
/// <c>v1:{algorithm}:{keyId}:{base64(nonce | ciphertext | tag)}</c>: the algorithm and key id travel with the
/// ciphertext, so data written under one suite or key stays readable after the deployment switches suites or
/// rotates keys, as long as the old key is still configured.
/// </summary>
public sealed class FieldProtector(IOptions<CryptoOptions> options)
{
    public const string Aes256Gcm = "aes256gcm";
    public const string Sm4Gcm = "sm4gcm";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>True when a current data key is configured, so new personal data can be written.</summary>
    public bool CanProtect => options.Value.CurrentDataKeyId is { } id && options.Value.DataKeys.ContainsKey(id);

    public string Protect(string plaintext)
    {
        var o = options.Value;
        var keyId = o.CurrentDataKeyId ?? throw new CryptographicException("Crypto:CurrentDataKeyId is not configured.");
        var algorithm = o.Suite == CryptoSuite.SM ? Sm4Gcm : Aes256Gcm;
        var key = KeyFor(algorithm, keyId);
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var sealedBytes = Seal(algorithm, key, nonce, Encoding.UTF8.GetBytes(plaintext), Aad(algorithm, keyId));
        return $"v1:{algorithm}:{keyId}:{Convert.ToBase64String([.. nonce, .. sealedBytes])}";
    }

    /// <summary>True when a blind-index key is configured (<see cref="CryptoOptions.BlindIndexKey"/>).</summary>
    public bool CanIndex => options.Value.BlindIndexKey is { Length: > 0 };

    /// <summary>
    /// A blind index of an already normalised value: 64 hex digits of HMAC-SM3 (HMAC-SHA-256 under the international
    /// suite) under the blind-index key. Equal values give equal indexes, so the database can match them (the same
    /// legal representative of two organisations) while holding only ciphertext and this keyed hash, which without
    /// the key cannot be reversed by trying every ID number.
    /// </summary>
    public string BlindIndex(string normalized)
    {
        var encoded = options.Value.BlindIndexKey;
        if (string.IsNullOrEmpty(encoded))
        {
            throw new CryptographicException("Crypto:BlindIndexKey is not configured.");
        }
        var key = Convert.FromBase64String(encoded);
        if (key.Length < 32)
        {
            throw new CryptographicException("Crypto:BlindIndexKey is shorter than 32 bytes.");
        }
        return Convert.ToHexStringLower(Hashes.Hmac(Hashes.IdFor(options.Value.Suite), key, Encoding.UTF8.GetBytes(normalized)));
    }

    /// <summary>
    /// The plaintext, or null when nothing is stored or it cannot be decrypted here (a key not configured, a damaged
    /// value): for lists and notifications that must go on without the one value. Callers that must fail use <see cref="Unprotect"/>.
    /// </summary>
    public string? TryUnprotect(string? stored)
    {
        if (stored is null)
        {
            return null;
        }
        try
        {
            return Unprotect(stored);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    public string Unprotect(string stored)
    {
        var parts = stored.Split(':', 4);
        if (parts.Length != 4 || parts[0] != "v1")
        {
            throw new CryptographicException("Not a protected value.");
        }
        var (algorithm, keyId) = (parts[1], parts[2]);
        var blob = Convert.FromBase64String(parts[3]);
        if (blob.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Protected value is truncated.");
        }
        var key = KeyFor(algorithm, keyId);
        return Encoding.UTF8.GetString(Open(algorithm, key, blob[..NonceSize], blob[NonceSize..], Aad(algorithm, keyId)));
    }

    // The algorithm and key id are authenticated too: relabelling a ciphertext fails instead of decrypting garbage.
    private static byte[] Aad(string algorithm, string keyId) => Encoding.ASCII.GetBytes($"v1:{algorithm}:{keyId}");

    private byte[] KeyFor(string algorithm, string keyId)
    {
        if (!options.Value.DataKeys.TryGetValue(keyId, out var encoded))
        {
            throw new CryptographicException($"Data key '{keyId}' is not configured.");
        }
        var key = Convert.FromBase64String(encoded);
        return algorithm switch
        {
            Aes256Gcm when key.Length >= 32 => key[..32],
            Sm4Gcm when key.Length >= 16 => key[..16],
            Aes256Gcm or Sm4Gcm => throw new CryptographicException($"Data key '{keyId}' is too short for {algorithm}."),
            _ => throw new CryptographicException($"Unknown encryption algorithm '{algorithm}'."),
        };
    }

    private static byte[] Seal(string algorithm, byte[] key, byte[] nonce, byte[] plaintext, byte[] aad)
    {
        if (algorithm == Aes256Gcm)
        {
            var output = new byte[plaintext.Length + TagSize];
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), aad);
            return output;
        }
        var gcm = new GcmBlockCipher(new SM4Engine());
        gcm.Init(true, new AeadParameters(new KeyParameter(key), TagSize * 8, nonce, aad));
        var result = new byte[gcm.GetOutputSize(plaintext.Length)];
        var n = gcm.ProcessBytes(plaintext, 0, plaintext.Length, result, 0);
        gcm.DoFinal(result, n);
        return result;
    }

    private static byte[] Open(string algorithm, byte[] key, byte[] nonce, byte[] sealedBytes, byte[] aad)
    {
        if (algorithm == Aes256Gcm)
        {
            var plaintext = new byte[sealedBytes.Length - TagSize];
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(nonce, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), plaintext, aad);
            return plaintext;
        }
        var gcm = new GcmBlockCipher(new SM4Engine());
        gcm.Init(false, new AeadParameters(new KeyParameter(key), TagSize * 8, nonce, aad));
        var output = new byte[gcm.GetOutputSize(sealedBytes.Length)];
        try
        {
            var n = gcm.ProcessBytes(sealedBytes, 0, sealedBytes.Length, output, 0);
            gcm.DoFinal(output, n);
        }
        catch (Org.BouncyCastle.Crypto.InvalidCipherTextException e)
        {
            throw new CryptographicException("Protected value failed authentication.", e);
        }
        return output;
    }
}

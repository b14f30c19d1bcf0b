using System.Security.Cryptography;
using System.Text;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chuanyu.Tests.Security;

public sealed class CryptoTests
{
    [Theory]
    // GB/T 32905-2016 Appendix A, examples 1 and 2.
    [InlineData("abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")]
    [InlineData("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")]
    public void Sm3_MatchesTheStandardsTestVectors(string message, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Hashes.Hash(Hashes.Sm3, Encoding.ASCII.GetBytes(message))));

    [Fact]
    public void Sm4_MatchesTheStandardsTestVector()
    {
        // GB/T 32907-2016 Appendix A, example 1: key = plaintext = 0123456789abcdeffedcba9876543210.
        var key = Convert.FromHexString("0123456789abcdeffedcba9876543210");
        var engine = new SM4Engine();
        engine.Init(true, new KeyParameter(key));
        var output = new byte[16];
        engine.ProcessBlock(key, 0, output, 0);
        Assert.Equal("681edf34d206965e86b3e94f536e4246", Convert.ToHexStringLower(output));
    }

    [Fact]
    public void HmacSm3_IsRfc2104OverSm3()
    {
        // HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)), block size 64: computed here from SM3 alone.
        var key = Encoding.ASCII.GetBytes("chuanyu-exchange-client-secret");
        var message = Encoding.UTF8.GetBytes("POST\n/api/v1/exchange\n1763800000\nnonce-1");
        var k = new byte[64];
        key.CopyTo(k, 0);
        var inner = Hashes.Hash(Hashes.Sm3, [.. k.Select(b => (byte)(b ^ 0x36)), .. message]);
        var expected = Hashes.Hash(Hashes.Sm3, [.. k.Select(b => (byte)(b ^ 0x5c)), .. inner]);
        Assert.Equal(expected, Hashes.Hmac(Hashes.Sm3, key, message));
        Assert.NotEqual(expected, Hashes.Hmac(Hashes.Sha256, key, message));
    }

    [Fact]
    public void Sm2_VerifiesTheStandardsExampleSignature()
    {
        // GM/T 0003.5-2012 (GB/T 32918.5) example over sm2p256v1: message "message digest", id 1234567812345678.
        const string privateKey = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
        var r = Convert.FromHexString("f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3");
        var s = Convert.FromHexString("b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa");
        var der = new Org.BouncyCastle.Asn1.DerSequence(
            new Org.BouncyCastle.Asn1.DerInteger(new Org.BouncyCastle.Math.BigInteger(1, r)),
            new Org.BouncyCastle.Asn1.DerInteger(new Org.BouncyCastle.Math.BigInteger(1, s))).GetEncoded();
        var publicKey = Sm2.PublicKeyOf(privateKey);

        Assert.True(Sm2.Verify(publicKey, "message digest"u8.ToArray(), der));
        Assert.False(Sm2.Verify(publicKey, "message digesT"u8.ToArray(), der));
    }

    [Fact]
    public void Sm2_SignsAndRefusesForgeries()
    {
        var keys = Sm2.GenerateKeyPair();
        var batch = Encoding.UTF8.GetBytes("{\"batch\":42,\"items\":[\"扫描电子显微镜\"]}");
        var signature = Sm2.Sign(keys.PrivateKeyHex, batch);
        Assert.True(Sm2.Verify(keys.PublicKeyHex, batch, signature));

        var other = Sm2.GenerateKeyPair();
        Assert.False(Sm2.Verify(other.PublicKeyHex, batch, signature));                       // someone else's key
        Assert.False(Sm2.Verify(keys.PublicKeyHex, batch, Sm2.Sign(other.PrivateKeyHex, batch))); // signed by another
        var tampered = (byte[])signature.Clone();
        tampered[^1] ^= 0x01;
        Assert.False(Sm2.Verify(keys.PublicKeyHex, batch, tampered));                          // altered signature
        Assert.False(Sm2.Verify(keys.PublicKeyHex, batch, RandomNumberGenerator.GetBytes(72))); // garbage
        Assert.False(Sm2.Verify("04deadbeef", batch, signature));                               // malformed key
    }

    private static FieldProtector Protector(CryptoSuite suite, string currentKey = "k1") => new(Options.Create(new CryptoOptions
    {
        Suite = suite,
        CurrentDataKeyId = currentKey,
        DataKeys = new()
        {
            ["k1"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            ["k2"] = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray()),
        },
    }));

    [Theory]
    [InlineData(CryptoSuite.SM, "sm4gcm")]
    [InlineData(CryptoSuite.International, "aes256gcm")]
    public void FieldProtector_RoundTripsAndLabelsTheAlgorithm(CryptoSuite suite, string algorithm)
    {
        var protector = Protector(suite);
        var stored = protector.Protect("13812345678");
        Assert.StartsWith($"v1:{algorithm}:k1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", stored, StringComparison.Ordinal);
        Assert.Equal("13812345678", protector.Unprotect(stored));
        Assert.NotEqual(stored, protector.Protect("13812345678")); // fresh nonce each time
    }

    [Fact]
    public void FieldProtector_DataWrittenUnderOneSuite_IsReadableAfterSwitchingSuitesAndKeys()
    {
        var underSm = Protector(CryptoSuite.SM).Protect("身份证号 500106199001011234");
        var underAes = Protector(CryptoSuite.International).Protect("手机 13900001111");

        var switched = Protector(CryptoSuite.International, currentKey: "k2");
        Assert.Equal("身份证号 500106199001011234", switched.Unprotect(underSm));
        Assert.Equal("手机 13900001111", Protector(CryptoSuite.SM, currentKey: "k2").Unprotect(underAes));
        Assert.StartsWith("v1:aes256gcm:k2:", switched.Protect("x"), StringComparison.Ordinal);
    }

    [Fact]
    public void FieldProtector_RefusesTamperingAndRelabelling()
    {
        var protector = Protector(CryptoSuite.SM);
        var stored = protector.Protect("13812345678");
        var parts = stored.Split(':');
        var blob = Convert.FromBase64String(parts[3]);
        blob[^1] ^= 0x01;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect($"{parts[0]}:{parts[1]}:{parts[2]}:{Convert.ToBase64String(blob)}"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored.Replace(":k1:", ":k2:", StringComparison.Ordinal)));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored.Replace("sm4gcm", "aes256gcm", StringComparison.Ordinal)));
        Assert.ThrowsAny<CryptographicException>(() => Protector(CryptoSuite.SM).Unprotect("v1:sm4gcm:unknown-key:AAAA"));
    }
}

public sealed class AuditSuiteTests : IDisposable
{
    private readonly ChuanyuFactory _sm = new();

    public void Dispose() => _sm.Dispose();

    [Fact]
    public async Task AuditChain_WrittenUnderSm3_StaysVerifiableAfterSwitchingToSha256()
    {
        await _sm.ApiClientAsync(Demo.AuditAdmin); // sign-in rows under the default 国密 suite
        var smRows = await _sm.WithDbAsync(db => db.AuditEntries.Where(e => e.HashAlgorithm == Hashes.Sm3).CountAsync());
        Assert.True(smRows > 0);

        // Another instance of the same deployment after the operator switched the suite.
        using var international = ChuanyuFactory.OnSameDatabase(_sm.Database, new Dictionary<string, string> { ["Crypto:Suite"] = "International" });
        using var scope = international.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AuditLog>().RecordAsync("suite.switched", null);

        var algorithms = await _sm.WithDbAsync(db => db.AuditEntries.OrderBy(e => e.Seq).Select(e => e.HashAlgorithm).ToListAsync());
        var result = await _sm.WithDbAsync(db => AuditLog.VerifyAsync(db));
        Assert.True(result.Intact, result.Problem);
        Assert.Contains(Hashes.Sm3, algorithms);
        Assert.Equal(Hashes.Sha256, algorithms[^1]);
    }
}

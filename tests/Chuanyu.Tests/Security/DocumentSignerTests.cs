using System.Security.Cryptography;
using System.Text;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;

namespace Chuanyu.Tests.Security;

/// <summary>
/// Document signatures: SM2 under the 国密 suite, ECDSA P-256 under the international one, with the algorithm and
/// key id in the value so old documents keep verifying after a suite switch or a key rotation.
/// </summary>
public sealed class DocumentSignerTests
{
    private static readonly Sm2.KeyPair Sm2Key = Sm2.GenerateKeyPair();
    private static readonly Sm2.KeyPair OtherSm2Key = Sm2.GenerateKeyPair();
    private static readonly byte[] EcdsaPkcs8 = NewEcdsaPkcs8();
    private static readonly byte[] Document = Encoding.UTF8.GetBytes("序号,时间（北京时间）,操作人\r\n1,2026-11-22 09:00:00,auditadmin@chuanyu.demo\r\n");

    private static byte[] NewEcdsaPkcs8()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKey();
    }

    private static string EcdsaSpki(byte[] pkcs8)
    {
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    private static DocumentSigner Signer(CryptoSuite suite, string? current, Dictionary<string, string>? signing = null, Dictionary<string, string>? verification = null) =>
        new(Options.Create(new CryptoOptions
        {
            Suite = suite,
            CurrentSigningKeyId = current,
            SigningKeys = signing ?? new() { ["sm2-2026"] = Sm2Key.PrivateKeyHex, ["ec-2026"] = Convert.ToBase64String(EcdsaPkcs8) },
            VerificationKeys = verification ?? [],
        }));

    private static string Flip(string value, int part, Func<byte[], byte[]> change)
    {
        var parts = value.Split(':');
        parts[part] = part == 2 ? Convert.ToBase64String(change(Convert.FromBase64String(parts[2]))) : parts[part];
        return string.Join(':', parts);
    }

    [Fact]
    public void Sm2_SignsAndVerifies_AsPlainSm2OverTheFileBytes()
    {
        var signer = Signer(CryptoSuite.SM, "sm2-2026");
        var value = signer.Sign(Document);

        Assert.StartsWith("sm2-sm3:sm2-2026:", value, StringComparison.Ordinal);
        Assert.True(signer.Verify(Document, value));
        // The value carries a plain GB/T 32918 signature over the file's bytes: any SM2 tool with the listed public key agrees.
        var listed = Assert.Single(signer.PublicKeys, k => k.KeyId == "sm2-2026");
        Assert.Equal(Sm2Key.PublicKeyHex, listed.PublicKey);
        Assert.True(listed.Current);
        Assert.True(Sm2.Verify(listed.PublicKey, Document, Convert.FromBase64String(value.Split(':')[2])));
    }

    [Fact]
    public void Ecdsa_SignsAndVerifies_AsDerEcdsaP256Sha256OverTheFileBytes()
    {
        var signer = Signer(CryptoSuite.International, "ec-2026");
        var value = signer.Sign(Document);

        Assert.StartsWith("ecdsa-p256-sha256:ec-2026:", value, StringComparison.Ordinal);
        Assert.True(signer.Verify(Document, value));
        var listed = Assert.Single(signer.PublicKeys, k => k.KeyId == "ec-2026");
        Assert.Equal(EcdsaSpki(EcdsaPkcs8), listed.PublicKey);
        using var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(Convert.FromBase64String(listed.PublicKey), out _);
        Assert.True(publicKey.VerifyData(Document, Convert.FromBase64String(value.Split(':')[2]), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void Sm2_VerifiesTheStandardsExampleSignature_ThroughASignatureValue()
    {
        // GM/T 0003.5-2012 (GB/T 32918.5) example (CryptoTests checks it on Sm2 itself): here as a retired key's
        // public point in VerificationKeys and a signature value, i.e. the path a verifying office uses.
        const string privateKey = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
        var der = new DerSequence(
            new DerInteger(new Org.BouncyCastle.Math.BigInteger("f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3", 16)),
            new DerInteger(new Org.BouncyCastle.Math.BigInteger("b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa", 16))).GetEncoded();
        var signer = Signer(CryptoSuite.SM, null, signing: [], verification: new() { ["gmt0003"] = Sm2.PublicKeyOf(privateKey) });
        var value = $"sm2-sm3:gmt0003:{Convert.ToBase64String(der)}";

        Assert.True(signer.Verify("message digest"u8.ToArray(), value));
        Assert.False(signer.Verify("message digesT"u8.ToArray(), value));
    }

    [Fact]
    public void SignedUnderInternational_StillVerifiesAfterSwitchingToSm_AndAfterRetiringTheKeys()
    {
        var international = Signer(CryptoSuite.International, "ec-2026");
        var oldValue = international.Sign(Document);

        var sm = Signer(CryptoSuite.SM, "sm2-2026");
        Assert.True(sm.Verify(Document, oldValue));
        Assert.StartsWith("sm2-sm3:", sm.Sign(Document), StringComparison.Ordinal);
        var smValue = sm.Sign(Document);

        // Both private keys removed; only their public keys stay, under VerificationKeys, beside a new signing key.
        var newKey = Sm2.GenerateKeyPair();
        var rotated = Signer(CryptoSuite.SM, "sm2-2027", signing: new() { ["sm2-2027"] = newKey.PrivateKeyHex },
            verification: new() { ["ec-2026"] = EcdsaSpki(EcdsaPkcs8), ["sm2-2026"] = Sm2Key.PublicKeyHex });
        Assert.True(rotated.Verify(Document, oldValue));
        Assert.True(rotated.Verify(Document, smValue));
        Assert.StartsWith("sm2-sm3:sm2-2027:", rotated.Sign(Document), StringComparison.Ordinal);
        Assert.Contains(rotated.PublicKeys, k => k.KeyId == "ec-2026" && k.Retired && !k.Current);

        // Once the old public key is gone too, the old document can no longer be vouched for.
        var forgotten = Signer(CryptoSuite.SM, "sm2-2027", signing: new() { ["sm2-2027"] = newKey.PrivateKeyHex });
        Assert.False(forgotten.Verify(Document, oldValue));
    }

    [Theory]
    [InlineData(CryptoSuite.SM, "sm2-2026")]
    [InlineData(CryptoSuite.International, "ec-2026")]
    public void Forgeries_DoNotVerify(CryptoSuite suite, string keyId)
    {
        var signer = Signer(suite, keyId);
        var value = signer.Sign(Document);
        Assert.True(signer.Verify(Document, value));

        var changedFile = (byte[])Document.Clone();
        changedFile[^3] ^= 0x01;
        Assert.False(signer.Verify(changedFile, value));

        Assert.False(signer.Verify(Document, Flip(value, 2, sig =>
        {
            sig[^1] ^= 0x01;
            return sig;
        })));

        // Signed by another key that claims this key's id.
        var impostor = Signer(suite, keyId, signing: new()
        {
            [keyId] = suite == CryptoSuite.SM ? OtherSm2Key.PrivateKeyHex : Convert.ToBase64String(NewEcdsaPkcs8()),
        });
        Assert.False(signer.Verify(Document, impostor.Sign(Document)));

        // Relabelled: the other algorithm, another configured key, an unknown key.
        var otherAlgorithm = suite == CryptoSuite.SM ? DocumentSigner.EcdsaP256Sha256 : DocumentSigner.Sm2Sm3;
        Assert.False(signer.Verify(Document, otherAlgorithm + value[value.IndexOf(':', StringComparison.Ordinal)..]));
        var otherKey = keyId == "sm2-2026" ? "ec-2026" : "sm2-2026";
        Assert.False(signer.Verify(Document, value.Replace($":{keyId}:", $":{otherKey}:", StringComparison.Ordinal)));
        Assert.False(signer.Verify(Document, value.Replace($":{keyId}:", ":nobody:", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("garbage")]
    [InlineData("sm2-sm3:sm2-2026")]
    [InlineData("sm2-sm3:sm2-2026:")]
    [InlineData("sm2-sm3:sm2-2026:!!!not base64!!!")]
    [InlineData("sm2-sm3:sm2-2026:AAAA")]
    [InlineData("sm2-sm3:sm2-2026:AAAA:extra")]
    [InlineData("ecdsa-p256-sha256:ec-2026:MAYCAQACAQA=")]
    [InlineData("sm2-sm3:../../etc/passwd:AAAA")]
    [InlineData(":::")]
    [InlineData("unknown-algorithm:sm2-2026:AAAA")]
    public void MalformedValues_AreInvalid_NeverAnException(string? value)
    {
        var signer = Signer(CryptoSuite.SM, "sm2-2026");
        Assert.False(signer.Verify(Document, value));
        using var stream = new MemoryStream(Document);
        Assert.False(signer.Check(stream, value).Valid);
    }

    [Fact]
    public void HugeOrBinaryValues_AreInvalid()
    {
        var signer = Signer(CryptoSuite.SM, "sm2-2026");
        Assert.False(signer.Verify(Document, "sm2-sm3:sm2-2026:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(600_000))));
        Assert.False(signer.Verify(Document, "sm2-sm3:sm2-2026:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(72))));
        Assert.False(signer.Verify(Document, new string('\0', 1000)));
        Assert.False(signer.Verify([], signer.Sign(Document)));
        Assert.True(signer.Verify([], signer.Sign([])));
    }

    [Fact]
    public void WithoutASigningKey_NothingIsSigned_ButOldSignaturesStillVerify()
    {
        var value = Signer(CryptoSuite.SM, "sm2-2026").Sign(Document);
        var unsigned = Signer(CryptoSuite.SM, null, signing: [], verification: new() { ["sm2-2026"] = Sm2Key.PublicKeyHex });

        Assert.False(unsigned.CanSign);
        Assert.Contains("未配置签名密钥", unsigned.UnavailableReason, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => unsigned.Sign(Document));
        Assert.True(unsigned.Verify(Document, value));
    }

    [Fact]
    public void CurrentKeyOfTheOtherSuite_SignsNothing_AndSaysWhy()
    {
        var signer = Signer(CryptoSuite.International, "sm2-2026");
        Assert.False(signer.CanSign);
        Assert.Contains("International", signer.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains(DocumentSigner.EcdsaP256Sha256, signer.UnavailableReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123")] // n, the curve order: out of range
    [InlineData("MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEA")] // RSA, and truncated
    public void MalformedSigningKeys_StopTheStart_NamingTheKeyNotItsValue(string material)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Signer(CryptoSuite.SM, null, signing: new() { ["broken-key"] = material }));
        Assert.Contains("broken-key", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(material, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationMistakes_AreRefused()
    {
        Assert.Throws<InvalidOperationException>(() => Signer(CryptoSuite.SM, "missing"));
        Assert.Throws<InvalidOperationException>(() => Signer(CryptoSuite.SM, "key:with:colons", signing: new() { ["key:with:colons"] = Sm2Key.PrivateKeyHex }));
        Assert.Throws<InvalidOperationException>(() => Signer(CryptoSuite.SM, null, signing: [], verification: new() { ["bad"] = "04" + new string('1', 128) })); // not on the curve
        Assert.Throws<InvalidOperationException>(() => Signer(CryptoSuite.SM, null, verification: new() { ["sm2-2026"] = Sm2Key.PublicKeyHex })); // id used twice
    }

    [Fact]
    public void Pkcs8Sm2Keys_AsOpenSslWritesThem_AreAccepted()
    {
        // `openssl genpkey -algorithm SM2` writes PKCS#8 with the sm2p256v1 curve; the same key as hex signs alike.
        var d = new Org.BouncyCastle.Math.BigInteger(Sm2Key.PrivateKeyHex, 16);
        var parameters = new ECPrivateKeyParameters("EC", d, GMObjectIdentifiers.sm2p256v1);
        var pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(parameters).GetDerEncoded();
        var pem = "-----BEGIN PRIVATE KEY-----\n" + Convert.ToBase64String(pkcs8, Base64FormattingOptions.InsertLineBreaks) + "\n-----END PRIVATE KEY-----\n";

        var fromPem = Signer(CryptoSuite.SM, "pem", signing: new() { ["pem"] = pem });
        var value = fromPem.Sign(Document);
        Assert.Equal(Sm2Key.PublicKeyHex, fromPem.PublicKeys.Single().PublicKey);
        Assert.True(Signer(CryptoSuite.SM, null, signing: [], verification: new() { ["pem"] = Sm2Key.PublicKeyHex }).Verify(Document, value));

        // And a P-256 key as PEM, as `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` writes it.
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecSigner = Signer(CryptoSuite.International, "ec-pem", signing: new() { ["ec-pem"] = ec.ExportPkcs8PrivateKeyPem() },
            verification: new() { ["ec-pub"] = ec.ExportSubjectPublicKeyInfoPem() });
        Assert.True(ecSigner.Verify(Document, ecSigner.Sign(Document)));
        Assert.Equal(Convert.ToBase64String(ec.ExportSubjectPublicKeyInfo()), ecSigner.PublicKeys.Single(k => k.KeyId == "ec-pub").PublicKey);
    }

    [Fact]
    public void StreamsAreSignedToTheirEnd_SameAsTheBytes()
    {
        var signer = Signer(CryptoSuite.SM, "sm2-2026");
        var large = new byte[3 * 81920 + 17];
        RandomNumberGenerator.Fill(large);
        using var stream = new MemoryStream(large);
        var value = signer.Sign(stream);
        Assert.True(signer.Verify(large, value));
        large[200_000] ^= 0x80;
        Assert.False(signer.Verify(large, value));
    }
}

using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace Chuanyu.Web.Infrastructure.Crypto;

/// <summary>
/// SM2 signatures (GB/T 32918.2) over the recommended curve sm2p256v1 with SM3 and the default signer id
/// "1234567812345678" (GB/T 35276). Used for exported official documents and data-exchange batches.
/// Signatures are DER-encoded (r, s), as GB/T 35276 specifies.
/// </summary>
public static class Sm2
{
    private static readonly X9ECParameters Curve = GMNamedCurves.GetByName("sm2p256v1");
    private static readonly ECDomainParameters Domain = new(Curve.Curve, Curve.G, Curve.N, Curve.H);
    public static readonly byte[] DefaultUserId = "1234567812345678"u8.ToArray();

    public sealed record KeyPair(string PrivateKeyHex, string PublicKeyHex);

    public static KeyPair GenerateKeyPair()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Domain, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var priv = (ECPrivateKeyParameters)pair.Private;
        var pub = (ECPublicKeyParameters)pair.Public;
        return new KeyPair(priv.D.ToString(16).PadLeft(64, '0'), Convert.ToHexStringLower(pub.Q.GetEncoded(false)));
    }

    public static string PublicKeyOf(string privateKeyHex) =>
        Convert.ToHexStringLower(Domain.G.Multiply(new BigInteger(privateKeyHex, 16)).Normalize().GetEncoded(false));

    public static byte[] Sign(string privateKeyHex, byte[] message, SecureRandom? random = null)
    {
        var signer = new SM2Signer();
        ICipherParameters key = new ECPrivateKeyParameters(new BigInteger(privateKeyHex, 16), Domain);
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(key, random ?? new SecureRandom()), DefaultUserId));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    public static bool Verify(string publicKeyHex, byte[] message, byte[] signature)
    {
        try
        {
            var point = Curve.Curve.DecodePoint(Convert.FromHexString(publicKeyHex));
            var signer = new SM2Signer();
            signer.Init(false, new ParametersWithID(new ECPublicKeyParameters(point, Domain), DefaultUserId));
            signer.BlockUpdate(message, 0, message.Length);
            return signer.VerifySignature(signature);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or IOException)
        {
            // A malformed key or signature is simply not valid.
            return false;
        }
    }

    /// <summary>Signs a stream read to its end (exported files can be tens of megabytes; no need to hold them in memory).</summary>
    public static byte[] Sign(string privateKeyHex, Stream message)
    {
        var signer = new SM2Signer();
        ICipherParameters key = new ECPrivateKeyParameters(new BigInteger(privateKeyHex, 16), Domain);
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(key, new SecureRandom()), DefaultUserId));
        Feed(signer, message);
        return signer.GenerateSignature();
    }

    public static bool Verify(string publicKeyHex, Stream message, byte[] signature)
    {
        Org.BouncyCastle.Math.EC.ECPoint point;
        try
        {
            point = Curve.Curve.DecodePoint(Convert.FromHexString(publicKeyHex));
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return false;
        }
        var signer = new SM2Signer();
        signer.Init(false, new ParametersWithID(new ECPublicKeyParameters(point, Domain), DefaultUserId));
        // Reading the message may fail for its own reasons (a dropped upload); only a malformed signature means "not valid".
        Feed(signer, message);
        try
        {
            return signer.VerifySignature(signature);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    private static void Feed(SM2Signer signer, Stream message)
    {
        var buffer = new byte[81920];
        int n;
        while ((n = message.Read(buffer, 0, buffer.Length)) > 0)
        {
            signer.BlockUpdate(buffer, 0, n);
        }
    }
}

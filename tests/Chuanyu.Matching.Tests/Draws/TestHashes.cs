using System.Security.Cryptography;
using Chuanyu.Matching.Draws;
using Org.BouncyCastle.Crypto.Digests;

namespace Chuanyu.Matching.Tests.Draws;

/// <summary>The two hash functions of the platform's suites, as the web host hands them to the draw.</summary>
internal static class TestHashes
{
    public static readonly DrawHash Sha256 = new("sha256", SHA256.HashData);

    public static readonly DrawHash Sm3 = new("sm3", Sm3Digest);

    public static DrawHash? ById(string id) => id switch
    {
        "sha256" => Sha256,
        "sm3" => Sm3,
        _ => null,
    };

    public static TheoryData<string> Ids => new() { "sha256", "sm3" };

    private static byte[] Sm3Digest(byte[] data)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(data, 0, data.Length);
        var output = new byte[digest.GetDigestSize()];
        digest.DoFinal(output, 0);
        return output;
    }
}

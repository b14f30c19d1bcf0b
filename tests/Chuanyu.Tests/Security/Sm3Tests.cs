using System.Text;
using Chuanyu.Web.Infrastructure.Crypto;
using Org.BouncyCastle.Crypto.Digests;

namespace Chuanyu.Tests.Security;

/// <summary>The platform's own SM3 (<see cref="Sm3"/>) gives GB/T 32905's test vectors and BouncyCastle's digest on any input.</summary>
public sealed class Sm3Tests
{
    [Theory]
    [InlineData("abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")]
    [InlineData("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")]
    public void StandardVectors(string text, string hex) =>
        Assert.Equal(hex, Convert.ToHexStringLower(Sm3.HashData(Encoding.ASCII.GetBytes(text))));

    [Fact]
    public void SameAsBouncyCastle_ForEveryLengthAroundTheBlocks_AndALongInput()
    {
        var random = new Random(32905);
        var lengths = Enumerable.Range(0, 200).Append(1_000_003).ToList();
        Span<byte> into = stackalloc byte[32];
        foreach (var length in lengths)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var bc = new SM3Digest();
            bc.BlockUpdate(data, 0, data.Length);
            var expected = new byte[32];
            bc.DoFinal(expected, 0);
            Assert.Equal(expected, Sm3.HashData(data));
            Hashes.Reusable(Hashes.Sm3)(data, into);
            Assert.Equal(expected, into.ToArray());
            Assert.Equal(expected, Hashes.Hash(Hashes.Sm3, data));
        }
    }
}

using Chuanyu.Web.Features.Accounts;

namespace Chuanyu.Tests.Accounts;

public sealed class CreditCodeTests
{
    [Theory]
    // Codes as printed in public examples of the standard; they pass the GB 32100-2015 check independently of our code.
    [InlineData("91350100M000100Y43")]
    [InlineData("12100000400000624D")]
    public void Validate_KnownValidCodes_AreAccepted(string code) => Assert.Null(CreditCode.Validate(code));

    [Fact]
    public void Validate_LowerCaseAndSpaces_AreNormalised() => Assert.Null(CreditCode.Validate("  91350100m000100y43 "));

    [Theory]
    [InlineData("", "18 位")]
    [InlineData("91350100M000100Y4", "18 位")]
    [InlineData("91350100M000100Y44", "校验位")]
    [InlineData("91350100I000100Y43", "不允许的字符")]
    [InlineData("913501O0M000100Y43", "不允许的字符")]
    [InlineData("91AB0100M000100Y43", "行政区划")]
    [InlineData("9135010'M000100Y43", "不允许的字符")]
    public void Validate_InvalidCodes_SayWhy(string code, string reasonPart)
    {
        var reason = CreditCode.Validate(code);
        Assert.NotNull(reason);
        Assert.Contains(reasonPart, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckCharacter_AnySingleCharacterChange_IsDetected()
    {
        const string valid = "91350100M000100Y43";
        for (var i = 0; i < 17; i++)
        {
            foreach (var c in CreditCode.Alphabet.Where(c => c != valid[i]))
            {
                if (i is >= 2 and < 8 && !char.IsAsciiDigit(c))
                {
                    continue;
                }
                var changed = string.Concat(valid.AsSpan(0, i), c.ToString(), valid.AsSpan(i + 1));
                Assert.False(CreditCode.IsValid(changed), $"change at {i} to {c} went undetected: {changed}");
            }
        }
    }
}

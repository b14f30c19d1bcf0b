using Chuanyu.Web.Features.Vouchers;

namespace Chuanyu.Tests.Vouchers;

/// <summary>The subsidy rule in integer fen (docs/vouchers.md): floor, the highest ratio, and every cap.</summary>
public sealed class SubsidyRuleTests
{
    private static readonly SubsidyRatio Third = new(1, 3);

    [Fact]
    public void OneThirdOfOneHundredYuan_Is3333Fen_TheOddFenStaysWithTheEnterprise()
    {
        var s = SubsidyRule.Compute(10_000, Third, null, 1_000_000, null);
        Assert.Equal(3_333, s);
        Assert.Equal(6_667, 10_000 - s);
        // Three such uses total 9,999 fen, never 10,000.
        Assert.Equal(9_999, 3 * s);
    }

    [Theory]
    [InlineData(1, 0)] // ⌊1/3⌋
    [InlineData(2, 0)]
    [InlineData(3, 1)]
    [InlineData(29_999, 9_999)]
    public void RoundsDown(long fee, long expected) => Assert.Equal(expected, SubsidyRule.Compute(fee, Third, null, long.MaxValue, null));

    [Fact]
    public void HugeFees_DoNotOverflow() =>
        Assert.Equal(long.MaxValue / 10 * 9 + (long.MaxValue % 10) * 9 / 10, SubsidyRule.Compute(long.MaxValue, new SubsidyRatio(9, 10), null, long.MaxValue, null));

    [Fact]
    public void HighestRatioApplies_ComparedAsFractions()
    {
        // Chongqing: 10 % base, 20 % network member, 30 % plan project: the highest applies.
        Assert.Equal(new SubsidyRatio(3, 10), SubsidyRule.Highest([new(1, 10), new(3, 10), new(1, 5)]));
        // 333333333/1000000000 < 1/3 although the floats are close.
        Assert.Equal(Third, SubsidyRule.Highest([new(333_333_333, 1_000_000_000), Third]));
        Assert.Equal(SubsidyRatio.None, SubsidyRule.Highest([]));
    }

    [Fact]
    public void PerClaimCap_Applies()
    {
        // ¥200,000 at 30 % = ¥60,000, capped at 5万 a claim.
        Assert.Equal(5_000_000, SubsidyRule.Compute(20_000_000, new SubsidyRatio(3, 10), 5_000_000, 100_000_000, null));
    }

    [Fact]
    public void VoucherBalance_Applies() => Assert.Equal(10, SubsidyRule.Compute(10_000, Third, null, 10, null));

    [Fact]
    public void AnnualCapLeft_Applies()
    {
        Assert.Equal(1_234, SubsidyRule.Compute(10_000, Third, null, 1_000_000, 1_234));
        Assert.Equal(0, SubsidyRule.Compute(10_000, Third, null, 1_000_000, 0));
        Assert.Equal(0, SubsidyRule.Compute(10_000, Third, null, 1_000_000, -5)); // never negative
    }

    [Fact]
    public void BadRatios_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SubsidyRule.Compute(100, new SubsidyRatio(0, 3), null, 100, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => SubsidyRule.Compute(100, new SubsidyRatio(4, 3), null, 100, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => SubsidyRule.Compute(-1, Third, null, 100, null));
    }
}

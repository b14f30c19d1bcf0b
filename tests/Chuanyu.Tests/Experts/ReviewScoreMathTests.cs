using Chuanyu.Web.Features.Experts;

namespace Chuanyu.Tests.Experts;

/// <summary>The arithmetic of scoring on known numbers, without a host.</summary>
public sealed class ReviewScoreMathTests
{
    private static readonly string[] RankOrder = ["a", "b", "c", "e", "d", "none"];
    private static readonly int[] Stored = [8, 15, 40];
    private static readonly CriterionSpec[] Weighted = [new(1, "创新性", 50, 2m), new(2, "可行性", 100, 1m)];

    [Fact]
    public void Total_IsTheWeightedShareOfTheMaximum_OnAHundred()
    {
        Assert.Equal(92.5, ReviewScoreMath.Total(Weighted, [45, 95]));
        Assert.Equal(70, ReviewScoreMath.Total(Weighted, [30, 80]));
        Assert.Equal(100, ReviewScoreMath.Total(Weighted, [50, 100]));
        Assert.Equal(0, ReviewScoreMath.Total(Weighted, [0, 0]));
        // Weights need not sum to one: 3 and 1 weigh as 0.75 and 0.25.
        Assert.Equal(62.5, ReviewScoreMath.Total([new(1, "a", 10, 3m), new(2, "b", 10, 1m)], [5, 10]));
        Assert.Equal(87, ReviewScoreMath.Total([ReviewScoreMath.ImpliedCriterion], [87]));
        Assert.Throws<ArgumentException>(() => ReviewScoreMath.Total(Weighted, [1]));
    }

    [Theory]
    [InlineData(59.99, true)]
    [InlineData(60, false)]
    [InlineData(90, false)]
    [InlineData(90.01, true)]
    public void AComment_IsNeeded_BelowSixtyOrAboveNinety(double total, bool needed) => Assert.Equal(needed, ReviewScoreMath.NeedsComment(total));

    [Fact]
    public void Aggregate_TrimsOneHighestAndOneLowest_FromFiveTotalsOn()
    {
        var five = ReviewScoreMath.Aggregate([100, 60, 90, 70, 80]);
        Assert.Equal(new ItemAggregate(5, 80, 80, 60, 100, 14.14), five);
        var skewed = ReviewScoreMath.Aggregate([50, 80, 80, 80, 100]);
        Assert.Equal(78, skewed.Mean);
        Assert.Equal(80, skewed.TrimmedMean);
        Assert.Equal(16, skewed.StandardDeviation);
        // Four totals: nothing is dropped, the trimmed mean is the mean (dropping would give 75).
        var four = ReviewScoreMath.Aggregate([70, 70, 80, 100]);
        Assert.Equal(80, four.Mean);
        Assert.Equal(80, four.TrimmedMean);
        Assert.Equal(new ItemAggregate(0, null, null, null, null, null), ReviewScoreMath.Aggregate([]));
        Assert.Equal(new ItemAggregate(1, 42, 42, 42, 42, 0), ReviewScoreMath.Aggregate([42]));
    }

    [Fact]
    public void Rank_IsByTrimmedMeanThenMean_EqualsShareARank_AndTheUnscoredComeLast()
    {
        var items = new (string Name, int Position, ItemAggregate Figures)[]
        {
            ("d", 1, new ItemAggregate(5, 70, 70, 60, 80, 5)),
            ("none", 2, new ItemAggregate(0, null, null, null, null, null)),
            ("b", 3, new ItemAggregate(5, 85, 84, 70, 95, 5)),
            ("c", 4, new ItemAggregate(5, 85, 84, 75, 90, 4)),
            ("a", 5, new ItemAggregate(5, 88, 90, 80, 95, 4)),
            ("e", 6, new ItemAggregate(5, 71, 70, 60, 80, 5)),
        };
        var ranked = ReviewScoreMath.Rank(items, i => i.Figures, i => i.Position);
        Assert.Equal(RankOrder, ranked.Select(r => r.Item.Name).ToArray());
        Assert.Equal(new int?[] { 1, 2, 2, 4, 5, null }, ranked.Select(r => r.Rank).ToArray());
    }

    [Fact]
    public void Scores_AreStoredAsCommaSeparatedIntegers() =>
        Assert.Equal(Stored, ReviewScoreMath.Split(ReviewScoreMath.Join(Stored)));
}

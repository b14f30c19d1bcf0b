namespace Chuanyu.Web.Features.Experts;

/// <summary>A criterion as the scoring uses it: its position, name, maximum and weight.</summary>
public sealed record CriterionSpec(int Position, string Name, int MaxScore, decimal Weight);

/// <summary>One item's figures over the totals that count (conflicts and void seats left out).</summary>
public sealed record ItemAggregate(int Count, double? Mean, double? TrimmedMean, double? Min, double? Max, double? StandardDeviation);

/// <summary>
/// The arithmetic of scoring and aggregation, with no database: a member's weighted total for an item, the figures per item
/// and the ranking. Kept pure so the rules below are tested on known numbers.
/// </summary>
public static class ReviewScoreMath
{
    public const int MaxCriterionNameLength = 100;
    public const int MaxCriteria = 20;
    public const int MaxCommentLength = 2000;

    /// <summary>The trimmed mean drops one highest and one lowest total only from this many totals on.</summary>
    public const int TrimFrom = 5;

    /// <summary>Common practice in review rules: a total below this or above <see cref="CommentAbove"/> needs a written comment.</summary>
    public const double CommentBelow = 60;

    public const double CommentAbove = 90;

    /// <summary>The key of the implied criterion's name (综合评价) when an activity defines none.</summary>
    public const string ImpliedCriterionName = "ReviewScores.ImpliedCriterion";

    /// <summary>What an activity without criteria is scored on: one criterion, max 100, weight 1 (its name is translated where shown).</summary>
    public static readonly CriterionSpec ImpliedCriterion = new(1, "", 100, 1m);

    /// <summary>Σ weight·score / Σ weight·max × 100: a total on 0–100 whatever the maxima and weights (weights need not sum to 1).</summary>
    public static double Total(IReadOnlyList<CriterionSpec> criteria, IReadOnlyList<int> scores)
    {
        if (criteria.Count == 0 || criteria.Count != scores.Count)
        {
            throw new ArgumentException("One score per criterion.", nameof(scores));
        }
        decimal got = 0, max = 0;
        for (var i = 0; i < criteria.Count; i++)
        {
            got += criteria[i].Weight * scores[i];
            max += criteria[i].Weight * criteria[i].MaxScore;
        }
        return (double)Math.Round(got / max * 100m, 4);
    }

    /// <summary>Whether a total needs a comment (below 60 or above 90).</summary>
    public static bool NeedsComment(double total) => total < CommentBelow || total > CommentAbove;

    /// <summary>
    /// Count, mean, trimmed mean (one highest and one lowest dropped from 5 totals on; below that equal to the mean), min,
    /// max and the population standard deviation of one item's totals. Nulls when nobody scored.
    /// </summary>
    public static ItemAggregate Aggregate(IReadOnlyCollection<double> totals)
    {
        if (totals.Count == 0)
        {
            return new ItemAggregate(0, null, null, null, null, null);
        }
        var sorted = totals.Order().ToArray();
        var mean = sorted.Average();
        var trimmed = sorted.Length >= TrimFrom ? sorted[1..^1].Average() : mean;
        var sd = Math.Sqrt(sorted.Sum(t => (t - mean) * (t - mean)) / sorted.Length);
        return new ItemAggregate(sorted.Length, Round(mean), Round(trimmed), sorted[0], sorted[^1], Round(sd));
    }

    private static double Round(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Competition ranks (1, 2, 2, 4) by trimmed mean, descending; equal trimmed means are ordered by the mean, and items
    /// equal on both share a rank (listed by position). Items nobody scored have no rank and come last.
    /// </summary>
    public static IReadOnlyList<(T Item, int? Rank)> Rank<T>(IReadOnlyList<T> items, Func<T, ItemAggregate> of, Func<T, int> position)
    {
        var ordered = items.OrderBy(i => of(i).TrimmedMean is null ? 1 : 0).ThenByDescending(i => of(i).TrimmedMean)
            .ThenByDescending(i => of(i).Mean).ThenBy(position).ToList();
        var ranked = new List<(T, int?)>(ordered.Count);
        for (var n = 0; n < ordered.Count; n++)
        {
            var a = of(ordered[n]);
            if (a.TrimmedMean is null)
            {
                ranked.Add((ordered[n], null));
                continue;
            }
            var same = n > 0 && of(ordered[n - 1]) is var b && b.TrimmedMean == a.TrimmedMean && b.Mean == a.Mean;
            ranked.Add((ordered[n], same ? ranked[n - 1].Item2 : n + 1));
        }
        return ranked;
    }

    /// <summary>The stored form of the scores ("8,15,40") and back.</summary>
    public static string Join(IEnumerable<int> scores) => string.Join(',', scores);

    public static IReadOnlyList<int> Split(string scores) =>
        scores.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>A subsidy ratio as a reduced fraction (10 % = 1/10); compared by cross-multiplication, never as a float.</summary>
public readonly record struct SubsidyRatio(int Num, int Den)
{
    public static readonly SubsidyRatio None = new(0, 1);

    public bool IsValid => Num > 0 && Den > 0 && Num <= Den;

    /// <summary>Whether this ratio pays more than <paramref name="other"/>: n₁·d₂ &gt; n₂·d₁ in 64-bit integers.</summary>
    public bool IsGreaterThan(SubsidyRatio other) => (long)Num * other.Den > (long)other.Num * Den;

    public override string ToString() => $"{Num}/{Den}";
}

/// <summary>
/// The subsidy rule (docs/vouchers.md): <c>S = min(⌊E × n / d⌋, per-claim cap, voucher balance, annual cap − used)</c>
/// in integer fen. The product is taken in <see cref="Int128"/>, so no fee and ratio can overflow it; both operands are
/// ≥ 0, so integer division is the floor, and the odd fen stays with the enterprise (its share is F − S).
/// Example: ¥100.00 at 1/3 → 10000 × 1 / 3 = 3333.33… → S = 3333 fen, the enterprise pays 6667.
/// </summary>
public static class SubsidyRule
{
    /// <summary>The subsidy in fen (0 when nothing can be paid: the caller answers <c>Vouchers.NothingToPay</c>).</summary>
    /// <param name="eligibleFeeFen">E, the part of the use's fee the voucher may pay for (≥ 0).</param>
    /// <param name="ratio">The highest applicable ratio.</param>
    /// <param name="perClaimCapFen">At most this per redemption; null: no cap.</param>
    /// <param name="balanceFen">What is left on the voucher.</param>
    /// <param name="annualLeftFen">What is left of the holder's annual cap in the programme; null: no cap.</param>
    public static long Compute(long eligibleFeeFen, SubsidyRatio ratio, long? perClaimCapFen, long balanceFen, long? annualLeftFen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eligibleFeeFen);
        if (!ratio.IsValid)
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "A ratio is a fraction 0 < n/d ≤ 1.");
        }
        var subsidy = (long)((Int128)eligibleFeeFen * ratio.Num / ratio.Den);
        if (perClaimCapFen is { } cap)
        {
            subsidy = Math.Min(subsidy, cap);
        }
        subsidy = Math.Min(subsidy, balanceFen);
        if (annualLeftFen is { } left)
        {
            subsidy = Math.Min(subsidy, left);
        }
        return Math.Max(0, subsidy);
    }

    /// <summary>The highest of the applicable ratios (the voucher's own, and any whose condition holds).</summary>
    public static SubsidyRatio Highest(IEnumerable<SubsidyRatio> ratios)
    {
        var best = SubsidyRatio.None;
        foreach (var r in ratios)
        {
            if (r.IsValid && r.IsGreaterThan(best))
            {
                best = r;
            }
        }
        return best;
    }
}

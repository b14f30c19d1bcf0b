using System.Text;

namespace Chuanyu.Matching.Assignment;

/// <summary>
/// Affinity of an expert for a proposal, in integer points 0–1000 so the min-cost flow works on exact integers:
/// <list type="bullet">
/// <item>discipline (best pair of codes): <see cref="SameCode"/> points when a proposal code equals an expert code
/// (GB/T 13745, usually 5-digit), else <see cref="SameFirstLevel"/> when two codes share the 3-digit first-level
/// code, else 0;</item>
/// <item>keywords: <see cref="KeywordWeight"/> × Jaccard(normalised keyword sets) = |A ∩ B| / |A ∪ B|, rounded half up.</item>
/// </list>
/// The solver's arc cost is <c>1000 − affinity</c> (non-negative; the flow's size is fixed at its maximum, so minimising
/// cost maximises total affinity).
/// </summary>
public static class Affinity
{
    public const int SameCode = 600;
    public const int SameFirstLevel = 300;
    public const int KeywordWeight = 400;
    public const int Max = SameCode + KeywordWeight;

    /// <summary>The first-level (3-digit) part of a GB/T 13745 code.</summary>
    public static string FirstLevel(string code) => code.Length > 3 ? code[..3] : code;

    /// <summary>Keywords compare after NFKC (full-width to half-width), trimming and lower-casing (invariant).</summary>
    public static string NormaliseKeyword(string keyword) => keyword.Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();

    /// <summary>Discipline points of the best pair of codes.</summary>
    public static int DisciplinePoints(IReadOnlyList<string> proposalCodes, IReadOnlyList<string> reviewerCodes)
    {
        var best = 0;
        foreach (var p in proposalCodes)
        {
            foreach (var r in reviewerCodes)
            {
                var pc = p.Trim();
                var rc = r.Trim();
                if (pc.Length == 0 || rc.Length == 0)
                {
                    continue;
                }
                if (pc == rc)
                {
                    return SameCode;
                }
                if (FirstLevel(pc) == FirstLevel(rc))
                {
                    best = SameFirstLevel;
                }
            }
        }
        return best;
    }

    /// <summary>Keyword points from the sizes of the two normalised sets and of their intersection.</summary>
    public static int KeywordPoints(int proposalKeywords, int reviewerKeywords, int common)
    {
        var union = proposalKeywords + reviewerKeywords - common;
        return union == 0 ? 0 : (int)(((2L * KeywordWeight * common) + union) / (2L * union));
    }

    /// <summary>The affinity of <paramref name="reviewer"/> for <paramref name="proposal"/> (conflicts not considered).</summary>
    public static int Score(Proposal proposal, Reviewer reviewer)
    {
        var pk = NormalisedSet(proposal.Keywords);
        var rk = NormalisedSet(reviewer.Keywords);
        var common = pk.Count(rk.Contains);
        return DisciplinePoints(proposal.Disciplines, reviewer.Disciplines) + KeywordPoints(pk.Count, rk.Count, common);
    }

    internal static HashSet<string> NormalisedSet(IReadOnlyList<string> keywords)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var k in keywords)
        {
            var n = NormaliseKeyword(k);
            if (n.Length > 0)
            {
                set.Add(n);
            }
        }
        return set;
    }
}

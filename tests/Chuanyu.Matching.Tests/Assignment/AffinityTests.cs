using Chuanyu.Matching.Assignment;

namespace Chuanyu.Matching.Tests.Assignment;

public class AffinityTests
{
    private static Proposal P(string[] codes, string[] keywords) => new("p", ["x"], codes, keywords);
    private static Reviewer R(string[] codes, string[] keywords) => new("r", "y", codes, keywords, 1);

    [Fact]
    public void Same_code_scores_above_same_first_level_and_the_best_pair_counts()
    {
        Assert.Equal(Affinity.SameCode, Affinity.Score(P(["11011"], []), R(["11011"], [])));
        Assert.Equal(Affinity.SameFirstLevel, Affinity.Score(P(["11011"], []), R(["11014"], [])));
        Assert.Equal(Affinity.SameFirstLevel, Affinity.Score(P(["110"], []), R(["11014"], [])));
        Assert.Equal(0, Affinity.Score(P(["11011"], []), R(["12011"], [])));
        Assert.Equal(Affinity.SameCode, Affinity.Score(P(["12010", "11011"], []), R(["11014", "11011"], [])));
    }

    [Fact]
    public void Keywords_score_by_jaccard_after_normalisation()
    {
        // {sem, graphene} vs {sem, catalysis, alloy}: 1 common of 4 → 400/4 = 100; full-width and case do not matter.
        Assert.Equal(100, Affinity.Score(P([], ["ＳＥＭ", " graphene "]), R([], ["sem", "Catalysis", "alloy"])));
        Assert.Equal(Affinity.KeywordWeight, Affinity.Score(P([], ["a", "b"]), R([], ["B", "A"])));
        // 1 of 3 → 133.33 rounds to 133; 2 of 3 → 266.67 rounds to 267.
        Assert.Equal(133, Affinity.KeywordPoints(2, 2, 1));
        Assert.Equal(267, Affinity.KeywordPoints(3, 2, 2));
        Assert.Equal(0, Affinity.KeywordPoints(0, 0, 0));
    }

    [Fact]
    public void Candidates_from_the_inverted_index_equal_scoring_every_pair()
    {
        for (var seed = 0; seed < 30; seed++)
        {
            var (ps, rs, conflicts) = AssignmentInstances.Random(seed, 12, 40, 8);
            var spec = new AssignmentSpec(2, TopCandidates: 5 + (seed % 4), Conflicts: conflicts);
            var set = CandidateSet.Build(ps, rs, spec);
            for (var p = 0; p < ps.Length; p++)
            {
                var expected = Enumerable.Range(0, rs.Length)
                    .Where(r => AssignmentInstances.Allowed(ps[p], rs[r], conflicts))
                    .Select(r => (R: r, S: Affinity.Score(ps[p], rs[r])))
                    .Where(x => x.S > 0)
                    .OrderByDescending(x => x.S).ThenBy(x => x.R)
                    .ToArray();
                var actual = Enumerable.Range(set.Offsets[p], set.Offsets[p + 1] - set.Offsets[p]).Select(i => (R: set.Reviewer[i], S: set.Score[i])).ToArray();
                Assert.Equal(expected.Take(spec.TopCandidates), actual);
                Assert.Equal(expected.Length, set.Eligible[p]);
            }
        }
    }
}

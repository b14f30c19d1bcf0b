using Chuanyu.Matching.Assignment;

namespace Chuanyu.Matching.Tests.Assignment;

public class RandomizedAssignmentTests
{
    [Theory]
    [InlineData(0.5, 2, 1)]
    [InlineData(0.3, 10, 3)]
    [InlineData(2.0 / 3, 3, 2)]
    [InlineData(1.0, 1, 1)]
    public void The_scale_makes_q_times_d_an_integer(double q, long d, long capacity) =>
        Assert.Equal((d, capacity), FractionalAssignment.ScaleFor(q));

    [Fact]
    public void Marginals_are_capped_and_sampled_frequencies_match_them_with_every_sample_within_the_rules()
    {
        // 8 proposals × 2 reviewers from 10 experts (load 3): many pairs would be 1 in the optimum, the cap makes them 0.5.
        const double q = 0.5;
        const int samples = 2000;
        var (ps, rs, conflicts) = AssignmentInstances.Random(7, 8, 10, 6, maxLoad: 3);
        var spec = new AssignmentSpec(2, Conflicts: conflicts, MaxPairProbability: q);
        var set = CandidateSet.Build(ps, rs, spec);
        var fractional = FractionalAssignment.Solve(set);
        Assert.Equal("OPTIMAL", fractional.SolverStatus);
        var marginals = fractional.Marginals().ToDictionary(m => (m.ProposalId, m.ReviewerId), m => m.Probability);
        Assert.All(marginals.Values, p => Assert.InRange(p, 0, q));
        Assert.Contains(marginals.Values, p => p == q);

        var counts = new Dictionary<(string, string), int>();
        double totalAffinity = 0;
        for (var seed = 0; seed < samples; seed++)
        {
            var sample = fractional.Sample(seed);
            AssignmentInstances.AssertHardConstraints(sample, ps, rs, conflicts, spec.PerProposal);
            foreach (var pair in sample.Pairs)
            {
                var key = (pair.ProposalId, pair.ReviewerId);
                Assert.True(marginals.ContainsKey(key), "only pairs with a positive marginal are ever assigned");
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
            totalAffinity += sample.TotalAffinity;
        }
        // Hoeffding: P(|mean − p| ≥ t) ≤ 2·exp(−2·n·t²); n = 2000, t = 0.06 gives 1.1e−6 per pair, under 1e−4 for all
        // pairs together (a fixed seed list, so the test is deterministic; the bound says the seeds are not cherry-picked).
        const double t = 0.06;
        foreach (var (key, p) in marginals)
        {
            var frequency = (double)counts.GetValueOrDefault(key) / samples;
            Assert.InRange(frequency, p - t, p + t);
            Assert.True(frequency <= q + t);
        }
        Assert.InRange(totalAffinity / samples, fractional.ExpectedAffinity * 0.98, fractional.ExpectedAffinity * 1.02);
    }

    [Fact]
    public void The_same_seed_gives_the_same_assignment_and_the_cap_costs_affinity_against_the_optimum()
    {
        var (ps, rs, conflicts) = AssignmentInstances.Random(11, 20, 40, 10);
        var spec = new AssignmentSpec(2, Conflicts: conflicts, MaxPairProbability: 0.5, RandomSeed: 42);
        var set = CandidateSet.Build(ps, rs, spec);
        var first = ExpertAssigner.Randomized(set);
        var second = ExpertAssigner.Randomized(set);
        Assert.Equal(first.Pairs, second.Pairs);
        var optimal = ExpertAssigner.Optimal(set);
        Assert.True(first.ExpectedAffinity <= optimal.TotalAffinity);
        Assert.NotEqual(first.Pairs, FractionalAssignment.Solve(set).Sample(43).Pairs);
    }
}

using Chuanyu.Matching.Assignment;

namespace Chuanyu.Matching.Tests.Assignment;

public class ExpertAssignerTests
{
    [Fact]
    public void Optimal_equals_brute_force_on_random_small_instances()
    {
        var compared = 0;
        for (var seed = 0; seed < 60; seed++)
        {
            var (ps, rs, conflicts) = AssignmentInstances.Random(seed, 3 + (seed % 2), 6, 4);
            var spec = new AssignmentSpec(2, TopCandidates: 50, Conflicts: conflicts);
            var optimal = ExpertAssigner.Assign(ps, rs, spec);
            var (pairs, affinity) = AssignmentInstances.BruteForce(ps, rs, conflicts, spec.PerProposal);
            Assert.Equal("OPTIMAL", optimal.SolverStatus);
            Assert.Equal(pairs, optimal.Pairs.Count);
            Assert.Equal(affinity, optimal.TotalAffinity);
            AssignmentInstances.AssertHardConstraints(optimal, ps, rs, conflicts, spec.PerProposal);
            compared += affinity > 0 ? 1 : 0;
        }
        Assert.True(compared > 40, "most instances have something to assign");
    }

    [Fact]
    public void Hard_constraints_hold_for_every_method_over_random_instances()
    {
        for (var seed = 100; seed < 160; seed++)
        {
            var (ps, rs, conflicts) = AssignmentInstances.Random(seed, 25, 60, 12);
            var spec = new AssignmentSpec(3, TopCandidates: 20, Conflicts: conflicts, MaxPairProbability: 0.5, RandomSeed: seed);
            var set = CandidateSet.Build(ps, rs, spec);
            var optimal = ExpertAssigner.Optimal(set);
            var greedy = ExpertAssigner.Greedy(set);
            var randomized = ExpertAssigner.Randomized(set);
            foreach (var result in new[] { optimal, greedy, randomized })
            {
                AssignmentInstances.AssertHardConstraints(result, ps, rs, conflicts, spec.PerProposal);
            }
            Assert.True(greedy.Pairs.Count <= optimal.Pairs.Count);
            if (greedy.Pairs.Count == optimal.Pairs.Count)
            {
                Assert.True(greedy.TotalAffinity <= optimal.TotalAffinity);
            }
        }
    }

    [Fact]
    public void Greedy_can_be_worse_and_the_optimum_is_not()
    {
        // r1 suits both proposals but has load 1; greedy gives it to p1 (first), leaving p2 only the weak r2.
        Proposal[] ps =
        [
            new("p1", ["A"], ["11011"], []),
            new("p2", ["A"], ["11011"], ["sem"]),
        ];
        Reviewer[] rs =
        [
            new("r1", "B", ["11011"], ["sem"], 1),
            new("r2", "C", ["11014"], [], 1),
            new("r3", "D", ["11014"], [], 1),
        ];
        var set = CandidateSet.Build(ps, rs, new AssignmentSpec(1));
        var greedy = ExpertAssigner.Greedy(set);
        var optimal = ExpertAssigner.Optimal(set);
        // p1: r1 = 600, r2 = r3 = 300; p2: r1 = 600 + 400 (sem), r2 = r3 = 300.
        Assert.Equal(600 + 300, greedy.TotalAffinity);
        Assert.Equal(300 + 1000, optimal.TotalAffinity);
        Assert.Contains(optimal.Pairs, x => x is { ProposalId: "p2", ReviewerId: "r1", Rank: 1 });
    }

    [Fact]
    public void Own_institution_conflicts_and_one_per_institution_are_never_broken_even_when_it_costs_coverage()
    {
        Proposal[] ps = [new("p1", ["A", "B"], ["11011"], [])];
        Reviewer[] rs =
        [
            new("a", "A", ["11011"], [], 5),  // applicant institution
            new("b", "B", ["11011"], [], 5),  // partner applicant institution
            new("c1", "C", ["11011"], [], 5),
            new("c2", "C", ["11011"], [], 5), // same institution as c1
            new("d", "D", ["11011"], [], 5),  // declared conflict
            new("e", "E", ["11014"], [], 5),
        ];
        var spec = new AssignmentSpec(3, Conflicts: new HashSet<(string, string)> { ("d", "p1") });
        var result = ExpertAssigner.Assign(ps, rs, spec);
        Assert.Equal(["C", "E"], result.Pairs.Select(x => rs.Single(r => r.Id == x.ReviewerId).Institution).Order());
        var shortOne = Assert.Single(result.ShortProposals);
        Assert.Equal(new ShortProposal("p1", 2, 3, 3, 2, ShortReason.TooFewInstitutions), shortOne);
        Assert.False(result.Complete);
    }

    [Fact]
    public void Infeasible_instances_are_reported_with_the_reason_and_the_rest_is_assigned()
    {
        Proposal[] ps =
        [
            new("p1", ["A"], ["11011"], []),
            new("p2", ["A"], ["11011"], []),
            new("p3", ["A"], ["11011"], []),
            new("p4", ["A"], ["99999"], ["nothing"]),
        ];
        Reviewer[] rs =
        [
            new("r1", "B", ["11011"], [], 2),
            new("r2", "C", ["11011"], [], 2),
        ];
        // Demand 3 × 2 = 6 pairs, capacity 4: the maximum flow assigns 4 (where they go among p1–p3 is the solver's
        // choice: the flow maximises pairs, not complete proposals), and p4 has no candidate at all.
        var result = ExpertAssigner.Assign(ps, rs, new AssignmentSpec(2));
        Assert.Equal("OPTIMAL", result.SolverStatus);
        Assert.Equal(4, result.Pairs.Count);
        Assert.Equal(4 * 600, result.TotalAffinity);
        Assert.Contains(result.ShortProposals, s => s is { ProposalId: "p4", Assigned: 0, EligibleCandidates: 0, Reason: ShortReason.NoEligibleReviewer });
        var loadShort = result.ShortProposals.Where(s => s.ProposalId != "p4").ToArray();
        Assert.NotEmpty(loadShort);
        Assert.All(loadShort, s => Assert.Equal((2, 2, ShortReason.ReviewersAtFullLoad), (s.EligibleCandidates, s.CandidateInstitutions, s.Reason)));
        Assert.Equal(2, loadShort.Sum(s => s.Required - s.Assigned));
    }

    [Fact]
    public void Bad_specs_and_duplicate_ids_are_refused()
    {
        Proposal[] ps = [new("p1", ["A"], ["11011"], [])];
        Reviewer[] rs = [new("r1", "B", ["11011"], [], 1), new("r1", "C", ["11011"], [], 1)];
        Assert.Throws<ArgumentOutOfRangeException>(() => CandidateSet.Build(ps, rs[..1], new AssignmentSpec(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => CandidateSet.Build(ps, rs[..1], new AssignmentSpec(3, TopCandidates: 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => CandidateSet.Build(ps, rs[..1], new AssignmentSpec(1, MaxPairProbability: 1.5)));
        Assert.Throws<ArgumentException>(() => CandidateSet.Build(ps, rs, new AssignmentSpec(1)));
    }
}

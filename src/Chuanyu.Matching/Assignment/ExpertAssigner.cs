using System.Diagnostics;

namespace Chuanyu.Matching.Assignment;

/// <summary>
/// Bulk assignment of k experts per proposal (docs/expert-assignment.md). Hard constraints in every method: no expert
/// of an applicant institution, no declared conflict, load ≤ MaxLoad, at most one expert per institution per
/// proposal, at most k per proposal (exactly k when the instance allows it, otherwise the proposal is reported short).
/// </summary>
public static class ExpertAssigner
{
    /// <summary>Builds the candidates and assigns: greedy if asked, randomised when the spec caps pair probability, else optimal.</summary>
    public static AssignmentResult Assign(IReadOnlyList<Proposal> proposals, IReadOnlyList<Reviewer> reviewers, AssignmentSpec spec,
        AssignmentMethod? method = null)
    {
        var candidates = CandidateSet.Build(proposals, reviewers, spec);
        return (method ?? (spec.MaxPairProbability is null ? AssignmentMethod.Optimal : AssignmentMethod.Randomized)) switch
        {
            AssignmentMethod.Greedy => Greedy(candidates),
            AssignmentMethod.Randomized => Randomized(candidates),
            _ => Optimal(candidates),
        };
    }

    /// <summary>The assignment of maximum total affinity among those with the most assigned pairs (min-cost flow).</summary>
    public static AssignmentResult Optimal(CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var clock = Stopwatch.StartNew();
        using var network = FlowNetwork.Build(candidates, 1, 1);
        var build = clock.Elapsed;
        clock.Restart();
        var status = network.Solver.SolveMaxFlowWithMinCost();
        var solve = clock.Elapsed;
        var chosen = new bool[candidates.PairCount];
        if (status == Google.OrTools.Graph.MinCostFlowBase.Status.OPTIMAL)
        {
            for (var i = 0; i < chosen.Length; i++)
            {
                chosen[i] = network.Solver.Flow(network.PairArc[i]) > 0;
            }
        }
        var result = Result(candidates, AssignmentMethod.Optimal, chosen, status.ToString(), new AssignmentTimings(candidates.Elapsed, build, solve, TimeSpan.Zero));
        return result with { ExpectedAffinity = result.TotalAffinity };
    }

    /// <summary>Baseline: proposals in input order, each takes its best candidates that still have load and a new institution.</summary>
    public static AssignmentResult Greedy(CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var clock = Stopwatch.StartNew();
        var load = new int[candidates.Reviewers.Length];
        var chosen = new bool[candidates.PairCount];
        var institutions = new HashSet<int>();
        for (var p = 0; p < candidates.Proposals.Length; p++)
        {
            institutions.Clear();
            for (var i = candidates.Offsets[p]; i < candidates.Offsets[p + 1] && institutions.Count < candidates.Spec.PerProposal; i++)
            {
                var r = candidates.Reviewer[i];
                if (load[r] < candidates.Reviewers[r].MaxLoad && institutions.Add(candidates.ReviewerInstitution[r]))
                {
                    load[r]++;
                    chosen[i] = true;
                }
            }
        }
        var result = Result(candidates, AssignmentMethod.Greedy, chosen, "GREEDY", new AssignmentTimings(candidates.Elapsed, TimeSpan.Zero, clock.Elapsed, TimeSpan.Zero));
        return result with { ExpectedAffinity = result.TotalAffinity };
    }

    /// <summary>Randomised mode: <see cref="FractionalAssignment.Solve"/> then one sample with the spec's seed (0 if none).</summary>
    public static AssignmentResult Randomized(CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return FractionalAssignment.Solve(candidates).Sample(candidates.Spec.RandomSeed ?? 0);
    }

    internal static AssignmentResult Result(CandidateSet c, AssignmentMethod method, bool[] chosen, string status, AssignmentTimings timings)
    {
        var pairs = new List<AssignedPair>();
        var shortOnes = new List<ShortProposal>();
        var load = new int[c.Reviewers.Length];
        long total = 0;
        var k = c.Spec.PerProposal;
        for (var p = 0; p < c.Proposals.Length; p++)
        {
            var count = 0;
            for (var i = c.Offsets[p]; i < c.Offsets[p + 1]; i++)
            {
                if (chosen[i])
                {
                    count++;
                    total += c.Score[i];
                    load[c.Reviewer[i]]++;
                    pairs.Add(new AssignedPair(c.Proposals[p].Id, c.Reviewers[c.Reviewer[i]].Id, c.Score[i], i - c.Offsets[p] + 1));
                }
            }
            if (count < k)
            {
                var institutions = c.CandidateInstitutions(p);
                var reason = c.Eligible[p] == 0 ? ShortReason.NoEligibleReviewer
                    : institutions < k ? ShortReason.TooFewInstitutions
                    : ShortReason.ReviewersAtFullLoad;
                shortOnes.Add(new ShortProposal(c.Proposals[p].Id, count, k, c.Eligible[p], institutions, reason));
            }
        }
        return new AssignmentResult(method, pairs, shortOnes, total, status, timings, total);
    }
}

using Google.OrTools.Graph;

namespace Chuanyu.Matching.Assignment;

/// <summary>
/// The min-cost flow network of an assignment, in OR-Tools' <see cref="MinCostFlow"/>:
/// expert r (supply MaxLoad·D) → [(proposal, institution) node → ] proposal p (demand k·D), where the pair arc has
/// capacity <c>pairCapacity</c> and unit cost 1000 − affinity, and the (proposal, institution) → proposal arc capacity D
/// (at most one expert per institution per proposal). An institution with a single candidate for a proposal needs no
/// node of its own: its pair arc goes straight to the proposal (fewer nodes and arcs, same feasible set).
/// Supplies on the experts and demands on the proposals stand for the source → expert and proposal → sink arcs;
/// <see cref="MinCostFlow.SolveMaxFlowWithMinCost"/> then finds the largest flow (as many assignments as possible)
/// and, among those, the least cost (the largest total affinity).
/// </summary>
internal sealed class FlowNetwork : IDisposable
{
    public required MinCostFlow Solver { get; init; }

    /// <summary>The arc of each candidate pair (same index as <see cref="CandidateSet.Reviewer"/>).</summary>
    public required int[] PairArc { get; init; }

    /// <summary>The head node of each candidate pair's arc (a proposal or a group node).</summary>
    public required int[] PairHead { get; init; }

    /// <summary>Group arcs (group node → proposal): their ids, tails and heads.</summary>
    public required int[] GroupArc { get; init; }
    public required int[] GroupTail { get; init; }
    public required int[] GroupHead { get; init; }

    public required int NodeCount { get; init; }

    public static int ProposalNode(CandidateSet c, int p) => c.Reviewers.Length + p;

    public static FlowNetwork Build(CandidateSet c, long scale, long pairCapacity)
    {
        var reviewers = c.Reviewers.Length;
        var proposals = c.Proposals.Length;
        var pairs = c.PairCount;
        var solver = new MinCostFlow(reviewers + proposals + pairs / 4, pairs * 3 / 2);
        var pairArc = new int[pairs];
        var pairHead = new int[pairs];
        var groupArc = new List<int>();
        var groupTail = new List<int>();
        var groupHead = new List<int>();
        var next = reviewers + proposals;
        var perInstitution = new Dictionary<int, int>();
        var hasCandidates = new bool[reviewers];
        for (var p = 0; p < proposals; p++)
        {
            var pNode = ProposalNode(c, p);
            perInstitution.Clear();
            for (var i = c.Offsets[p]; i < c.Offsets[p + 1]; i++)
            {
                var inst = c.ReviewerInstitution[c.Reviewer[i]];
                perInstitution[inst] = perInstitution.GetValueOrDefault(inst) + 1;
            }
            // Institutions with two or more candidates get a node (count becomes −node so it is looked up once).
            foreach (var (inst, count) in perInstitution.ToArray())
            {
                if (count >= 2)
                {
                    var g = next++;
                    perInstitution[inst] = -g;
                    groupArc.Add(solver.AddArcWithCapacityAndUnitCost(g, pNode, scale, 0));
                    groupTail.Add(g);
                    groupHead.Add(pNode);
                }
            }
            for (var i = c.Offsets[p]; i < c.Offsets[p + 1]; i++)
            {
                var r = c.Reviewer[i];
                var slot = perInstitution[c.ReviewerInstitution[r]];
                var head = slot < 0 ? -slot : pNode;
                pairHead[i] = head;
                pairArc[i] = solver.AddArcWithCapacityAndUnitCost(r, head, pairCapacity, Affinity.Max - c.Score[i]);
                hasCandidates[r] = true;
            }
            solver.SetNodeSupply(pNode, -c.Spec.PerProposal * scale);
        }
        for (var r = 0; r < reviewers; r++)
        {
            if (hasCandidates[r])
            {
                solver.SetNodeSupply(r, c.Reviewers[r].MaxLoad * scale);
            }
        }
        return new FlowNetwork
        {
            Solver = solver,
            PairArc = pairArc,
            PairHead = pairHead,
            GroupArc = [.. groupArc],
            GroupTail = [.. groupTail],
            GroupHead = [.. groupHead],
            NodeCount = next,
        };
    }

    public void Dispose() => Solver.Dispose();
}

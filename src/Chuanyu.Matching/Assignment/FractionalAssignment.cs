using System.Diagnostics;
using Google.OrTools.Graph;

namespace Chuanyu.Matching.Assignment;

/// <summary>
/// Randomised assignment with a cap q on every pair's probability (Jecmen et al. 2020, "Mitigating manipulation in
/// peer review via randomized reviewer assignments", as in OpenReview's randomized assignment):
/// <list type="number">
/// <item>Fractional optimum: the same network as the optimum with every quantity multiplied by D (the smallest
/// D ≤ 10,000 with q·D an integer; otherwise D = 10,000 and the cap is ⌊q·D⌋, never above q) and each pair arc's
/// capacity q·D instead of D. Flow x on a pair arc means probability x / D.</item>
/// <item>Dependent rounding (<see cref="Sample"/>): close the flow into a circulation (source → expert, proposal → sink,
/// sink → source); while some arc's flow is not a multiple of D, find a cycle of such arcs (every node has zero or at
/// least two of them, because all balances are multiples of D), and shift +δ₁ around it with probability
/// δ₂ / (δ₁ + δ₂), else −δ₂, where δ₁, δ₂ are the largest shifts that keep every arc of the cycle between the
/// multiples of D around its flow; at least one arc becomes a multiple of D each time. Every arc's expectation is
/// unchanged, so each pair is assigned with exactly its fractional probability (≤ q), and every arc ends at the
/// floor or ceiling of its fractional flow: loads stay ≤ MaxLoad, at most one expert per institution per proposal,
/// and a proposal whose fractional coverage is k gets exactly k.</item>
/// </list>
/// </summary>
public sealed class FractionalAssignment
{
    private readonly CandidateSet _c;
    private readonly long _scale;
    private readonly long[] _pairFlow;
    private readonly int[] _pairHead;
    private readonly long[] _groupFlow;
    private readonly int[] _groupTail;
    private readonly int[] _groupHead;
    private readonly int _nodes;
    private readonly TimeSpan _build;
    private readonly TimeSpan _solve;

    /// <summary>OR-Tools' status of the fractional solve.</summary>
    public string SolverStatus { get; }

    /// <summary>The scale D.</summary>
    public long Scale => _scale;

    /// <summary>The fractional optimum's total affinity: the expected total affinity of a sample.</summary>
    public double ExpectedAffinity { get; }

    private FractionalAssignment(CandidateSet c, long scale, long[] pairFlow, int[] pairHead, long[] groupFlow, int[] groupTail, int[] groupHead,
        int nodes, string status, TimeSpan build, TimeSpan solve)
    {
        _c = c;
        _scale = scale;
        _pairFlow = pairFlow;
        _pairHead = pairHead;
        _groupFlow = groupFlow;
        _groupTail = groupTail;
        _groupHead = groupHead;
        _nodes = nodes;
        SolverStatus = status;
        _build = build;
        _solve = solve;
        double expected = 0;
        for (var i = 0; i < pairFlow.Length; i++)
        {
            expected += (double)c.Score[i] * pairFlow[i] / scale;
        }
        ExpectedAffinity = expected;
    }

    /// <summary>The smallest D ≤ 10,000 with q·D integral, and the pair capacity q·D (rounded down when none is).</summary>
    internal static (long Scale, long PairCapacity) ScaleFor(double q)
    {
        const int limit = 10_000;
        for (long d = 1; d <= limit; d++)
        {
            var x = q * d;
            if (Math.Abs(x - Math.Round(x)) <= 1e-9 * d)
            {
                return (d, (long)Math.Round(x));
            }
        }
        return (limit, (long)Math.Floor(q * limit));
    }

    /// <summary>Solves the fractional problem of <paramref name="candidates"/> (its spec must set MaxPairProbability).</summary>
    public static FractionalAssignment Solve(CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var q = candidates.Spec.MaxPairProbability ?? throw new ArgumentException("the spec sets no MaxPairProbability", nameof(candidates));
        var (scale, cap) = ScaleFor(q);
        var clock = Stopwatch.StartNew();
        using var network = FlowNetwork.Build(candidates, scale, cap);
        var build = clock.Elapsed;
        clock.Restart();
        var status = network.Solver.SolveMaxFlowWithMinCost();
        var solve = clock.Elapsed;
        var ok = status == MinCostFlowBase.Status.OPTIMAL;
        var pairFlow = new long[candidates.PairCount];
        for (var i = 0; ok && i < pairFlow.Length; i++)
        {
            pairFlow[i] = network.Solver.Flow(network.PairArc[i]);
        }
        var groupFlow = new long[network.GroupArc.Length];
        for (var g = 0; ok && g < groupFlow.Length; g++)
        {
            groupFlow[g] = network.Solver.Flow(network.GroupArc[g]);
        }
        return new FractionalAssignment(candidates, scale, pairFlow, network.PairHead, groupFlow, network.GroupTail, network.GroupHead,
            network.NodeCount, status.ToString(), build, solve);
    }

    /// <summary>The probability of every candidate pair with a positive one.</summary>
    public IReadOnlyList<(string ProposalId, string ReviewerId, double Probability)> Marginals()
    {
        var list = new List<(string, string, double)>();
        for (var p = 0; p < _c.Proposals.Length; p++)
        {
            for (var i = _c.Offsets[p]; i < _c.Offsets[p + 1]; i++)
            {
                if (_pairFlow[i] > 0)
                {
                    list.Add((_c.Proposals[p].Id, _c.Reviewers[_c.Reviewer[i]].Id, (double)_pairFlow[i] / _scale));
                }
            }
        }
        return list;
    }

    /// <summary>One integral assignment drawn by dependent rounding; the same seed gives the same assignment.</summary>
    public AssignmentResult Sample(int seed)
    {
        var clock = Stopwatch.StartNew();
        var rounding = new Rounding(this);
        rounding.Run(new Random(seed));
        var chosen = new bool[_pairFlow.Length];
        for (var i = 0; i < chosen.Length; i++)
        {
            chosen[i] = rounding.Flow[i] == _scale;
        }
        var result = ExpertAssigner.Result(_c, AssignmentMethod.Randomized, chosen, SolverStatus, new AssignmentTimings(_c.Elapsed, _build, _solve, clock.Elapsed));
        return result with { ExpectedAffinity = ExpectedAffinity };
    }

    /// <summary>The circulation and the cycle walk of one sample.</summary>
    private sealed class Rounding
    {
        public readonly long[] Flow;
        private readonly int[] _tail;
        private readonly int[] _head;
        private readonly List<int>[] _adjacent;
        private readonly long _d;

        public Rounding(FractionalAssignment f)
        {
            var c = f._c;
            _d = f._scale;
            var source = f._nodes;
            var sink = f._nodes + 1;
            var reviewers = c.Reviewers.Length;
            var proposals = c.Proposals.Length;
            var pairs = f._pairFlow.Length;
            var groups = f._groupFlow.Length;
            // Arcs: pairs, groups, source → expert, proposal → sink, sink → source.
            var arcs = pairs + groups + reviewers + proposals + 1;
            Flow = new long[arcs];
            _tail = new int[arcs];
            _head = new int[arcs];
            var a = 0;
            var outOf = new long[reviewers];
            var into = new long[proposals];
            for (var p = 0; p < proposals; p++)
            {
                for (var i = c.Offsets[p]; i < c.Offsets[p + 1]; i++, a++)
                {
                    var r = c.Reviewer[i];
                    (_tail[a], _head[a], Flow[a]) = (r, f._pairHead[i], f._pairFlow[i]);
                    outOf[r] += f._pairFlow[i];
                    if (f._pairHead[i] == FlowNetwork.ProposalNode(c, p))
                    {
                        into[p] += f._pairFlow[i];
                    }
                }
            }
            for (var g = 0; g < groups; g++, a++)
            {
                (_tail[a], _head[a], Flow[a]) = (f._groupTail[g], f._groupHead[g], f._groupFlow[g]);
                into[f._groupHead[g] - reviewers] += f._groupFlow[g];
            }
            long total = 0;
            for (var r = 0; r < reviewers; r++, a++)
            {
                (_tail[a], _head[a], Flow[a]) = (source, r, outOf[r]);
                total += outOf[r];
            }
            for (var p = 0; p < proposals; p++, a++)
            {
                (_tail[a], _head[a], Flow[a]) = (reviewers + p, sink, into[p]);
            }
            (_tail[a], _head[a], Flow[a]) = (sink, source, total);
            _adjacent = new List<int>[f._nodes + 2];
            for (var arc = 0; arc < arcs; arc++)
            {
                if (Fractional(arc))
                {
                    (_adjacent[_tail[arc]] ??= []).Add(arc);
                    (_adjacent[_head[arc]] ??= []).Add(arc);
                }
            }
        }

        private bool Fractional(int arc) => Flow[arc] % _d != 0;

        /// <summary>A fractional arc at <paramref name="v"/> other than <paramref name="except"/>; drops integral ones on the way.</summary>
        private int NextArc(int v, int except)
        {
            var list = _adjacent[v];
            if (list is null)
            {
                return -1;
            }
            for (var i = list.Count - 1; i >= 0; i--)
            {
                var arc = list[i];
                if (!Fractional(arc))
                {
                    list[i] = list[^1];
                    list.RemoveAt(list.Count - 1);
                    continue;
                }
                if (arc != except)
                {
                    return arc;
                }
            }
            return -1;
        }

        public void Run(Random random)
        {
            var position = new int[_adjacent.Length];
            Array.Fill(position, -1);
            var pathNodes = new List<int>();
            var pathArcs = new List<int>();
            var cycle = new List<(int Arc, bool Forward)>();
            for (var start = 0; start < _adjacent.Length; start++)
            {
                pathNodes.Add(start);
                position[start] = 0;
                while (pathNodes.Count > 0)
                {
                    var v = pathNodes[^1];
                    var arrival = pathArcs.Count > 0 ? pathArcs[^1] : -1;
                    var arc = NextArc(v, arrival);
                    if (arc < 0)
                    {
                        if (pathNodes.Count > 1)
                        {
                            throw new InvalidOperationException("dependent rounding: a node with a single fractional arc (flow not conserved)");
                        }
                        position[v] = -1;
                        pathNodes.Clear();
                        continue;
                    }
                    var u = _tail[arc] == v ? _head[arc] : _tail[arc];
                    if (position[u] < 0)
                    {
                        position[u] = pathNodes.Count;
                        pathNodes.Add(u);
                        pathArcs.Add(arc);
                        continue;
                    }
                    // A cycle: path from u to v, then the arc back to u.
                    cycle.Clear();
                    for (var i = position[u]; i < pathArcs.Count; i++)
                    {
                        cycle.Add((pathArcs[i], _tail[pathArcs[i]] == pathNodes[i]));
                    }
                    cycle.Add((arc, _tail[arc] == v));
                    Shift(cycle, random);
                    for (var i = pathNodes.Count - 1; i > position[u]; i--)
                    {
                        position[pathNodes[i]] = -1;
                        pathNodes.RemoveAt(i);
                        pathArcs.RemoveAt(i - 1);
                    }
                }
            }
        }

        private void Shift(List<(int Arc, bool Forward)> cycle, Random random)
        {
            long up = long.MaxValue;
            long down = long.MaxValue;
            foreach (var (arc, forward) in cycle)
            {
                var below = Flow[arc] % _d;
                var above = _d - below;
                up = Math.Min(up, forward ? above : below);
                down = Math.Min(down, forward ? below : above);
            }
            // +up with probability down / (up + down), −down otherwise: the expected shift is 0.
            var delta = random.NextInt64(up + down) < down ? up : -down;
            foreach (var (arc, forward) in cycle)
            {
                Flow[arc] += forward ? delta : -delta;
            }
        }
    }
}

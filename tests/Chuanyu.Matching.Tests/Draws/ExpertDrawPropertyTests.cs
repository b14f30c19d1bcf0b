using Chuanyu.Matching.Draws;

namespace Chuanyu.Matching.Tests.Draws;

/// <summary>Properties of the draw over many random pools (fixed generator seeds, so every run checks the same pools).</summary>
public class ExpertDrawPropertyTests
{
    private const int Iterations = 1500;

    /// <summary>A small random pool and a spec that may or may not be satisfiable on it.</summary>
    private static (List<DrawCandidate> Pool, PanelSpec Spec, byte[] Seed) Case(Random random)
    {
        var size = random.Next(1, 13);
        var pool = Pools.Random(random, size, random.Next(1, size + 1), random.NextDouble(), random.NextDouble());
        var panel = random.Next(1, 6);
        var spec = new PanelSpec(panel, random.Next(0, 4), random.Next(0, panel + 1), Pools.Chongqing, random.Next(0, panel + 1), random.Next(4) > 0);
        return (pool, spec, Pools.Seed(random));
    }

    /// <summary>Brute force: does any panel of the spec's size exist in the pool?</summary>
    private static bool Feasible(List<DrawCandidate> pool, PanelSpec spec) =>
        Subsets(pool.Count, spec.PanelSize).Any(s => Valid(s.Select(i => pool[i]).ToList(), spec));

    private static bool Valid(IReadOnlyList<DrawCandidate> panel, PanelSpec spec) =>
        panel.Count(p => p.Senior) >= spec.MinSenior
        && panel.Count(p => ExpertDraw.IsOtherRegion(p, spec)) >= spec.MinOtherRegion
        && (!spec.OnePerInstitution || panel.Select(p => p.Institution).Distinct(StringComparer.Ordinal).Count() == panel.Count);

    private static IEnumerable<int[]> Subsets(int n, int k)
    {
        if (k > n)
        {
            yield break;
        }
        var pick = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return pick;
            var i = k - 1;
            while (i >= 0 && pick[i] == n - k + i)
            {
                i--;
            }
            if (i < 0)
            {
                yield break;
            }
            pick[i]++;
            for (var j = i + 1; j < k; j++)
            {
                pick[j] = pick[j - 1] + 1;
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestHashes.Ids), MemberType = typeof(TestHashes))]
    public void Panel_IsCompleteAndValid_ExactlyWhenThePoolAllowsIt(string hashId)
    {
        var hash = TestHashes.ById(hashId)!;
        var random = new Random(20261207);
        var infeasible = 0;
        for (var n = 0; n < Iterations; n++)
        {
            var (pool, spec, seed) = Case(random);
            var outcome = ExpertDraw.Run(pool, spec, seed, hash);
            if (Feasible(pool, spec))
            {
                Assert.Null(outcome.Shortfall);
                Assert.Equal(spec.PanelSize, outcome.Panel.Count);
                Assert.True(Valid(outcome.Panel, spec), $"case {n}: the panel breaks the spec");
            }
            else
            {
                infeasible++;
                Assert.NotNull(outcome.Shortfall);
                Assert.True(outcome.Panel.Count < spec.PanelSize);
            }
        }
        // Both branches were exercised.
        Assert.InRange(infeasible, 1, Iterations - 1);
    }

    [Fact]
    public void PanelAndAlternates_NeverShareAnInstitution_NorHoldAnIdOffTheList()
    {
        var random = new Random(7);
        for (var n = 0; n < Iterations; n++)
        {
            var (pool, spec, seed) = Case(random);
            spec = spec with { OnePerInstitution = true };
            var outcome = ExpertDraw.Run(pool, spec, seed, TestHashes.Sha256);
            var drawn = outcome.Panel.Concat(outcome.Alternates).ToList();
            Assert.Equal(drawn.Count, drawn.Select(d => d.Institution).Distinct(StringComparer.Ordinal).Count());
            Assert.All(drawn, d => Assert.Contains(d, pool));
            Assert.Equal(drawn.Count, drawn.Distinct().Count());
            Assert.True(outcome.Alternates.Count <= spec.Alternates);
        }
    }

    [Fact]
    public void Draw_IsDeterministic_AndIndependentOfTheListsOrder()
    {
        var random = new Random(8);
        for (var n = 0; n < 300; n++)
        {
            var pool = Pools.Random(random, random.Next(1, 200), random.Next(1, 100));
            var size = random.Next(1, 10);
            var spec = new PanelSpec(size, random.Next(0, 5), random.Next(0, size + 1), Pools.Chongqing, random.Next(0, size + 1), random.Next(2) == 0);
            var seed = Pools.Seed(random);
            var first = ExpertDraw.Run(pool, spec, seed, TestHashes.Sm3);
            var again = ExpertDraw.Run(pool, spec, seed, TestHashes.Sm3);
            var shuffled = pool.ToArray();
            random.Shuffle(shuffled);
            var reordered = ExpertDraw.Run(shuffled, spec, seed, TestHashes.Sm3);
            foreach (var other in new[] { again, reordered })
            {
                Assert.Equal(first.Panel, other.Panel);
                Assert.Equal(first.Alternates, other.Alternates);
                Assert.Equal(first.Shortfall, other.Shortfall);
            }
            Assert.Equal(ExpertDraw.CandidateListHash(pool, TestHashes.Sm3), ExpertDraw.CandidateListHash(shuffled, TestHashes.Sm3));
        }
    }

    [Fact]
    public void DifferentSeeds_DrawEveryEligibleCandidateSometime()
    {
        var random = new Random(9);
        for (var n = 0; n < 20; n++)
        {
            var pool = Pools.Random(random, 10, 7);
            var spec = new PanelSpec(3, 1, 2, Pools.Chongqing, 1, true);
            if (!Feasible(pool, spec))
            {
                continue;
            }
            // Eligible: on at least one valid panel. Each such candidate is drawn whenever its key comes first (p ≥ 1/10).
            var eligible = pool.Where(c => Subsets(pool.Count, spec.PanelSize)
                .Any(s => s.Select(i => pool[i]).Contains(c) && Valid(s.Select(i => pool[i]).ToList(), spec))).ToHashSet();
            var drawn = new HashSet<DrawCandidate>();
            var panels = new HashSet<string>(StringComparer.Ordinal);
            for (var s = 0; s < 600; s++)
            {
                var outcome = ExpertDraw.Run(pool, spec, Pools.Seed(random), TestHashes.Sha256);
                drawn.UnionWith(outcome.Panel);
                panels.Add(string.Join(',', outcome.Panel.Select(p => p.Id).Order(StringComparer.Ordinal)));
            }
            Assert.Equal(eligible.OrderBy(c => c.Id, StringComparer.Ordinal), drawn.OrderBy(c => c.Id, StringComparer.Ordinal));
            Assert.True(panels.Count > 1 || eligible.Count == spec.PanelSize);
        }
    }

    [Fact]
    public void Substitute_KeepsThePanelValid_WheneverItPicksSomeone()
    {
        var random = new Random(10);
        for (var n = 0; n < Iterations; n++)
        {
            var (pool, spec, seed) = Case(random);
            var outcome = ExpertDraw.Run(pool, spec, seed, TestHashes.Sha256);
            if (outcome.Shortfall is not null)
            {
                continue;
            }
            var declined = outcome.Panel[random.Next(outcome.Panel.Count)];
            var panelNow = outcome.Panel.Where(p => p != declined).ToList();
            var pick = ExpertDraw.Substitute(panelNow, outcome.Alternates, spec);
            var fitting = outcome.Alternates.Where(a => Valid([.. panelNow, a], spec)).ToList();
            Assert.Equal(fitting.FirstOrDefault(), pick);
        }
    }
}

using System.Text;
using Chuanyu.Matching.Draws;

namespace Chuanyu.Matching.Tests.Draws;

public class ExpertDrawTests
{
    private static readonly PanelSpec Spec = new(5, 2, 3, Pools.Chongqing, 1, true);

    [Fact]
    public void Sm3_MatchesTheStandardsTestVector()
    {
        // GB/T 32905-2016, Appendix A.1: SM3("abc").
        var digest = TestHashes.Sm3.Compute(Encoding.ASCII.GetBytes("abc"));
        Assert.Equal("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void CandidateListHash_IsTheHashOfTheSortedTabSeparatedLines()
    {
        var list = new[]
        {
            new DrawCandidate("b", "i2", Pools.Sichuan, false),
            new DrawCandidate("a", "i1", Pools.Chongqing, true),
        };
        var expected = Convert.ToHexStringLower(TestHashes.Sha256.Compute(Encoding.UTF8.GetBytes("a\ti1\t500000\t1\nb\ti2\t510000\t0\n")));
        Assert.Equal(expected, ExpertDraw.CandidateListHash(list, TestHashes.Sha256));
        Assert.Equal(expected, ExpertDraw.CandidateListHash(list.Reverse(), TestHashes.Sha256));
    }

    [Theory]
    [InlineData("a\tb", "i", "500000")]
    [InlineData("a", "i\n", "500000")]
    [InlineData("a", "i", "500000\r")]
    public void CandidateListHash_RefusesTabsAndLineBreaks(string id, string institution, string region)
    {
        Assert.Throws<ArgumentException>(() => ExpertDraw.CandidateListHash([new DrawCandidate(id, institution, region, true)], TestHashes.Sha256));
    }

    [Fact]
    public void CandidateListHash_And_Run_RefuseDuplicateIds()
    {
        DrawCandidate[] list = [new("a", "i1", Pools.Chongqing, true), new("a", "i2", Pools.Chongqing, true)];
        Assert.Throws<ArgumentException>(() => ExpertDraw.CandidateListHash(list, TestHashes.Sha256));
        Assert.Throws<ArgumentException>(() => ExpertDraw.Run(list, new PanelSpec(1, 0, 0, Pools.Chongqing, 0, false), new byte[32], TestHashes.Sha256));
    }

    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(3, -1, 0, 0)]
    [InlineData(3, 0, 4, 0)]
    [InlineData(3, 0, 0, 4)]
    [InlineData(3, 0, -1, 0)]
    public void Run_RefusesAnInvalidSpec(int size, int alternates, int senior, int other)
    {
        var spec = new PanelSpec(size, alternates, senior, Pools.Chongqing, other, true);
        Assert.Throws<ArgumentException>(() => ExpertDraw.Run([], spec, new byte[32], TestHashes.Sha256));
    }

    [Fact]
    public void NewSeed_Is32RandomBytes_AndTheCommitmentIsItsHash()
    {
        var a = ExpertDraw.NewSeed();
        var b = ExpertDraw.NewSeed();
        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, b);
        Assert.Equal(Convert.ToHexStringLower(TestHashes.Sm3.Compute(a)), ExpertDraw.Commitment(a, TestHashes.Sm3));
    }

    [Fact]
    public void Run_WalksInKeyOrder_TakingTheFirstCandidatesThatFit()
    {
        var random = new Random(11);
        var pool = Pools.Random(random, 40, 1_000_000, seniorShare: 1, otherShare: 1);
        var seed = Pools.Seed(random);
        var spec = new PanelSpec(4, 3, 0, Pools.Chongqing, 0, true);
        var outcome = ExpertDraw.Run(pool, spec, seed, TestHashes.Sha256);
        // No constraint binds (all distinct institutions, no minimums): the panel is the first four by key, the alternates the next three.
        var byKey = pool.OrderBy(c => Convert.ToHexStringLower(ExpertDraw.Key(seed, c.Id, TestHashes.Sha256)), StringComparer.Ordinal).ToList();
        Assert.Equal(byKey.Take(4), outcome.Panel);
        Assert.Equal(byKey.Skip(4).Take(3), outcome.Alternates);
        Assert.Null(outcome.Shortfall);
    }

    [Fact]
    public void Run_LooksAheadWhenTwoMinimumsCompete()
    {
        // Two seats, one senior and one from the other region wanted, nobody is both: the greedy "each need alone
        // still fits" rule would seat a home junior first and then fail; the walk must leave it out.
        DrawCandidate[] pool =
        [
            new("junior-home", "i1", Pools.Chongqing, false),
            new("senior-home", "i2", Pools.Chongqing, true),
            new("junior-other", "i3", Pools.Sichuan, false),
        ];
        var spec = new PanelSpec(2, 1, 1, Pools.Chongqing, 1, true);
        for (var s = 0; s < 30; s++)
        {
            var outcome = ExpertDraw.Run(pool, spec, [(byte)s], TestHashes.Sha256);
            Assert.Null(outcome.Shortfall);
            Assert.Equal(["junior-other", "senior-home"], outcome.Panel.Select(p => p.Id).Order(StringComparer.Ordinal));
            Assert.Equal("junior-home", Assert.Single(outcome.Alternates).Id);
        }
    }

    [Theory]
    [InlineData(4, 0, 0, DrawShortfall.TooFewCandidates)]
    [InlineData(2, 2, 0, DrawShortfall.TooFewSenior)]
    [InlineData(2, 0, 2, DrawShortfall.TooFewOtherRegion)]
    public void Run_ReportsTheNeedThatFailed(int size, int senior, int other, DrawShortfall expected)
    {
        DrawCandidate[] pool =
        [
            new("a", "i1", Pools.Chongqing, true),
            new("b", "i1", Pools.Sichuan, true),
            new("c", "i2", Pools.Chongqing, false),
            new("d", "i3", Pools.Sichuan, false),
        ];
        // i1 seats one expert only: at most one senior, and three institutions in all.
        var spec = new PanelSpec(size, 0, senior, Pools.Chongqing, other == 2 ? 2 : other, true);
        var outcome = ExpertDraw.Run(pool, spec, new byte[32], TestHashes.Sha256);
        if (expected == DrawShortfall.TooFewOtherRegion)
        {
            // Two other-region experts exist (b at i1, d at i3): this one is feasible, so check a pool without d.
            outcome = ExpertDraw.Run(pool.Where(c => c.Id != "d").ToList(), spec, new byte[32], TestHashes.Sha256);
        }
        Assert.Equal(expected, outcome.Shortfall);
        Assert.True(outcome.Panel.Count < size);
    }

    [Fact]
    public void Substitute_PicksTheFirstAlternateThatKeepsThePanelValid()
    {
        var spec = new PanelSpec(3, 3, 2, Pools.Chongqing, 1, true);
        DrawCandidate[] panelNow = [new("p1", "i1", Pools.Sichuan, true), new("p2", "i2", Pools.Chongqing, false)];
        DrawCandidate[] alternates =
        [
            new("a1", "i1", Pools.Chongqing, true), // institution already on the panel
            new("a2", "i4", Pools.Chongqing, false), // the panel would have one senior, two are needed
            new("a3", "i5", Pools.Chongqing, true),
        ];
        Assert.Equal("a3", ExpertDraw.Substitute(panelNow, alternates, spec)?.Id);
        Assert.Null(ExpertDraw.Substitute(panelNow, alternates[..2], spec));
        Assert.Equal("a1", ExpertDraw.Substitute(panelNow, alternates, spec with { OnePerInstitution = false })?.Id);
    }

    [Theory]
    [MemberData(nameof(TestHashes.Ids), MemberType = typeof(TestHashes))]
    public void Run_Handles100000Candidates(string hashId)
    {
        var random = new Random(5);
        var pool = Pools.Random(random, 100_000, 3_000, seniorShare: 0.9, otherShare: 0.5);
        var outcome = ExpertDraw.Run(pool, new PanelSpec(9, 3, 6, Pools.Chongqing, 3, true), Pools.Seed(random), TestHashes.ById(hashId)!);
        Assert.Null(outcome.Shortfall);
        Assert.Equal(9, outcome.Panel.Count);
        Assert.Equal(3, outcome.Alternates.Count);
    }
}

using Chuanyu.Matching.Draws;

namespace Chuanyu.Matching.Tests.Draws;

/// <summary>
/// The draw walks a lazily produced order (a heap over the keys) instead of a full sort: it must be the sorted order of
/// docs/expert-draws.md position for position, and the span hash must give the same draw as the array one.
/// </summary>
public sealed class LazyKeyOrderTests
{
    [Theory]
    [InlineData("sha256")]
    [InlineData("sm3")]
    public void LazyOrder_IsTheSortedKeyOrder(string hashId)
    {
        var random = new Random(4711);
        var hash = TestHashes.ById(hashId)!;
        foreach (var size in new[] { 0, 1, 2, 7, 64, 1_000 })
        {
            var pool = Pools.Random(random, size, Math.Max(size / 5, 1));
            var seed = Pools.Seed(random);
            var sorted = ExpertDraw.KeyOrder(pool, seed, hash);
            var lazy = new ExpertDraw.LazyKeyOrder(pool, seed, hash);
            Assert.Equal(sorted.Count, lazy.Count);
            // Out of order access too: the order is popped up to the position asked for, then read back.
            if (size > 3)
            {
                Assert.Same(sorted[3], lazy[3]);
            }
            for (var i = 0; i < sorted.Count; i++)
            {
                Assert.Same(sorted[i], lazy[i]);
            }
        }
    }

    [Fact]
    public void SpanHash_DrawsTheSamePanel_AsTheArrayHash()
    {
        var random = new Random(815);
        var spec = new PanelSpec(9, 3, 6, Pools.Chongqing, 2, true);
        var into = TestHashes.Sha256 with { ComputeInto = static (data, digest) => System.Security.Cryptography.SHA256.HashData(data, digest) };
        for (var run = 0; run < 20; run++)
        {
            var pool = Pools.Random(random, 500, 60);
            var seed = Pools.Seed(random);
            var plain = ExpertDraw.Run(pool, spec, seed, TestHashes.Sha256);
            var spans = ExpertDraw.Run(pool, spec, seed, into);
            Assert.Equal(plain.Panel.Select(c => c.Id), spans.Panel.Select(c => c.Id));
            Assert.Equal(plain.Alternates.Select(c => c.Id), spans.Alternates.Select(c => c.Id));
            Assert.Equal(9, plain.Panel.Count);
        }
    }

    [Fact]
    public void ListHash_IsTheSame_WhetherTheListComesSortedOrNot()
    {
        var random = new Random(99);
        var pool = Pools.Random(random, 300, 40);
        var sorted = pool.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(ExpertDraw.CandidateListHash(pool, TestHashes.Sm3), ExpertDraw.CandidateListHash(sorted, TestHashes.Sm3));
        Assert.Throws<ArgumentException>(() => ExpertDraw.CandidateListHash([.. sorted, sorted[^1]], TestHashes.Sm3));
        var spec = new PanelSpec(1, 0, 0, Pools.Chongqing, 0, false);
        Assert.Throws<ArgumentException>(() => ExpertDraw.Run([.. sorted, sorted[0]], spec, Pools.Seed(random), TestHashes.Sm3));
        Assert.Throws<ArgumentException>(() => ExpertDraw.Run([.. sorted, sorted[^1]], spec, Pools.Seed(random), TestHashes.Sm3));
    }
}

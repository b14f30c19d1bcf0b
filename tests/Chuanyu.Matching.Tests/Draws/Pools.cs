using System.Globalization;
using Chuanyu.Matching.Draws;

namespace Chuanyu.Matching.Tests.Draws;

/// <summary>Random candidate pools from a seeded <see cref="Random"/>, so every run draws the same pools.</summary>
internal static class Pools
{
    public const string Chongqing = "500000";
    public const string Sichuan = "510000";

    /// <summary>A pool of <paramref name="size"/> candidates over <paramref name="institutions"/> institutions.</summary>
    public static List<DrawCandidate> Random(Random random, int size, int institutions, double seniorShare = 0.6, double otherShare = 0.4)
    {
        var pool = new List<DrawCandidate>(size);
        for (var i = 0; i < size; i++)
        {
            pool.Add(new DrawCandidate(
                Id(random),
                "inst-" + random.Next(institutions).ToString(CultureInfo.InvariantCulture),
                random.NextDouble() < otherShare ? Sichuan : Chongqing,
                random.NextDouble() < seniorShare));
        }
        return pool;
    }

    /// <summary>A lower-case GUID from the seeded generator (Guid.NewGuid would make the pools differ between runs).</summary>
    public static string Id(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString("D");
    }

    public static byte[] Seed(Random random)
    {
        var seed = new byte[32];
        random.NextBytes(seed);
        return seed;
    }
}

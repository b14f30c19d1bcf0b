using System.Diagnostics;
using System.Globalization;
using Chuanyu.Matching.Draws;
using Chuanyu.Web.Infrastructure.Crypto;

namespace Chuanyu.Bench;

public sealed record DrawAlgorithmOptions(int Reps, int RepsLarge, int Seed)
{
    public static DrawAlgorithmOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new DrawAlgorithmOptions(200, 200, 42);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }
            var n = int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 100_000 ? v
                : throw new ArgumentException($"{name} must be 1–100000");
            o = name switch
            {
                "--reps" => o with { Reps = n },
                "--reps-large" => o with { RepsLarge = n },
                "--seed" => o with { Seed = n },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return o;
    }
}

/// <summary>
/// The draw algorithm alone (<see cref="ExpertDraw.Run"/>: keys, sort, panel and alternates walks), in process, over
/// synthetic pools of 2,000 and 100,000 candidates with the platform's SHA-256 and SM3 (docs/expert-draws.md, "Speed").
/// A fresh seed each run, as every real draw has.
/// </summary>
public static class DrawAlgorithmBench
{
    public static int Run(DrawAlgorithmOptions o)
    {
        var spec = new PanelSpec(9, 3, 6, "500000", 3, true);
        Console.WriteLine("| candidates | hash | runs | p50 ms | p95 ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var size in new[] { 2_000, 100_000 })
        {
            var random = new Random(o.Seed);
            var pool = Enumerable.Range(0, size).Select(i => new DrawCandidate(
                new Guid(Bytes(random, 16)).ToString("D"),
                "org-" + random.Next(Math.Max(size / 30, 10)).ToString(CultureInfo.InvariantCulture),
                random.Next(2) == 0 ? "510000" : "500000",
                random.NextDouble() < 0.9)).ToList();
            foreach (var hashId in new[] { Hashes.Sha256, Hashes.Sm3 })
            {
                var hash = new DrawHash(hashId, bytes => Hashes.Hash(hashId, bytes));
                var reps = size > 10_000 ? o.RepsLarge : o.Reps;
                ExpertDraw.Run(pool, spec, Bytes(random, 32), hash); // warm-up, not counted
                var times = new double[reps];
                for (var r = 0; r < reps; r++)
                {
                    var seed = Bytes(random, 32);
                    var watch = Stopwatch.StartNew();
                    var outcome = ExpertDraw.Run(pool, spec, seed, hash);
                    times[r] = watch.Elapsed.TotalMilliseconds;
                    if (outcome.Shortfall is not null)
                    {
                        throw new InvalidOperationException("the synthetic pool should always fill the panel");
                    }
                }
                Array.Sort(times);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size:N0} | {hashId} | {reps} | {Pct(times, 0.50):F1} | {Pct(times, 0.95):F1} | {times[^1]:F1} |"));
            }
        }
        return 0;
    }

    private static double Pct(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static byte[] Bytes(Random random, int n)
    {
        var b = new byte[n];
        random.NextBytes(b);
        return b;
    }
}

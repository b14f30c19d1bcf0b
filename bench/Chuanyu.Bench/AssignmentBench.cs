using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chuanyu.Matching.Assignment;
using Chuanyu.Web.Features.Experts;

namespace Chuanyu.Bench;

public sealed record AssignmentBenchOptions(int Proposals, int Experts, int K, int Load, int Top, int Seed, double? Randomized, int Institutions,
    string? Out)
{
    public static AssignmentBenchOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new AssignmentBenchOptions(10_000, 30_000, 5, 15, 200, 42, null, 3_000, null);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }
            var value = args[++i];
            o = name switch
            {
                "--proposals" => o with { Proposals = Positive(name, value) },
                "--experts" => o with { Experts = Positive(name, value) },
                "--k" => o with { K = Positive(name, value) },
                "--load" => o with { Load = Positive(name, value) },
                "--top" => o with { Top = Positive(name, value) },
                "--institutions" => o with { Institutions = Positive(name, value) },
                "--seed" => o with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--randomized" => o with { Randomized = double.Parse(value, CultureInfo.InvariantCulture) },
                "--out" => o with { Out = value },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return o;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive integer");
}

/// <summary>
/// Bulk assignment benchmark (docs/expert-assignment.md): a synthetic call of N proposals and M experts with real
/// GB/T 13745 codes drawn from a skewed (Zipf) distribution, ~3,000 institutions of skewed size, keywords from
/// per-discipline vocabularies, 1–3 applicant institutions per proposal and two declared conflicts per proposal;
/// times candidate generation, graph build and solve of the optimum, then the greedy baseline (and with
/// --randomized q the randomised mode) on the same candidates.
/// </summary>
public static class AssignmentBench
{
    public static Task<int> RunAsync(AssignmentBenchOptions o)
    {
        var report = new StringBuilder();
        void Line(string text)
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }
        var inv = CultureInfo.InvariantCulture;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        Line(string.Create(inv, $"assignment --proposals {o.Proposals} --experts {o.Experts} --k {o.K} --load {o.Load} --top {o.Top} --seed {o.Seed}{(o.Randomized is { } q0 ? $" --randomized {q0}" : "")}"));
        Line(string.Create(inv, $"machine: {Environment.ProcessorCount} cores, load average at start {load}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));

        var clock = Stopwatch.StartNew();
        var (proposals, experts, conflicts) = Generate(o);
        Line(string.Create(inv, $"instance: {proposals.Length} proposals, {experts.Length} experts, {experts.Select(e => e.Institution).Distinct().Count()} institutions, {conflicts.Count} declared conflicts, generated in {clock.Elapsed.TotalSeconds:0.0} s"));

        var spec = new AssignmentSpec(o.K, o.Top, conflicts, o.Randomized, o.Seed);
        var candidates = CandidateSet.Build(proposals, experts, spec);
        var all = (double)proposals.Length * experts.Length;
        Line(string.Create(inv, $"candidates: {candidates.PairCount:N0} pairs (top {o.Top}), {candidates.ScoredPairs:N0} pairs scored through the indexes = {candidates.ScoredPairs / all:P1} of all {all:N0}, {candidates.Elapsed.TotalSeconds:0.00} s"));

        var optimal = ExpertAssigner.Optimal(candidates);
        var t = optimal.Timings;
        Line(string.Create(inv, $"optimal: status {optimal.SolverStatus}, {optimal.Pairs.Count:N0} pairs, total affinity {optimal.TotalAffinity:N0} (mean {Mean(optimal):0.0}/1000, mean rank {optimal.Pairs.Average(x => x.Rank):0.0}), {optimal.ShortProposals.Count} proposals short"));
        Line(string.Create(inv, $"  graph build {t.GraphBuild.TotalSeconds:0.00} s, solve {t.Solve.TotalSeconds:0.00} s; candidates + build + solve = {(t.Candidates + t.GraphBuild + t.Solve).TotalSeconds:0.00} s"));
        Reasons(optimal, Line);

        var greedy = ExpertAssigner.Greedy(candidates);
        Line(string.Create(inv, $"greedy: {greedy.Pairs.Count:N0} pairs, total affinity {greedy.TotalAffinity:N0} (mean {Mean(greedy):0.0}/1000), {greedy.ShortProposals.Count} proposals short, {greedy.Timings.Solve.TotalSeconds:0.00} s"));
        Line(string.Create(inv, $"optimal − greedy: {optimal.TotalAffinity - greedy.TotalAffinity:N0} affinity points ({(optimal.TotalAffinity - greedy.TotalAffinity) / (double)Math.Max(1, greedy.TotalAffinity):P2}), {optimal.Pairs.Count - greedy.Pairs.Count:N0} more pairs"));
        Reasons(greedy, Line);

        if (o.Randomized is { } q)
        {
            var randomized = ExpertAssigner.Randomized(candidates);
            var r = randomized.Timings;
            Line(string.Create(inv, $"randomized q = {q}: status {randomized.SolverStatus}, {randomized.Pairs.Count:N0} pairs, sampled affinity {randomized.TotalAffinity:N0}, expected {randomized.ExpectedAffinity:N0} ({randomized.ExpectedAffinity / Math.Max(1, optimal.TotalAffinity):P2} of the optimum), {randomized.ShortProposals.Count} short"));
            Line(string.Create(inv, $"  graph build {r.GraphBuild.TotalSeconds:0.00} s, solve {r.Solve.TotalSeconds:0.00} s, rounding {r.Rounding.TotalSeconds:0.00} s"));
        }

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var gc = GC.GetGCMemoryInfo();
        Line(string.Create(inv, $"memory: peak working set {self.PeakWorkingSet64 / 1024d / 1024:N0} MB (managed and OR-Tools' native), GC heap now {GC.GetTotalMemory(false) / 1024d / 1024:N0} MB, GC peak committed {gc.TotalCommittedBytes / 1024d / 1024:N0} MB, allocated in total {GC.GetTotalAllocatedBytes() / 1024d / 1024:N0} MB"));
        Line(string.Create(inv, $"wall clock of the whole run: {clock.Elapsed.TotalSeconds:0.0} s"));
        if (o.Out is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, "```\n" + report + "```\n");
        }
        return Task.FromResult(0);
    }

    private static double Mean(AssignmentResult r) => r.Pairs.Count == 0 ? 0 : (double)r.TotalAffinity / r.Pairs.Count;

    private static void Reasons(AssignmentResult r, Action<string> line)
    {
        foreach (var g in r.ShortProposals.GroupBy(s => s.Reason))
        {
            line(string.Create(CultureInfo.InvariantCulture, $"  short, {g.Key}: {g.Count()} (e.g. {g.First()})"));
        }
    }

    /// <summary>Zipf-like sampler: item i (0-based) with weight 1 / (i + 1)^s.</summary>
    private sealed class Zipf
    {
        private readonly double[] _cumulative;

        public Zipf(int n, double s)
        {
            _cumulative = new double[n];
            double sum = 0;
            for (var i = 0; i < n; i++)
            {
                sum += 1 / Math.Pow(i + 1, s);
                _cumulative[i] = sum;
            }
        }

        public int Next(Random random)
        {
            var x = random.NextDouble() * _cumulative[^1];
            var i = Array.BinarySearch(_cumulative, x);
            return i < 0 ? Math.Min(~i, _cumulative.Length - 1) : i;
        }
    }

    internal static (Proposal[] Proposals, Reviewer[] Experts, HashSet<(string, string)> Conflicts) Generate(AssignmentBenchOptions o)
    {
        var random = new Random(o.Seed);
        // Real second-level codes, in a seeded random order so the popular ones are spread over the first levels.
        var codes = DisciplineCodes.All.Where(d => d.Level == 2).Select(d => d.Code).OrderBy(_ => random.Next()).ToArray();
        var byFirst = codes.GroupBy(c => c[..3]).ToDictionary(g => g.Key, g => g.ToArray());
        var codeZipf = new Zipf(codes.Length, 1.0);
        var institutionZipf = new Zipf(o.Institutions, 0.8);
        // Vocabularies: 12 terms per second-level code, 30 per first-level code, 300 general ones.
        string Term(string scope, int j) => string.Create(CultureInfo.InvariantCulture, $"{scope}-t{j}");
        var termZipf12 = new Zipf(12, 0.7);
        var termZipf30 = new Zipf(30, 0.7);
        var generalZipf = new Zipf(300, 1.0);

        string[] Keywords(string code, int count)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            for (var tries = 0; set.Count < count && tries < 50; tries++)
            {
                var roll = random.Next(10);
                set.Add(roll < 5 ? Term(code, termZipf12.Next(random)) : roll < 8 ? Term(code[..3], termZipf30.Next(random)) : Term("g", generalZipf.Next(random)));
            }
            return [.. set];
        }

        string[] Disciplines(int count)
        {
            var primary = codes[codeZipf.Next(random)];
            var list = new List<string> { primary };
            while (list.Count < count)
            {
                var siblings = byFirst[primary[..3]];
                var next = random.Next(2) == 0 ? siblings[random.Next(siblings.Length)] : codes[codeZipf.Next(random)];
                if (!list.Contains(next))
                {
                    list.Add(next);
                }
            }
            return [.. list];
        }

        string Institution() => string.Create(CultureInfo.InvariantCulture, $"inst{institutionZipf.Next(random):D4}");

        var experts = new Reviewer[o.Experts];
        for (var e = 0; e < experts.Length; e++)
        {
            var ds = Disciplines(1 + random.Next(3));
            experts[e] = new Reviewer(string.Create(CultureInfo.InvariantCulture, $"e{e}"), Institution(), ds, Keywords(ds[0], 3 + random.Next(6)), o.Load);
        }
        var proposals = new Proposal[o.Proposals];
        for (var p = 0; p < proposals.Length; p++)
        {
            var ds = Disciplines(1 + random.Next(2));
            var applicants = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Institution()).Distinct().ToArray();
            proposals[p] = new Proposal(string.Create(CultureInfo.InvariantCulture, $"p{p}"), applicants, ds, Keywords(ds[0], 3 + random.Next(4)));
        }
        // Two declared conflicts per proposal, among experts of its primary code where there are some (they matter).
        var byCode = experts.Select((e, i) => (e, i)).GroupBy(x => x.e.Disciplines[0]).ToDictionary(g => g.Key, g => g.Select(x => x.i).ToArray());
        var conflicts = new HashSet<(string, string)>();
        foreach (var p in proposals)
        {
            var pool = byCode.GetValueOrDefault(p.Disciplines[0]) ?? [];
            for (var j = 0; j < 2; j++)
            {
                var e = pool.Length > 0 ? pool[random.Next(pool.Length)] : random.Next(experts.Length);
                conflicts.Add((experts[e].Id, p.Id));
            }
        }
        return (proposals, experts, conflicts);
    }
}

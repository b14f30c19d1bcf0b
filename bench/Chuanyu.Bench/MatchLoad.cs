using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chuanyu.Bench;

public sealed record MatchLoadOptions(int Experts, int Matches, int Warmup, string[] Engines, string? Postgres, string WorkDir, string PgDatabase, string? Out)
{
    public static MatchLoadOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new MatchLoadOptions(100_000, 50, 5, ["sqlite", "postgres"], Environment.GetEnvironmentVariable("CHUANYU_TEST_PG"),
            Path.Combine(Path.GetTempPath(), "chuanyu-match-load"), "chuanyu_match_load", null);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }
            var value = args[++i];
            int Int(int max) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max ? n
                : throw new ArgumentException($"{name} must be 1–{max}");
            o = name switch
            {
                "--experts" => o with { Experts = Int(1_000_000) },
                "--matches" => o with { Matches = Int(10_000) },
                "--warmup" => o with { Warmup = Int(100) },
                "--engines" => o with { Engines = value.Split(',') },
                "--pg" => o with { Postgres = value },
                "--dir" => o with { WorkDir = value },
                "--pg-db" => o with { PgDatabase = value },
                "--out" => o with { Out = value },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return o;
    }
}

/// <summary>
/// Matching a demand to experts (issue 16 point 8) over a pool of N experts: the draw-load database (filled the same way,
/// kept between runs in --dir / --pg-db), then <see cref="ExpertMatching.MatchAsync"/> end to end — jieba keywords, the
/// scoring statement, the public views of the top 10 — for synthetic demands written around two or three GB/T 13745
/// names, in three shapes: text only, text and a 5-digit field, text, field and a region. The first call's jieba load is
/// reported apart (warm-up).
/// </summary>
public static class MatchLoad
{
    // Demand sentences around discipline names (the synthetic experts' keywords are their disciplines' names).
    private static readonly string[] Templates =
    [
        "我公司在{0}方面遇到技术难题，需要熟悉{1}的专家协助，并开展{2}相关测试。",
        "寻求{0}与{1}领域的专家，合作攻关{2}工艺优化。",
        "企业计划建设{0}中试线，希望得到{1}和{2}方向专家的技术指导。",
    ];

    public static async Task<int> RunAsync(MatchLoadOptions o)
    {
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }
        Say(string.Create(CultureInfo.InvariantCulture, $"match-load: {o.Experts:N0} experts, {o.Matches} timed matches (+{o.Warmup} warm-up) per engine and shape, limit 10; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores"));
        Say("");
        Say("| engine | shape | matches | mean results | p50 ms | p95 ms | max ms |");
        Say("|---|---|---|---|---|---|---|");
        var draw = new DrawLoadOptions(o.Experts, 1, 1, o.Engines, ["international"], [], o.Postgres, o.WorkDir, o.PgDatabase, false, null);
        foreach (var engine in o.Engines)
        {
            var (provider, cs) = await DrawLoad.DatabaseAsync(engine, draw);
            await using var app = DrawLoad.Build(provider, cs, "international");
            await app.PrepareDatabaseAsync();
            await DrawLoad.FillAsync(app.Services, o.Experts);
            var load = Stopwatch.StartNew();
            _ = DemandKeywords.Extract("warm");
            Say(string.Create(CultureInfo.InvariantCulture, $"| {engine} | (jieba dictionaries loaded in {DemandKeywords.LoadTime.TotalMilliseconds:F0} ms, first extraction {load.Elapsed.TotalMilliseconds:F0} ms) | | | | | |"));
            foreach (var shape in new[] { "text", "text+field", "text+field+region" })
            {
                var random = new Random(42);
                var times = new List<double>();
                var found = 0;
                var codes = DisciplineCodes.All.Where(d => d.Level == 2).ToList();
                for (var n = 0; n < o.Warmup + o.Matches; n++)
                {
                    var picked = Enumerable.Range(0, 3).Select(_ => codes[random.Next(codes.Count)]).ToList();
                    var text = string.Format(CultureInfo.InvariantCulture, Templates[n % Templates.Length], picked[0].Name, picked[1].Name, picked[2].Name);
                    var field = shape == "text" ? null : picked[0].Code;
                    var region = shape == "text+field+region" ? (n % 2 == 0 ? "500000" : "510000") : null;
                    using var scope = app.Services.CreateScope();
                    var matching = scope.ServiceProvider.GetRequiredService<ExpertMatching>();
                    var started = Stopwatch.GetTimestamp();
                    var (result, _) = await matching.MatchAsync(text, field, region, 10, CancellationToken.None);
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (n >= o.Warmup)
                    {
                        times.Add(ms);
                        found += result?.Items.Count ?? 0;
                    }
                }
                var sorted = times.Order().ToArray();
                Say(string.Create(CultureInfo.InvariantCulture,
                    $"| {engine} | {shape} | {sorted.Length} | {found / (double)sorted.Length:F1} | {HttpLoad.Percentile(sorted, 50):F1} | {HttpLoad.Percentile(sorted, 95):F1} | {sorted[^1]:F1} |"));
            }
            using (var scope = app.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var active = await db.Set<Expert>().CountAsync(e => e.Status == ExpertStatus.Active);
                Say(string.Create(CultureInfo.InvariantCulture, $"| {engine} | (active experts in the pool: {active:N0}) | | | | | |"));
            }
            if (provider == DatabaseProvider.Postgres)
            {
                NpgsqlConnection.ClearAllPools();
            }
            else
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        }
        if (o.Out is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Out))!);
            await File.WriteAllTextAsync(o.Out, report.ToString());
        }
        return 0;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chuanyu.Bench;

public sealed record MarketMatchOptions(int Results, int Matches, int Warmup, string[] Engines, string? Postgres, string WorkDir, string PgDatabase, string? Out)
{
    public static MarketMatchOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new MarketMatchOptions(1_000_000, 50, 5, ["sqlite", "postgres"], Environment.GetEnvironmentVariable("CHUANYU_TEST_PG"),
            Path.Combine(Path.GetTempPath(), "chuanyu-market-match"), "chuanyu_market_match", null);
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
                "--results" => o with { Results = Int(5_000_000) },
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
/// Recommendations for one demand among N research results (issue 17: p95 ≤ 100 ms over 1,000,000 results on each
/// engine): a demo-seeded database filled up to N published results built from the demo rows (as <c>seed --results</c>
/// builds them, saved through the platform's context so that each is indexed for search as a published record is; kept
/// between runs in --dir / --pg-db), then <see cref="MarketMatching.ForDemandAsync"/> end to end — the demand, its terms
/// (keywords and jieba), the candidate ids from the search per term, the one filtered read, the scoring, the owners'
/// names — for the demo's live demands in turn (the fill adds results only), in a fresh scope each (anonymous, as the public match page). Shapes: the
/// default list (20); with a region and a transfer-mode filter.
/// </summary>
public static class MarketMatchLoad
{
    public static async Task<int> RunAsync(MarketMatchOptions o)
    {
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }
        Say(string.Create(CultureInfo.InvariantCulture, $"market-match-load: {o.Results:N0} research results, {o.Matches} timed matches (+{o.Warmup} warm-up) per engine and shape; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {Load()}"));
        Say("");
        Say("| engine | shape | matches | mean terms | mean candidates read | mean listed | p50 ms | p95 ms | max ms |");
        Say("|---|---|---|---|---|---|---|---|---|");
        var draw = new DrawLoadOptions(1, 1, 1, o.Engines, ["international"], [], o.Postgres, o.WorkDir, o.PgDatabase, false, null);
        foreach (var engine in o.Engines)
        {
            var (provider, cs) = await DrawLoad.DatabaseAsync(engine, draw);
            await using var app = DrawLoad.Build(provider, cs, "international");
            await app.PrepareDatabaseAsync();
            await FillAsync(app.Services, o.Results, engine, Say);
            List<Guid> demands;
            using (var scope = app.Services.CreateScope())
            {
                var directory = scope.ServiceProvider.GetRequiredService<MarketDirectory>();
                // The fill adds results only: the demands are the demo's (illustrative) live ones.
                demands = await directory.LiveDemands().OrderBy(d => d.Id).Select(d => d.Id).ToListAsync();
            }
            foreach (var (shape, query) in new (string, MatchQuery)[] { ("default (20)", new MatchQuery()), ("region + mode", new MatchQuery(Region: "510000", Mode: TransferModes.OrdinaryLicence)) })
            {
                var times = new List<double>();
                long terms = 0, candidates = 0, listed = 0;
                for (var n = 0; n < o.Warmup + o.Matches; n++)
                {
                    using var scope = app.Services.CreateScope();
                    var matching = scope.ServiceProvider.GetRequiredService<MarketMatching>();
                    var started = Stopwatch.GetTimestamp();
                    var (list, _) = await matching.ForDemandAsync(demands[n % demands.Count], query, CancellationToken.None);
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (n >= o.Warmup)
                    {
                        times.Add(ms);
                        terms += list!.Terms.Count;
                        candidates += list.Candidates;
                        listed += list.Items.Count;
                    }
                }
                var sorted = times.Order().ToArray();
                var count = (double)sorted.Length;
                Say(string.Create(CultureInfo.InvariantCulture,
                    $"| {engine} | {shape} | {sorted.Length} | {terms / count:F1} | {candidates / count:F0} | {listed / count:F1} | {HttpLoad.Percentile(sorted, 50):F1} | {HttpLoad.Percentile(sorted, 95):F1} | {sorted[^1]:F1} |"));
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
        Say("");
        Say($"load after: {Load()}");
        if (o.Out is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Out))!);
            await File.WriteAllTextAsync(o.Out, report.ToString());
        }
        return 0;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>Published synthetic results up to <paramref name="target"/>, 2,000 per save (each save indexes its records for search).</summary>
    private static async Task FillAsync(IServiceProvider root, int target, string engine, Action<string> say)
    {
        using var scope = root.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<AppDbContext>();
        var have = await db.Set<Achievement>().CountAsync();
        if (have >= target)
        {
            return;
        }
        var orgs = await DemoMarket.OrganizationsAsync(db, CancellationToken.None);
        var rows = DemoMarket.Rows.Where(r => r.Kind == "achievement" && orgs.ContainsKey(r.Org)).ToList();
        var validity = services.GetRequiredService<IOptions<MarketOptions>>().Value.AchievementValidityDays;
        var now = TimeProvider.System.GetUtcNow();
        var started = Stopwatch.StartNew();
        var lap = Stopwatch.StartNew();
        for (var n = have; n < target;)
        {
            var end = Math.Min(target, n + 2_000);
            for (; n < end; n++)
            {
                var row = rows[n % rows.Count];
                db.Add(DemoMarket.Build(row with { Status = nameof(MarketStatus.Published) }, orgs[row.Org], now, validity, n,
                    string.Create(CultureInfo.InvariantCulture, $" #{n + 1}")));
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            if (n % 50_000 == 0 || n == target)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {engine}: {n:N0} results, {50_000 / lap.Elapsed.TotalSeconds:F0}/s lately, {started.Elapsed.TotalSeconds:F0} s"));
                lap.Restart();
            }
        }
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }
        say(string.Create(CultureInfo.InvariantCulture, $"| {engine} | (filled {target - have:N0} results in {started.Elapsed.TotalSeconds:F0} s, saved through the context and indexed) | | | | | | | |"));
    }
}

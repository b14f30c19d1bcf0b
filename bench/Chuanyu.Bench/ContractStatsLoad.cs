using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Contracts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chuanyu.Bench;

public sealed record ContractStatsOptions(int Contracts, int Requests, int Warmup, string[] Engines, string? Postgres, string WorkDir, string PgDatabase, string? Out)
{
    public static ContractStatsOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new ContractStatsOptions(1_000_000, 50, 5, ["sqlite", "postgres"], Environment.GetEnvironmentVariable("CHUANYU_TEST_PG"),
            Path.Combine(Path.GetTempPath(), "chuanyu-contract-stats"), "chuanyu_contract_stats", null);
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
                "--contracts" => o with { Contracts = Int(5_000_000) },
                "--requests" => o with { Requests = Int(10_000) },
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
/// The contract statistics (issue 17: p95 ≤ 200 ms over 1,000,000 registered contracts): a database filled up to N
/// contracts by the seed command's bulk writer (kept between runs in --dir / --pg-db; the seeding time is reported), then
/// <see cref="ContractStatistics.GetAsync"/> end to end — the three grouped reads of the monthly aggregates and the
/// folding the page renders — in four shapes: both regions over two years (the page's default), one region, one region
/// and one type, and both regions over ten years. Each request runs in a fresh scope and context, as a page request does.
/// </summary>
public static class ContractStatsLoad
{
    public static async Task<int> RunAsync(ContractStatsOptions o)
    {
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }
        Say(string.Create(CultureInfo.InvariantCulture, $"contract-stats: {o.Contracts:N0} contracts, {o.Requests} timed requests (+{o.Warmup} warm-up) per engine and shape; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores"));
        Say("");
        Say("| engine | shape | contracts counted | aggregate rows | p50 ms | p95 ms | max ms |");
        Say("|---|---|---|---|---|---|---|");
        var draw = new DrawLoadOptions(1, 1, 1, o.Engines, ["international"], [], o.Postgres, o.WorkDir, o.PgDatabase, false, null);
        foreach (var engine in o.Engines)
        {
            var (provider, cs) = await DrawLoad.DatabaseAsync(engine, draw);
            await using var app = DrawLoad.Build(provider, cs, "international");
            await app.PrepareDatabaseAsync();
            await FillAsync(app.Services, o.Contracts, engine, Say);
            var year = ChinaTime.Today(TimeProvider.System).Year;
            var shapes = new (string Name, ContractStatsQuery Query)[]
            {
                ("both regions, 2 years", new ContractStatsQuery()),
                ("Chongqing, 2 years", new ContractStatsQuery(Region: "500000")),
                ("Sichuan, transfer, 2 years", new ContractStatsQuery(Region: "510000", Type: ContractType.Transfer)),
                ("both regions, 10 years", new ContractStatsQuery(year - 9, year)),
            };
            long aggregateRows;
            using (var scope = app.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                aggregateRows = await db.Set<TechContractFlowStat>().LongCountAsync() + await db.Set<TechContractProfileStat>().LongCountAsync();
            }
            foreach (var (name, query) in shapes)
            {
                var times = new List<double>();
                long counted = 0;
                for (var n = 0; n < o.Warmup + o.Requests; n++)
                {
                    using var scope = app.Services.CreateScope();
                    var statistics = scope.ServiceProvider.GetRequiredService<ContractStatistics>();
                    var started = Stopwatch.GetTimestamp();
                    var (s, _) = await statistics.GetAsync(query, CancellationToken.None);
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (n >= o.Warmup)
                    {
                        times.Add(ms);
                        counted = s!.Totals.Contracts;
                    }
                }
                var sorted = times.Order().ToArray();
                Say(string.Create(CultureInfo.InvariantCulture,
                    $"| {engine} | {name} | {counted:N0} | {aggregateRows:N0} | {HttpLoad.Percentile(sorted, 50):F1} | {HttpLoad.Percentile(sorted, 95):F1} | {sorted[^1]:F1} |"));
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

    private static async Task FillAsync(IServiceProvider root, int target, string engine, Action<string> say)
    {
        using var scope = root.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<AppDbContext>();
        var have = await db.Set<TechContract>().CountAsync();
        if (have >= target)
        {
            return;
        }
        var sellers = await DemoContracts.SellersAsync(services, CancellationToken.None);
        var seconds = await DemoContracts.SeedAsync(db, sellers, ChinaTime.Today(TimeProvider.System), target - have, seed: 1 + have / 1000 % 900,
            Console.WriteLine, CancellationToken.None);
        say(string.Create(CultureInfo.InvariantCulture, $"| {engine} | (seeded {target - have:N0} contracts in {seconds:F1} s with the seed command's writer) | | | | | |"));
    }
}

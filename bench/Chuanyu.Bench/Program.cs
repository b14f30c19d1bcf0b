using System.Globalization;

namespace Chuanyu.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Chuanyu.Bench -- http --url http://127.0.0.1:5099/healthz --concurrency 16 --duration 15</c>
/// <br/><c>dotnet run -c Release --project bench/Chuanyu.Bench -- micro [BenchmarkDotNet arguments, e.g. --filter *]</c>
/// </summary>
public static class BenchProgram
{
    public const string Usage = """
        usage:
          Chuanyu.Bench http --url <loopback url> [--token-email <email> --password <pw>]
                             [--concurrency 16] [--duration 15] [--warmup 3] [--max-requests N] [--timeout 30]
              Closed-loop load: N workers each send GET requests back to back for the duration, after a warm-up
              that is not counted. With --token-email it first POSTs /api/v1/auth/login at the same base URL and
              sends the bearer token. Prints requests, errors (non-2xx or failed), throughput and p50/p95/p99.
          Chuanyu.Bench micro [--long] [BenchmarkDotNet arguments, e.g. --filter *CreditCode*]
              Runs the BenchmarkDotNet micro-benchmarks in this assembly (in-process; ShortRun unless --long).
          Chuanyu.Bench search-spike [--rows 1000000] [--seed 42] [--engines sqlite,postgres] [--sqlite-path /tmp/chuanyu-spike/search.db]
                             [--fts external|contentless] [--detail full|column|none] [--reps-like 5] [--reps-ranked 10] [--reps 30]
                             [--reuse] [--keep] [--out report.md] [--pg-db chuanyu_spike]
              Loads N synthetic resources into SQLite (FTS5) and PostgreSQL (CHUANYU_TEST_PG, own database) and measures
              LIKE, default ranking and top-k search strategies single client in process (see docs/search-design.md).
          Chuanyu.Bench search-load --url http://127.0.0.1:5099 [--reps 30] [--concurrency 16] [--duration 20]
                             [--sqlite /path/to/chuanyu.db | --pg "<connection string>"] [--like-reps 3] [--out report.md]
              GET /api/v1/search for 22 typical queries (each with one filter) single client, then round-robin from N
              clients; with --sqlite/--pg the same queries as a naive LIKE '%q%' scan on that database, side by side.
          Chuanyu.Bench booking-load --url http://127.0.0.1:5099 [--password <demo password>] [--instruments 64]
                             [--storm 300] [--concurrency 32] [--duration 20] [--warmup 3] [--out report.md]
              On a platform with the demo accounts: creates instruments, fires the conflict storm (N concurrent requests for
              overlapping time on one instrument: one 201, the rest 409) and measures sustained non-conflicting bookings.
          Chuanyu.Bench voucher-load --url http://127.0.0.1:5099 (--sqlite <platform db file> | --pg "<connection string>")
                             [--storm 200] [--concurrency 32 --duration 20 --warmup 3 [--uses N] [--per-programme 8] [--with-bookings --instruments 32]]
                             [--password <demo password>] [--record created.tsv] [--out report.md]
              On a platform with the demo data: vouchers made through the API, completed ¥100 uses written into its database;
              the storm (N concurrent redemptions of one ¥1,000 voucher at 1/3: never overdrawn, 2xx = rows = face − balance,
              invariants intact) and sustained redemptions on distinct vouchers (redemptions/s, p95), then bookings beside them.
          Chuanyu.Bench import-bench [--rows 100000] [--format xlsx|csv] [--pg "<connection string>"] [--skip-sqlite]
                             [--seed 42] [--dir /tmp/chuanyu-import-bench] [--keep]
              Writes a plausible N-row import sheet with the platform's writer and imports it with the platform's importer
              into a fresh SQLite database and (with --pg, a server where the user may create databases) a fresh PostgreSQL
              database; prints the seconds for parse, validate and write, rows/s and the database size (docs/catalogue-import.md).
          Chuanyu.Bench voucher-settlement --pg "<connection string>" [--quarter 2026Q3] [--issuer 510000] [--provider 500000] [--reps 5]
              On a database filled by `seed --voucher-entries N`: times the settlement statement of the quarter and pair and the
              drill-down's first page through the platform's VoucherSettlements, cold and warm (docs/benchmarks.md).
          Chuanyu.Bench assignment [--proposals 10000] [--experts 30000] [--k 5] [--load 15] [--top 200] [--seed 42]
                             [--randomized q] [--institutions 3000] [--out report.md]
              A synthetic call (real GB/T 13745 codes, skewed; ~3,000 institutions; conflicts) assigned optimally by min-cost
              flow and greedily on the same candidates; prints time per phase, peak memory and both total affinities
              (docs/expert-assignment.md).
          Chuanyu.Bench draw-algorithm [--reps 200] [--reps-large 200] [--seed 42]
              The expert draw's algorithm alone (ExpertDraw.Run) over 2,000 and 100,000 synthetic candidates with SHA-256 and
              SM3: p50/p95/max of the runs (--reps-large for 100,000), a fresh seed each run (docs/expert-draws.md).
          Chuanyu.Bench draw-load [--experts 100000] [--draws 30] [--warmup 3] [--engines sqlite,postgres] [--suites sm,international]
                             [--shapes typical,all] [--pg "<connection string>"] [--dir /tmp/chuanyu-draw-load] [--pg-db chuanyu_draw_load]
                             [--no-breakdown] [--out report.md]
              Fills a database of each engine up to N experts (kept between runs) with relations and past accepted seats, then
              times ReviewDraws.DrawAsync end to end for fresh activities: one first-level discipline (typical) and none (all);
              p50/p95/max per engine, suite and shape, and the median of each phase (docs/benchmarks.md, "Expert draw").
          Chuanyu.Bench contract-stats [--contracts 1000000] [--requests 50] [--warmup 5] [--engines sqlite,postgres] [--pg "<connection string>"]
                             [--dir /tmp/chuanyu-contract-stats] [--pg-db chuanyu_contract_stats] [--out report.md]
              Fills a database up to N registered contracts (seed --contracts' bulk writer, kept between runs), then times the
              public statistics (ContractStatistics.GetAsync) in four shapes.
          Chuanyu.Bench market-match-load [--results 1000000] [--matches 50] [--warmup 5] [--engines sqlite,postgres] [--pg "<connection string>"]
                             [--dir /tmp/chuanyu-market-match] [--pg-db chuanyu_market_match] [--out report.md]
              Fills a demo database up to N published research results (indexed, kept between runs), then times
              MarketMatching.ForDemandAsync for the demo's live demands: the default list and with region and mode filters.
          Chuanyu.Bench match-load [--experts 100000] [--matches 50] [--warmup 5] [--engines sqlite,postgres] [--pg "<connection string>"]
                             [--dir /tmp/chuanyu-match-load] [--pg-db chuanyu_match_load] [--out report.md]
              On the draw-load database (filled up to N experts, kept between runs), times ExpertMatching.MatchAsync end to end
              for synthetic demands: text only, with a 5-digit field, with a field and a region (docs/benchmarks.md, "Matching").
          Chuanyu.Bench market-match-quality [--labels bench/Chuanyu.Bench/match-labels.csv] [--engines sqlite,postgres] [--pg "<connection string>"]
                             [--dir /tmp/chuanyu-match-quality] [--pg-db chuanyu_match_quality] [--out report.md]
                             | --make-pool pool.csv [--demands 40] [--seed 17]
              On a fresh demo-seeded database per engine: hit@10, MRR and P@5 of MarketMatching.ForDemandAsync and of plain keyword
              search (title; keywords) against the judged pairs (match-labels.md); --make-pool writes the blind pool to judge instead.
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "http" => await HttpLoad.RunAsync(HttpLoadOptions.Parse(args.AsSpan(1))),
                "micro" => Micro.Run(args[1..]),
                "search-spike" => await SearchSpike.RunAsync(SearchSpikeOptions.Parse(args.AsSpan(1))),
                "search-load" => await SearchLoad.RunAsync(SearchLoadOptions.Parse(args.AsSpan(1))),
                "import-bench" => await ImportBench.RunAsync(ImportBenchOptions.Parse(args.AsSpan(1))),
                "booking-load" => await BookingLoad.RunAsync(BookingLoadOptions.Parse(args.AsSpan(1))),
                "voucher-load" => await VoucherLoad.RunAsync(VoucherLoadOptions.Parse(args.AsSpan(1))),
                "voucher-settlement" => await VoucherSettlementBench.RunAsync(VoucherSettlementOptions.Parse(args.AsSpan(1))),
                "assignment" => await AssignmentBench.RunAsync(AssignmentBenchOptions.Parse(args.AsSpan(1))),
                "draw-algorithm" => DrawAlgorithmBench.Run(DrawAlgorithmOptions.Parse(args.AsSpan(1))),
                "draw-load" => await DrawLoad.RunAsync(DrawLoadOptions.Parse(args.AsSpan(1))),
                "match-load" => await MatchLoad.RunAsync(MatchLoadOptions.Parse(args.AsSpan(1))),
                "contract-stats" => await ContractStatsLoad.RunAsync(ContractStatsOptions.Parse(args.AsSpan(1))),
                "market-match-load" => await MarketMatchLoad.RunAsync(MarketMatchOptions.Parse(args.AsSpan(1))),
                "market-match-quality" => await MarketMatchQuality.RunAsync(MatchQualityOptions.Parse(args.AsSpan(1))),
                _ => Fail($"unknown command '{args[0]}'"),
            };
        }
        catch (ArgumentException ex)
        {
            return Fail(ex.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: {message}"));
        Console.Error.WriteLine(Usage);
        return 2;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChineseAnalyzer = Chuanyu.Web.Features.Search.ChineseAnalyzer;

namespace Chuanyu.Bench;

public sealed record SearchSpikeOptions(
    int Rows, int Seed, string[] Engines, string SqlitePath, string FtsMode, string Detail, bool Reuse, bool Keep,
    int RepsLike, int RepsRanked, int Reps, string? Out, string PgDatabase, string[] Strategies)
{
    public static SearchSpikeOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new SearchSpikeOptions(1_000_000, 42, ["sqlite", "postgres"], "/tmp/chuanyu-spike/search.db", "external", "full", false, false, 5, 10, 30, null, "chuanyu_spike", ["a", "b", "c", "d", "e"]);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--reuse" or "--keep")
            {
                o = name == "--reuse" ? o with { Reuse = true } : o with { Keep = true };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }
            var value = args[++i];
            o = name switch
            {
                "--rows" => o with { Rows = Int(name, value, 1000, 10_000_000) },
                "--seed" => o with { Seed = Int(name, value, 0, int.MaxValue) },
                "--engines" => o with { Engines = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--sqlite-path" => o with { SqlitePath = value },
                "--fts" => value is "external" or "contentless" ? o with { FtsMode = value } : throw new ArgumentException("--fts external|contentless"),
                "--detail" => value is "full" or "column" or "none" ? o with { Detail = value } : throw new ArgumentException("--detail full|column|none"),
                "--reps-like" => o with { RepsLike = Int(name, value, 1, 100) },
                "--reps-ranked" => o with { RepsRanked = Int(name, value, 1, 100) },
                "--reps" => o with { Reps = Int(name, value, 1, 200) },
                "--out" => o with { Out = value },
                "--strategies" => o with { Strategies = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--pg-db" => o with { PgDatabase = value.All(c => char.IsAsciiLetterLower(c) || c == '_') ? value : throw new ArgumentException("--pg-db: lower-case letters and _ only") },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return o;
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v : throw new ArgumentException($"{name} must be an integer in [{min}, {max}]");
}

/// <summary>
/// The search spike: loads N synthetic resources into SQLite (FTS5) and PostgreSQL (tsvector + GIN), then measures,
/// single client and in process, a naive LIKE scan, the engine's default ranking and top-k strategies for ~20 queries.
/// Writes a Markdown report (data shape, load, sizes, latency tables, checks) to stdout and to --out.
/// </summary>
public static class SearchSpike
{
    private static readonly SpikeQuery[] Queries =
    [
        new("电镜", "region", 510000),
        new("扫描电镜", "kind", 0),
        new("质谱", "region", 500000),
        new("色谱", "kind", 0),
        new("显微镜", "region", 510000),
        new("光谱仪", "region", 510000),
        new("核磁", "kind", 0),
        new("热分析", "region", 500000),
        new("粒度", "region", 510000),
        new("试验机", "kind", 0),
        new("XRD 衍射", "region", 510000),
        new("ICP-MS", "kind", 0),
        new("JEM-2100F", "region", 510000),
        new("离心机", "region", 500000),
        new("色质", "kind", 0),
        new("分析仪", "region", 510000),
        new("实验室", "kind", 2),
        new("红外", "region", 500000),
        new("示波器", "district", 510107),
        new("四川大学", "kind", 0),
        new("液相色谱", "category", 2),
        new("透射电镜", "region", 500000),
    ];

    private static readonly ChineseAnalyzer Analyzer = new(ChineseAnalyzer.LoadSynonyms(new StringReader(SpikeData.SynonymsCsv)));

    private sealed record Timing(double P50, double P95, int Runs);

    public static async Task<int> RunAsync(SearchSpikeOptions o)
    {
        var analyzed = Queries.Select(q => AnalyzedQuery.Of(Analyzer, q)).ToArray();
        var md = new StringBuilder();
        void W(string line = "")
        {
            md.AppendLine(line);
            Console.WriteLine(line);
        }
        W($"# search-spike, {o.Rows:N0} rows, seed {o.Seed}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        W();
        W($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; FTS5 {o.FtsMode} detail={o.Detail}; reps: LIKE {o.RepsLike}, ranked {o.RepsRanked}, top-k/columns {o.Reps} (after warm-up)");
        W();
        W("Queries as analysed (FTS5 form):");
        W();
        foreach (var q in analyzed)
        {
            W($"- `{q.Query.Label}` → `{q.Fts5}`");
        }
        W();

        if (o.Engines.Contains("sqlite"))
        {
            RunSqlite(o, analyzed, W);
        }
        if (o.Engines.Contains("postgres"))
        {
            await RunPostgresAsync(o, analyzed, W);
        }
        if (o.Out is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, md.ToString());
        }
        return 0;
    }

    private static void RunSqlite(SearchSpikeOptions o, AnalyzedQuery[] queries, Action<string> w)
    {
        w("## SQLite (FTS5)");
        w("");
        Directory.CreateDirectory(Path.GetDirectoryName(o.SqlitePath)!);
        var spike = new SqliteSpike(o.SqlitePath, o.FtsMode, o.Detail);
        try
        {
            var reuse = false;
            if (o.Reuse && File.Exists(o.SqlitePath))
            {
                spike.Open();
                reuse = spike.RowCount() == o.Rows;
                if (!reuse)
                {
                    spike.Dispose();
                    spike = new SqliteSpike(o.SqlitePath, o.FtsMode, o.Detail);
                }
            }
            if (!reuse)
            {
                foreach (var f in new[] { o.SqlitePath, o.SqlitePath + "-wal", o.SqlitePath + "-shm" })
                {
                    File.Delete(f);
                }
                spike.Open();
                var total = Stopwatch.StartNew();
                var phases = spike.Load(o.Rows, o.Seed);
                w("| load phase | seconds |");
                w("| --- | ---: |");
                foreach (var (phase, s) in phases)
                {
                    w(Inv($"| {phase} | {s:F1} |"));
                }
                w(Inv($"| **total** | **{total.Elapsed.TotalSeconds:F1}** |"));
                w("");
            }
            else
            {
                w("(database reused from an earlier run; load figures are in that run's report)");
                w("");
            }
            var (size, res, fts) = spike.Sizes();
            w(Inv($"size: file {Mb(size)}; resources table + search-key index {Mb(res)}; FTS5 index {Mb(fts)}"));
            w("");
            w(spike.CheckTriggers());
            w("");
            var sw = Stopwatch.StartNew();
            spike.LoadFacetColumns();
            w(Inv($"facet columns loaded into process memory in {sw.Elapsed.TotalMilliseconds:F0} ms"));
            w("");

            w("Data shape (matches of each query without and with its filter; LIKE hits for comparison; plan of the top-k query):");
            w("");
            w("| query | matches | % of rows | with filter | LIKE hits (filtered) | top-k plan |");
            w("| --- | ---: | ---: | ---: | ---: | --- |");
            foreach (var q in queries)
            {
                var all = spike.CountMatches(q.Fts5);
                var filtered = spike.Columns(q).Total;
                var like = spike.Like(q).Total;
                w(Inv($"| {q.Query.Label} | {all:N0} | {100.0 * all / o.Rows:F1} | {filtered:N0} | {like:N0} | {spike.Explain(q)} |"));
            }
            w("");

            var strategies = new (string Name, int Reps, Func<AnalyzedQuery, SearchOutcome> Run)[]
            {
                ("a LIKE '%q%' + count", o.RepsLike, spike.Like),
                ("b bm25 all + exact facets", o.RepsRanked, spike.Ranked),
                ("c top-k 200 + capped facets", o.Reps, spike.TopK),
                ("d keys + in-process facet columns", o.Reps, spike.Columns),
                ("e keys + in-process facet columns, capped", o.Reps, spike.ColumnsCapped),
            };
            strategies = strategies.Where(s => o.Strategies.Contains(s.Name[..1], StringComparer.Ordinal)).ToArray();
            Measure(queries, strategies.Select(s => (s.Name, s.Reps, (Func<AnalyzedQuery, Task<SearchOutcome>>)(q => Task.FromResult(s.Run(q))))).ToArray(), w).GetAwaiter().GetResult();
        }
        finally
        {
            spike.Dispose();
            if (!o.Keep)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var f in new[] { o.SqlitePath, o.SqlitePath + "-wal", o.SqlitePath + "-shm" })
                {
                    File.Delete(f);
                }
            }
        }
    }

    private static async Task RunPostgresAsync(SearchSpikeOptions o, AnalyzedQuery[] queries, Action<string> w)
    {
        w("## PostgreSQL (tsvector + GIN)");
        w("");
        var cs = Environment.GetEnvironmentVariable("CHUANYU_TEST_PG");
        if (string.IsNullOrEmpty(cs))
        {
            w("CHUANYU_TEST_PG is not set (source /tmp/pgenv): PostgreSQL skipped");
            return;
        }
        await using var spike = new PostgresSpike(cs, o.PgDatabase);
        try
        {
            var reuse = false;
            if (o.Reuse && await spike.ExistsAsync())
            {
                await spike.OpenAsync();
                reuse = await spike.RowCountAsync() == o.Rows;
            }
            if (!reuse)
            {
                await spike.RecreateAsync();
                await spike.OpenAsync();
                var total = Stopwatch.StartNew();
                var phases = await spike.LoadAsync(o.Rows, o.Seed);
                w("| load phase | seconds |");
                w("| --- | ---: |");
                foreach (var (phase, s) in phases)
                {
                    w(Inv($"| {phase} | {s:F1} |"));
                }
                w(Inv($"| **total** | **{total.Elapsed.TotalSeconds:F1}** |"));
                w("");
            }
            else
            {
                w("(database reused from an earlier run; load figures are in that run's report)");
                w("");
            }
            var (table, gin, key, db) = await spike.SizesAsync();
            w(Inv($"size: database {Mb(db)}; table incl. TOAST {Mb(table)}; GIN index {Mb(gin)}; search-key btree {Mb(key)}"));
            w($"session settings for queries: `{spike.Session}` (cluster: shared_buffers 128MB, PostgreSQL 15)");
            w("");
            w(await spike.CheckInStepAsync());
            w("");
            var sw = Stopwatch.StartNew();
            await spike.LoadFacetColumnsAsync();
            await spike.LoadDocumentFrequenciesAsync();
            w(Inv($"facet columns and document frequencies loaded into process memory in {sw.Elapsed.TotalMilliseconds:F0} ms"));
            w("");
            w("Data shape and the planner's choice for the top-k query (`EXPLAIN ANALYZE`, est = planner's row estimate):");
            w("");
            w("| query | matches | upper bound from df | planner's top-k plan |");
            w("| --- | ---: | ---: | --- |");
            foreach (var q in queries)
            {
                w(Inv($"| {q.Query.Label} | {await spike.CountMatchesAsync(q.TsQuery):N0} | {spike.UpperBound(q):N0} | {await spike.ExplainAsync(q)} |"));
            }
            w("");
            var strategies = new (string, int, Func<AnalyzedQuery, Task<SearchOutcome>>)[]
            {
                ("a LIKE '%q%' + count", o.RepsLike, spike.LikeAsync),
                ("b ts_rank_cd all + exact facets", o.RepsRanked, spike.RankedAsync),
                ("c top-k 200 + capped facets, planner's plan", o.Reps, q => spike.TopKAsync(q, "planner")),
                ("c' top-k 200 + capped facets, plan chosen from df", o.Reps, q => spike.TopKAsync(q, "adaptive")),
                ("d keys + in-process facet columns", o.Reps, spike.ColumnsAsync),
            };
            strategies = strategies.Where(s => o.Strategies.Contains(s.Item1[..1], StringComparer.Ordinal)).ToArray();
            await Measure(queries, strategies, w);
        }
        finally
        {
            if (!o.Keep)
            {
                await spike.DropAsync();
            }
        }
    }

    private static async Task Measure(AnalyzedQuery[] queries, (string Name, int Reps, Func<AnalyzedQuery, Task<SearchOutcome>> Run)[] strategies, Action<string> w)
    {
        var timings = new Timing[queries.Length, strategies.Length];
        var checks = new List<string>();
        for (var qi = 0; qi < queries.Length; qi++)
        {
            var outcomes = new SearchOutcome[strategies.Length];
            for (var si = 0; si < strategies.Length; si++)
            {
                var (_, reps, run) = strategies[si];
                var q = queries[qi].Query;
                outcomes[si] = await run(queries[qi]);
                var samples = new double[reps];
                for (var r = 0; r < reps; r++)
                {
                    var sw = Stopwatch.StartNew();
                    // End to end in process: analysis of the typed text, the round trips, re-ranking, highlights.
                    _ = await run(AnalyzedQuery.Of(Analyzer, q));
                    samples[r] = sw.Elapsed.TotalMilliseconds;
                }
                Array.Sort(samples);
                timings[qi, si] = new Timing(Percentile(samples, 0.50), Percentile(samples, 0.95), reps);
                Console.Error.WriteLine(Inv($"  {q.Label} / {strategies[si].Name}: p50 {timings[qi, si].P50:F2} ms, p95 {timings[qi, si].P95:F2} ms, total {outcomes[si].Total}{(outcomes[si].Capped ? "+" : "")}"));
            }
            checks.Add(CheckConsistency(queries[qi], strategies.Select(s => s.Name).ToArray(), outcomes));
        }

        w("Latency in ms, p50 / p95 per query (single client, warm cache, in process):");
        w("");
        w("| query | " + string.Join(" | ", strategies.Select(s => s.Name)) + " |");
        w("| --- |" + string.Concat(strategies.Select(_ => " ---: |")));
        for (var qi = 0; qi < queries.Length; qi++)
        {
            var cells = Enumerable.Range(0, strategies.Length).Select(si => Inv($"{timings[qi, si].P50:F1} / {timings[qi, si].P95:F1}"));
            w($"| {queries[qi].Query.Label} | {string.Join(" | ", cells)} |");
        }
        var worst = Enumerable.Range(0, strategies.Length).Select(si => Enumerable.Range(0, queries.Length).Max(qi => timings[qi, si].P95)).ToArray();
        var medians = Enumerable.Range(0, strategies.Length).Select(si => Median(Enumerable.Range(0, queries.Length).Select(qi => timings[qi, si].P50))).ToArray();
        w("| **worst p95** | " + string.Join(" | ", worst.Select(x => Inv($"**{x:F1}**"))) + " |");
        w("| median of p50 | " + string.Join(" | ", medians.Select(x => Inv($"{x:F1}"))) + " |");
        w("| runs per query | " + string.Join(" | ", strategies.Select(s => s.Reps.ToString(CultureInfo.InvariantCulture))) + " |");
        w("");
        w("Speed-up over LIKE (LIKE p50 ÷ strategy p50, per query): min / median:");
        w("");
        var like = Array.FindIndex(strategies, s => s.Name.StartsWith('a'));
        for (var si = 0; si < strategies.Length && like >= 0; si++)
        {
            if (si == like)
            {
                continue;
            }
            var ratios = Enumerable.Range(0, queries.Length).Select(qi => timings[qi, like].P50 / Math.Max(timings[qi, si].P50, 0.001)).ToArray();
            w(Inv($"- {strategies[si].Name}: {ratios.Min():F0}× / {Median(ratios):F0}×"));
        }
        w("");
        w("Consistency checks (exact totals agree; capped totals = min(exact, 10,000); facets over the capped set equal the exact facets when not capped; first hit):");
        w("");
        foreach (var c in checks)
        {
            w("- " + c);
        }
        w("");
    }

    private static string CheckConsistency(AnalyzedQuery q, string[] names, SearchOutcome[] outcomes)
    {
        var names0 = names;
        var engine = outcomes.Where((o, i) => !names0[i].StartsWith('a')).ToArray();
        var exact = engine.FirstOrDefault(o => !o.Capped) ?? engine[0]; // an uncapped strategy counts every match
        var totalsOk = engine.All(o => o.Capped ? (exact.Capped || exact.Total > SpikeRanking.CountCap) && o.Total == SpikeRanking.CountCap : o.Total == exact.Total);
        var facetsOk = engine.Where(o => !o.Capped && o.Facets is not null).All(o => o.Facets!.SameAs(exact.Facets!));
        // Capped strategies count the same best 10,001 matches (search-key order), so their facets must agree too.
        var cappedFacets = engine.Where(o => o.Capped && o.Facets is not null).ToList();
        facetsOk &= cappedFacets.All(o => o.Facets!.SameAs(cappedFacets[0].Facets!));
        var sb = new StringBuilder(Inv($"`{q.Query.Label}`: "));
        sb.Append(string.Join(", ", outcomes.Select((o, i) => Inv($"{names[i].Split(' ')[0]} {o.Total:N0}{(o.Capped ? "+" : "")}"))));
        sb.Append(totalsOk && facetsOk ? " — consistent" : " — **MISMATCH**");
        var topK = Array.FindIndex(names, n => n.StartsWith('c'));
        if (topK >= 0 && outcomes[topK].Items.Count > 0 && outcomes[topK].Items[0] is { } top)
        {
            sb.Append(Inv($"; top-k first hit: {top.Highlight} (title hit: {top.TitleHit})"));
        }
        return sb.ToString();
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Median(IEnumerable<double> values)
    {
        var a = values.OrderBy(x => x).ToArray();
        return a.Length == 0 ? 0 : a.Length % 2 == 1 ? a[a.Length / 2] : (a[(a.Length / 2) - 1] + a[a.Length / 2]) / 2;
    }

    private static string Mb(long bytes) => bytes < 0 ? "n/a" : Inv($"{bytes / 1048576.0:N0} MiB");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

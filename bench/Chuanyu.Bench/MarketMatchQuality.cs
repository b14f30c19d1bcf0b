using System.Globalization;
using System.Text;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chuanyu.Bench;

public sealed record MatchQualityOptions(string[] Engines, string? Postgres, string WorkDir, string PgDatabase, string Labels, string? Pool, int Demands, int Seed,
    string? Out)
{
    public static MatchQualityOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new MatchQualityOptions(["sqlite"], Environment.GetEnvironmentVariable("CHUANYU_TEST_PG"), Path.Combine(Path.GetTempPath(), "chuanyu-match-quality"),
            "chuanyu_match_quality", Path.Combine("bench", "Chuanyu.Bench", "match-labels.csv"), null, 40, 17, null);
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
                "--engines" => o with { Engines = value.Split(',') },
                "--pg" => o with { Postgres = value },
                "--dir" => o with { WorkDir = value },
                "--pg-db" => o with { PgDatabase = value },
                "--labels" => o with { Labels = value },
                "--make-pool" => o with { Pool = value },
                "--demands" => o with { Demands = Int(1000) },
                "--seed" => o with { Seed = Int(int.MaxValue) },
                "--out" => o with { Out = value },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return o;
    }
}

/// <summary>The three figures of one method over the labelled demands.</summary>
public sealed record RankingFigures(int Demands, double HitAt10, double Mrr, double PrecisionAt5);

/// <summary>
/// Metric arithmetic of the quality check: a ranked list of ids against the set judged relevant; unjudged ids count as not relevant.
/// </summary>
public static class RankingMetrics
{
    /// <summary>1-based rank of the first relevant id among the first <paramref name="depth"/>, or null.</summary>
    public static int? FirstRelevant(IReadOnlyList<Guid> ranked, IReadOnlySet<Guid> relevant, int depth = 10)
    {
        for (var i = 0; i < Math.Min(depth, ranked.Count); i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                return i + 1;
            }
        }
        return null;
    }

    /// <summary>Hit rate at 10, MRR (1/rank of the first relevant in the first 10, 0 when none) and precision at 5 (relevant among the first 5, over 5).</summary>
    public static RankingFigures Compute(IReadOnlyList<(IReadOnlyList<Guid> Ranked, IReadOnlySet<Guid> Relevant)> lists)
    {
        if (lists.Count == 0)
        {
            return new RankingFigures(0, 0, 0, 0);
        }
        double hits = 0, rr = 0, p5 = 0;
        foreach (var (ranked, relevant) in lists)
        {
            if (FirstRelevant(ranked, relevant) is { } rank)
            {
                hits++;
                rr += 1.0 / rank;
            }
            p5 += ranked.Take(5).Count(relevant.Contains) / 5.0;
        }
        return new RankingFigures(lists.Count, hits / lists.Count, rr / lists.Count, p5 / lists.Count);
    }
}

/// <summary>
/// The matching quality check (issue 17): demand–result pairs judged by hand (<c>match-labels.csv</c>, protocol in
/// <c>match-labels.md</c>) against <see cref="MarketMatching.ForDemandAsync"/> and plain keyword search (the unified search
/// restricted to type Achievement, for the demand's title and for its keywords), on a fresh demo-seeded database per engine.
/// With <c>--make-pool</c> it writes the pool to judge instead (TREC-style: the union of each method's top 5, two random
/// results of the demand's field and one of another field, shuffled, without saying which method proposed a pair).
/// The calls run outside any request, i.e. as an anonymous caller: the matcher excludes the demand owner's own results itself.
/// </summary>
public static class MarketMatchQuality
{
    private const string AchievementType = "Achievement";
    private const int WhatIfTrl = 3;

    /// <summary>The three lists for one demand, the matcher's terms and, for each of its first 10, the terms it shares (its SharedKeywords reason).</summary>
    private sealed record Methods(IReadOnlyList<Guid> Matcher, IReadOnlyList<Guid> Title, IReadOnlyList<Guid> Keywords, IReadOnlyList<string> Terms,
        IReadOnlyList<string> SharedInTop10);

    public static async Task<int> RunAsync(MatchQualityOptions o)
    {
        var fields = DemoFields();
        if (o.Pool is not null)
        {
            return await MakePoolAsync(o, fields);
        }
        var labels = ReadLabels(o.Labels);
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }
        Say(string.Create(CultureInfo.InvariantCulture,
            $"market-match-quality: {labels.Count} judged pairs over {labels.Select(l => l.Demand).Distinct().Count()} demands from {Path.GetFileName(o.Labels)} ({labels.Count(l => l.Relevant)} relevant as seeded, {labels.Count(l => l.RelevantAtTrl3)} if the demands accepted TRL 3, {labels.Count(l => l.AddressesNeed)} address the need); {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Say("");
        Say("Hit@10: share of demands with a relevant result in the first 10; MRR: mean of 1/rank of the first relevant in the first 10 (0 when none); P@5: relevant among the first 5, over 5. Unjudged results count as not relevant. Averages over the demands with at least one relevant judged result (the column 'demands').");
        Say("");
        Say("| engine | data; relevance | method | demands | hit@10 | MRR | P@5 | listed (first 10) | judged share of those |");
        Say("|---|---|---|---|---|---|---|---|---|");
        var notes = new List<string>();
        foreach (var engine in o.Engines)
        {
            var (provider, app) = await FreshAsync(engine, o);
            await using var _ = app;
            // As seeded with the brief's relevance; then the demands' least TRL lowered to 3 (the bench's copy only) with the
            // same relevance at TRL 3, and with "addresses the need" alone (the text side of the matching).
            var passes = new (string Setting, bool WhatIf, Func<Label, bool> Relevant)[]
            {
                ("as seeded; relevant", false, l => l.Relevant),
                ("demands accept TRL 3; relevant", true, l => l.RelevantAtTrl3),
                ("demands accept TRL 3; addresses the need", true, l => l.AddressesNeed),
            };
            foreach (var (setting, whatIf, isRelevant) in passes)
            {
                using var scope = app.Services.CreateScope();
                var sp = scope.ServiceProvider;
                if (whatIf)
                {
                    await LowerDemandTrlAsync(sp);
                }
                var (rows, missed) = await EvaluateAsync(sp, labels, isRelevant);
                foreach (var (name, f, listed, judged) in rows)
                {
                    var figures = f.Demands == 0 ? "– | – | –" : string.Create(CultureInfo.InvariantCulture, $"{f.HitAt10:F3} | {f.Mrr:F3} | {f.PrecisionAt5:F3}");
                    Say(string.Create(CultureInfo.InvariantCulture,
                        $"| {engine} | {setting} | {name} | {f.Demands} | {figures} | {listed} | {(listed == 0 ? 0 : (double)judged / listed):P0} |"));
                }
                var relevantPairs = labels.Count(isRelevant);
                var unlisted = missed.Count(x => !x.Contains(": listed at rank ", StringComparison.Ordinal) && !x.StartsWith('('));
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{engine}, {setting}: {unlisted} of {relevantPairs} relevant pairs are not in the matcher's list at all (limit {MarketMatching.MaxLimit}){(missed.Count > 0 ? "; each relevant pair:" : ".")}"));
                notes.AddRange(missed.Order(StringComparer.Ordinal).Select(x => "  - " + x));
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
        foreach (var n in notes)
        {
            Say(n.StartsWith(' ') ? n : "- " + n);
        }
        if (o.Out is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Out))!);
            await File.WriteAllTextAsync(o.Out, report.ToString());
        }
        return 0;
    }

    /// <summary>Each method's figures over the labelled demands, and the relevant pairs the matcher never listed with why.</summary>
    private static async Task<(List<(string Name, RankingFigures Figures, int Listed, int Judged)> Rows, List<string> Missed)> EvaluateAsync(
        IServiceProvider sp, List<Label> labels, Func<Label, bool> isRelevant)
    {
        var directory = sp.GetRequiredService<MarketDirectory>();
        var demands = await directory.Demands().ToListAsync();
        var results = await directory.Achievements().ToListAsync();
        var resultIds = results.ToDictionary(r => r.Title, r => r.Id);
        var judged = labels.Select(l => (l.Demand, resultIds[l.Result])).ToHashSet();
        string[] names = ["matcher", "search: title", "search: keywords"];
        var runs = names.ToDictionary(n => n, _ => new List<(IReadOnlyList<Guid>, IReadOnlySet<Guid>)>());
        var listed = names.ToDictionary(n => n, _ => (Listed: 0, Judged: 0));
        var missed = new List<string>();
        var shared = new List<string>();
        foreach (var group in labels.GroupBy(l => l.Demand))
        {
            var demand = demands.Single(d => d.Title == group.Key);
            var relevant = group.Where(isRelevant).Select(l => resultIds[l.Result]).ToHashSet();
            var m = await ListsAsync(sp, demand, MarketMatching.MaxLimit);
            shared.AddRange(m.SharedInTop10);
            foreach (var (name, list) in new[] { (names[0], m.Matcher), (names[1], m.Title), (names[2], m.Keywords) })
            {
                var top = list.Take(10).ToList();
                if (relevant.Count > 0)
                {
                    runs[name].Add((top, relevant));
                }
                var (l, j) = listed[name];
                listed[name] = (l + top.Count, j + top.Count(id => judged.Contains((group.Key, id))));
            }
            foreach (var id in relevant)
            {
                var a = results.Single(r => r.Id == id);
                var rank = m.Matcher.ToList().IndexOf(id);
                missed.Add(rank >= 0 ? $"{group.Key} / {a.Title}: listed at rank {rank + 1}" : $"{group.Key} / {a.Title}: {await WhyMissedAsync(sp, demand, a, m.Terms)}");
            }
        }
        if (shared.Count > 0)
        {
            var common = shared.GroupBy(x => x).OrderByDescending(g => g.Count()).Take(5).Select(g => $"[{g.Key}] {g.Count()}");
            missed.Insert(0, string.Create(CultureInfo.InvariantCulture, $"(the matcher's first 10, {shared.Count} items: the terms they share with the demand, most frequent: {string.Join(", ", common)})"));
        }
        return ([.. names.Select(n => (n, RankingMetrics.Compute(runs[n]), listed[n].Listed, listed[n].Judged))], missed);
    }

    /// <summary>The what-if of the second pass: every demand accepts TRL 3 (the demo results are all TRL 3, the demo demands all ask for 4).</summary>
    private static async Task LowerDemandTrlAsync(IServiceProvider sp)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        foreach (var d in await db.Set<Demand>().Where(d => d.Trl > WhatIfTrl).ToListAsync())
        {
            d.Trl = WhatIfTrl;
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }

    /// <summary>The matcher's list (up to <paramref name="limit"/>) and both keyword baselines' first 10 for one demand.</summary>
    private static async Task<Methods> ListsAsync(IServiceProvider sp, DemandRef demand, int limit)
    {
        var matching = sp.GetRequiredService<MarketMatching>();
        var (list, result) = await matching.ForDemandAsync(demand.Id, new MatchQuery(Limit: limit), CancellationToken.None);
        if (list is null)
        {
            throw new InvalidOperationException($"the matcher refused demand {demand.Title}: {result}");
        }
        var title = await SearchAsync(sp, demand.Title);
        var keywords = await SearchAsync(sp, string.Join(' ', demand.Keywords.Split('\u3001', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        var shared = list.Items.Take(10).Select(i => i.Reasons.FirstOrDefault(r => r.Code == "Market.Match.SharedKeywords") is { Args.Count: > 0 } r0 ? r0.Args[0] : "").ToList();
        return new Methods([.. list.Items.Select(i => i.Id)], title, keywords, list.Terms, shared);
    }

    /// <summary>Plain keyword search: the unified search restricted to results, first 10.</summary>
    private static async Task<IReadOnlyList<Guid>> SearchAsync(IServiceProvider sp, string q)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return [];
        }
        var (result, _) = await sp.GetRequiredService<SearchService>().SearchAsync(new SearchQuery(q, Type: AchievementType, PageSize: 10), CancellationToken.None);
        return result is null ? [] : [.. result.Items.Select(h => h.Id)];
    }

    /// <summary>Why the matcher did not list a result: not a candidate (no term's first 100 search hits) or the hard filter it fails.</summary>
    private static async Task<string> WhyMissedAsync(IServiceProvider sp, DemandRef d, AchievementRef a, IReadOnlyList<string> terms)
    {
        var search = sp.GetRequiredService<SearchService>();
        var candidate = false;
        foreach (var term in terms)
        {
            var (ids, _) = await search.MatchingIdsAsync(new SearchQuery(term, Type: AchievementType), MarketMatching.PerTerm, CancellationToken.None);
            candidate |= ids?.Contains(a.Id) == true;
        }
        if (!candidate)
        {
            return $"not a candidate (no term of [{string.Join(' ', terms)}] finds it among its first {MarketMatching.PerTerm} search hits)";
        }
        var why = new List<string>();
        if (a.OrganizationId == d.OrganizationId)
        {
            why.Add("same organisation");
        }
        if (a.Trl < d.Trl)
        {
            why.Add($"TRL {a.Trl} < {d.Trl}");
        }
        if (d.Modes != TransferModes.None && (a.Modes & d.Modes) == 0)
        {
            why.Add("no common transfer mode");
        }
        if (!d.Negotiable && !a.Negotiable && (d.BudgetMaxYuan ?? d.BudgetMinYuan) is { } budget && (a.PriceMinYuan ?? a.PriceMaxYuan) > budget)
        {
            why.Add("price above budget");
        }
        static string[] Codes(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (dDis, aDis, dInd, aInd) = (Codes(d.DisciplineCodes), Codes(a.DisciplineCodes), Codes(d.IndustryCodes), Codes(a.IndustryCodes));
        var firstLevel = dDis.Select(c => c[..Math.Min(3, c.Length)]).Intersect(aDis.Select(c => c[..Math.Min(3, c.Length)])).Any();
        var door = dInd.Select(c => c[..1]).Intersect(aInd.Select(c => c[..1])).Any();
        if (dDis.Length + dInd.Length > 0 && aDis.Length + aInd.Length > 0 && !firstLevel && !door)
        {
            why.Add($"field filter (disciplines {d.DisciplineCodes.Trim()} vs {a.DisciplineCodes.Trim()}, industries {d.IndustryCodes.Trim()} vs {a.IndustryCodes.Trim()})");
        }
        return why.Count > 0 ? "candidate, hard filter: " + string.Join("; ", why) : "candidate, passes the filters, ranked below the limit";
    }

    /// <summary>A fresh demo-seeded database of the engine (the SQLite file deleted, the PostgreSQL database dropped first).</summary>
    private static async Task<(DatabaseProvider, Microsoft.AspNetCore.Builder.WebApplication)> FreshAsync(string engine, MatchQualityOptions o)
    {
        if (engine == "sqlite" && Directory.Exists(o.WorkDir))
        {
            Directory.Delete(o.WorkDir, recursive: true);
        }
        if (engine == "postgres" && o.Postgres is not null)
        {
            await using var admin = new NpgsqlConnection(o.Postgres);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {o.PgDatabase} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        var draw = new DrawLoadOptions(1, 1, 1, o.Engines, ["international"], [], o.Postgres, o.WorkDir, o.PgDatabase, false, null);
        var (provider, cs) = await DrawLoad.DatabaseAsync(engine, draw);
        var app = DrawLoad.Build(provider, cs, "international");
        await app.PrepareDatabaseAsync();
        return (provider, app);
    }

    // ---- the pool ----

    /// <summary>Writes the pool to judge: for N random live demo demands with a unique title, the union of the matcher's and
    /// both baselines' first 5, two random live results of the demand's field and one of another, shuffled; relevant and reason empty.</summary>
    private static async Task<int> MakePoolAsync(MatchQualityOptions o, Dictionary<string, string> fields)
    {
        var (provider, app) = await FreshAsync(o.Engines[0], o);
        await using var _ = app;
        using var scope = app.Services.CreateScope();
        var sp = scope.ServiceProvider;
        var directory = sp.GetRequiredService<MarketDirectory>();
        var live = await directory.LiveDemands().ToListAsync();
        var all = await directory.Demands().Select(d => d.Title).ToListAsync();
        var results = await directory.LiveAchievements().ToListAsync();
        // The matcher lists nothing on the demo data as seeded (every result TRL 3, every demand asks for 4): its pool share
        // comes from the what-if pass, where it does list.
        await LowerDemandTrlAsync(sp);
        var random = new Random(o.Seed);
        var unique = live.Where(d => all.Count(t => t == d.Title) == 1).OrderBy(d => d.Title, StringComparer.Ordinal).ToList();
        var chosen = unique.OrderBy(_ => random.Next()).Take(o.Demands).ToList();
        var rows = new List<string[]>();
        foreach (var d in chosen)
        {
            var m = await ListsAsync(sp, d, 5);
            var pool = m.Matcher.Take(5).Concat(m.Title.Take(5)).Concat(m.Keywords.Take(5)).ToHashSet();
            var field = fields[d.Title];
            var same = results.Where(r => fields[r.Title] == field && !pool.Contains(r.Id)).OrderBy(_ => random.Next()).Take(2);
            var other = results.Where(r => fields[r.Title] != field && !pool.Contains(r.Id)).OrderBy(_ => random.Next()).Take(1);
            pool.UnionWith(same.Concat(other).Select(r => r.Id));
            var titles = results.Where(r => pool.Contains(r.Id)).Select(r => r.Title).OrderBy(_ => random.Next());
            rows.AddRange(titles.Select(t => new[] { d.Title, t, "", "", "", "" }));
        }
        var shuffled = rows.GroupBy(r => r[0]).OrderBy(_ => random.Next()).SelectMany(g => g).ToList();
        await using (var csv = CsvHelper.CsvWriter.Create(File.Create(o.Pool!), new CsvHelper.CsvWriterOptions { NewLine = "\n" }, leaveOpen: false))
        {
            csv.WriteHeader(["demand", "result", "relevant", "relevant_if_trl3", "addresses_need", "reason"]);
            foreach (var row in shuffled)
            {
                csv.WriteRecord(row);
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pool: {shuffled.Count} pairs over {chosen.Count} demands ({provider}) -> {o.Pool}"));
        return 0;
    }

    /// <summary>Title → <c>field</c> of the demo rows (results and demands; a duplicated demand title keeps its first field, which is the same).</summary>
    private static Dictionary<string, string> DemoFields()
    {
        using var stream = typeof(Chuanyu.Web.Seeding.DemoMarket).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-market.csv")
            ?? throw new InvalidOperationException("demo-market.csv is not embedded.");
        using var csv = CsvHelper.CsvReader.Create(stream, null, leaveOpen: false);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (csv.Read())
        {
            map.TryAdd(csv.GetString("title") ?? "", csv.GetString("field") ?? "");
        }
        return map;
    }

    private sealed record Label(string Demand, string Result, bool Relevant, bool RelevantAtTrl3, bool AddressesNeed, string Reason);

    private static List<Label> ReadLabels(string path)
    {
        using var csv = CsvHelper.CsvReader.Create(File.OpenRead(path), null, leaveOpen: false);
        var labels = new List<Label>();
        while (csv.Read())
        {
            string S(string name) => csv.GetString(name) ?? "";
            bool Flag(string name) => S(name) switch
            {
                "1" => true,
                "0" => false,
                _ => throw new ArgumentException($"{path}: {name} must be 0 or 1 ({S("demand")} / {S("result")})"),
            };
            labels.Add(new Label(S("demand"), S("result"), Flag("relevant"), Flag("relevant_if_trl3"), Flag("addresses_need"), S("reason")));
        }
        return labels;
    }
}

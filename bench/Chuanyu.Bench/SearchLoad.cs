using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Chuanyu.Bench;

public sealed record SearchLoadOptions(Uri Url, int Reps, int Concurrency, TimeSpan Duration, string? SqlitePath, string? Postgres, int LikeReps, string? Out, Uri? ExactUrl = null)
{
    public static SearchLoadOptions Parse(ReadOnlySpan<string> args)
    {
        Uri? url = null, exact = null;
        string? sqlite = null, pg = null, output = null;
        int reps = 30, concurrency = 16, duration = 20, likeReps = 3;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }
            var value = args[++i];
            switch (name)
            {
                case "--url": url = new Uri(value, UriKind.Absolute); break;
                case "--exact-url": exact = new Uri(value, UriKind.Absolute); break;
                case "--reps": reps = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--duration": duration = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--like-reps": likeReps = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--sqlite": sqlite = value; break;
                case "--pg": pg = value; break;
                case "--out": output = value; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        if (url is null || !url.IsLoopback)
        {
            throw new ArgumentException("--url (a loopback base URL of a running Chuanyu) is required");
        }
        return new SearchLoadOptions(url, reps, concurrency, TimeSpan.FromSeconds(duration), sqlite, pg, likeReps, output, exact);
    }
}

/// <summary>
/// The catalogue search through HTTP, as a user's browser or another system calls it: each query (2–4 Chinese
/// characters, or a mixed Chinese/Latin one, with one filter) single client with warm-up, then all of them round-robin
/// from N concurrent clients; side by side, in the same run, a naive <c>LIKE '%q%'</c> scan of the same database with
/// the same filter (count + first 20, straight on the database, so LIKE is spared the HTTP and JSON costs).
/// </summary>
public static class SearchLoad
{
    /// <summary>The query set: what researchers type (docs/search-design.md), each with one filter.</summary>
    public static readonly (string Q, string Filter, string Value)[] Queries =
    [
        ("电镜", "region", "510000"), ("扫描电镜", "kind", "Instrument"), ("质谱", "region", "500000"), ("色谱", "kind", "Instrument"),
        ("显微镜", "region", "510000"), ("光谱仪", "region", "510000"), ("核磁", "kind", "Instrument"), ("热分析", "region", "500000"),
        ("粒度", "region", "510000"), ("试验机", "kind", "Instrument"), ("XRD 衍射", "region", "510000"), ("离心机", "region", "500000"),
        ("色质", "kind", "Instrument"), ("分析仪", "region", "510000"), ("实验室", "kind", "InnovationPlatform"), ("红外", "region", "500000"),
        ("示波器", "district", "510107"), ("四川大学", "kind", "Instrument"), ("液相色谱", "category", "010000"), ("透射电镜", "region", "500000"),
        ("ICP-MS", "kind", "Instrument"), ("JEM-2100F", "region", "510000"),
    ];

    private static string PathOf((string Q, string Filter, string Value) q) =>
        $"/api/v1/search?q={Uri.EscapeDataString(q.Q)}&{q.Filter}={Uri.EscapeDataString(q.Value)}&pageSize=20";

    public static async Task<int> RunAsync(SearchLoadOptions o)
    {
        var c = CultureInfo.InvariantCulture;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(o.Concurrency, 1), AutomaticDecompression = DecompressionMethods.None, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = o.Url, Timeout = TimeSpan.FromSeconds(60) };
        var report = new StringBuilder();
        void Line(string s)
        {
            Console.WriteLine(s);
            report.AppendLine(s);
        }

        Line(string.Create(c, $"# Search through HTTP — {o.Url} — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Line("");
        Line(string.Create(c, $"Single client: 1 warm-up + {o.Reps} requests per query. LIKE: {o.LikeReps} runs per query on the database directly (count + first 20)."));
        Line("");
        // With --exact-url (the same database served with Search__ExactCount=10000), each total beside the exact count.
        using var exactClient = o.ExactUrl is null ? null : new HttpClient { BaseAddress = o.ExactUrl, Timeout = TimeSpan.FromSeconds(120) };
        var errorsPct = new List<double>();
        Line("| query · filter | total | estimated | exact | error | p50 ms | p95 ms | max ms | server ms (p50) | LIKE p50 ms | LIKE count | LIKE ÷ search |");
        Line("| --- | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var all = new List<double>();
        var ratios = new List<double>();
        await using var db = OpenDatabase(o);
        foreach (var q in Queries)
        {
            var path = PathOf(q);
            var (total, estimated, _) = await OnceAsync(client, path);
            // The reference counts exactly up to 10,000 matches; a larger result is an estimate there too and is not compared.
            var (exactTotal, referenceEstimated, _) = exactClient is null ? (-1, true, 0.0) : await OnceAsync(exactClient, path);
            var error = exactTotal <= 0 || referenceEstimated ? double.NaN : 100.0 * (total - exactTotal) / exactTotal;
            if (estimated && !double.IsNaN(error))
            {
                errorsPct.Add(Math.Abs(error));
            }
            var samples = new List<double>();
            var server = new List<double>();
            for (var i = 0; i < o.Reps; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var (_, _, took) = await OnceAsync(client, path);
                samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                server.Add(took);
            }
            samples.Sort();
            server.Sort();
            all.AddRange(samples);
            var likeP50 = double.NaN;
            long likeCount = -1;
            if (db is not null)
            {
                var likes = new List<double>();
                for (var i = 0; i < o.LikeReps + 1; i++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    likeCount = await LikeAsync(db, q);
                    if (i > 0)
                    {
                        likes.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                }
                likes.Sort();
                likeP50 = HttpLoad.Percentile([.. likes], 50);
            }
            var p50 = HttpLoad.Percentile([.. samples], 50);
            if (!double.IsNaN(likeP50))
            {
                ratios.Add(likeP50 / p50);
            }
            Line(string.Create(c, $"| {q.Q} · {q.Filter}={q.Value} | {total:N0} | {(estimated ? "≈" : "")} | {(exactTotal < 0 ? "–" : (referenceEstimated ? "≈" : "") + exactTotal.ToString("N0", c))} | {(double.IsNaN(error) ? "–" : error.ToString("+0.0;-0.0;0", c) + " %")} | {p50:F1} | {HttpLoad.Percentile([.. samples], 95):F1} | {samples[^1]:F1} | {HttpLoad.Percentile([.. server], 50):F1} | {(double.IsNaN(likeP50) ? "–" : likeP50.ToString("F0", c))} | {(likeCount < 0 ? "–" : likeCount.ToString("N0", c))} | {(double.IsNaN(likeP50) ? "–" : (likeP50 / p50).ToString("F0", c) + "×")} |"));
        }
        all.Sort();
        var allArray = all.ToArray();
        Line("");
        Line(string.Create(c, $"All single-client requests: n={allArray.Length}, p50 {HttpLoad.Percentile(allArray, 50):F1} ms, p95 **{HttpLoad.Percentile(allArray, 95):F1} ms**, p99 {HttpLoad.Percentile(allArray, 99):F1} ms, worst per-query p95 see table."));
        if (errorsPct.Count > 0)
        {
            errorsPct.Sort();
            Line(string.Create(c, $"Estimated totals against the exact count ({errorsPct.Count} queries whose result the reference counts exactly): mean |error| {errorsPct.Average():F1} %, median {errorsPct[errorsPct.Count / 2]:F1} %, max {errorsPct[^1]:F1} %."));
        }
        if (ratios.Count > 0)
        {
            ratios.Sort();
            Line(string.Create(c, $"LIKE ÷ search (p50, per query): min {ratios[0]:F0}×, median **{ratios[ratios.Count / 2]:F0}×**, max {ratios[^1]:F0}×."));
        }

        if (o.Concurrency > 0)
        {
            var (requests, errors, seconds, latencies) = await ConcurrentAsync(client, o);
            Line("");
            Line(string.Create(c, $"{o.Concurrency} concurrent clients, round-robin over the {Queries.Length} queries for {o.Duration.TotalSeconds:F0} s (after 3 s warm-up): {requests:N0} requests, {errors} errors, **{requests / seconds:F1} req/s**, p50 {HttpLoad.Percentile(latencies, 50):F1} ms, p95 {HttpLoad.Percentile(latencies, 95):F1} ms, p99 {HttpLoad.Percentile(latencies, 99):F1} ms."));
        }
        if (o.Out is not null)
        {
            await File.WriteAllTextAsync(o.Out, report.ToString());
        }
        return 0;
    }

    private static async Task<(int Total, bool Estimated, double TookMs)> OnceAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {body}");
        }
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return (root.GetProperty("total").GetInt32(), root.GetProperty("totalApproximate").GetBoolean(), root.GetProperty("tookMs").GetDouble());
    }

    private static async Task<(long Requests, long Errors, double Seconds, double[] Latencies)> ConcurrentAsync(HttpClient client, SearchLoadOptions o)
    {
        async Task<(List<double>, long)> Worker(int id, long deadline)
        {
            var latencies = new List<double>(4096);
            long errors = 0;
            for (var i = id; Stopwatch.GetTimestamp() < deadline; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(PathOf(Queries[i % Queries.Length]), HttpCompletionOption.ResponseHeadersRead);
                    await response.Content.CopyToAsync(Stream.Null);
                    errors += response.IsSuccessStatusCode ? 0 : 1;
                }
                catch (HttpRequestException)
                {
                    errors++;
                }
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            return (latencies, errors);
        }
        var warm = Stopwatch.GetTimestamp() + (3 * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(i => Task.Run(() => Worker(i, warm))));
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(o.Duration.TotalSeconds * Stopwatch.Frequency);
        var results = await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(i => Task.Run(() => Worker(i, deadline))));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = results.SelectMany(r => r.Item1).ToArray();
        Array.Sort(all);
        return (all.Length, results.Sum(r => r.Item2), seconds, all);
    }

    private static DbConnection? OpenDatabase(SearchLoadOptions o)
    {
        DbConnection? connection = o.SqlitePath is not null ? new SqliteConnection($"Data Source={o.SqlitePath};Mode=ReadOnly")
            : o.Postgres is not null ? new NpgsqlConnection(o.Postgres) : null;
        connection?.Open();
        return connection;
    }

    /// <summary>The naive way: LIKE '%q%' on name, model, organisation and functions, the filter, count and the first 20.</summary>
    private static async Task<long> LikeAsync(DbConnection db, (string Q, string Filter, string Value) q)
    {
        var filter = q.Filter switch
        {
            "region" => "r.region_code = @v",
            "district" => "r.district_code = @v",
            "kind" => "r.kind = @v",
            "category" => "r.category_code LIKE @cat",
            _ => throw new ArgumentException(q.Filter),
        };
        var where = $"FROM resources r JOIN organizations o ON o.id = r.organization_id WHERE r.status = 'Published' AND (r.name LIKE @p OR r.model LIKE @p OR o.name LIKE @p OR r.main_functions LIKE @p) AND {filter}";
        long count;
        await using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = $"SELECT count(*) {where}";
            Bind(cmd, q);
            count = Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        await using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = $"SELECT r.id, r.name, r.model, o.name {where} ORDER BY r.name LIMIT 20";
            Bind(cmd, q);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        }
        return count;
    }

    private static void Bind(DbCommand cmd, (string Q, string Filter, string Value) q)
    {
        void Add(string name, object value)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        Add("@p", "%" + q.Q + "%");
        Add("@v", q.Value);
        Add("@cat", q.Value[..2] + "%");
    }
}

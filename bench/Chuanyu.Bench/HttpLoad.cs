using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Chuanyu.Bench;

public sealed record HttpLoadOptions(
    Uri Url, string? TokenEmail, string? Password, int Concurrency, TimeSpan Duration, TimeSpan Warmup, long MaxRequests, TimeSpan Timeout)
{
    public static HttpLoadOptions Parse(ReadOnlySpan<string> args)
    {
        Uri? url = null;
        string? email = null, password = null;
        int concurrency = 16, durationS = 15, warmupS = 3, timeoutS = 30;
        long maxRequests = long.MaxValue;
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
                case "--token-email": email = value; break;
                case "--password": password = value; break;
                case "--concurrency": concurrency = Int(name, value, 1, 1024); break;
                case "--duration": durationS = Int(name, value, 1, 600); break;
                case "--warmup": warmupS = Int(name, value, 0, 60); break;
                case "--timeout": timeoutS = Int(name, value, 1, 120); break;
                case "--max-requests": maxRequests = Int(name, value, 1, int.MaxValue); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        if (url is null)
        {
            throw new ArgumentException("--url is required");
        }
        if (url.Scheme is not ("http" or "https") || !url.IsLoopback)
        {
            throw new ArgumentException($"--url must be an http(s) URL on the loopback interface, got {url}");
        }
        if (email is not null && password is null)
        {
            throw new ArgumentException("--token-email needs --password");
        }
        return new HttpLoadOptions(url, email, password, concurrency, TimeSpan.FromSeconds(durationS),
            TimeSpan.FromSeconds(warmupS), maxRequests, TimeSpan.FromSeconds(timeoutS));
    }

    internal static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be an integer from {min} to {max}, got '{value}'");
}

/// <summary>
/// Closed-loop HTTP load: each worker sends its next request as soon as the previous response body is read. Every
/// latency of the measured phase is kept; percentiles come from the sorted array (nearest rank).
/// </summary>
public static class HttpLoad
{
    public static async Task<int> RunAsync(HttpLoadOptions o)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = o.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = o.Timeout };

        if (o.TokenEmail is not null)
        {
            var login = new Uri(o.Url, "/api/v1/auth/login");
            using var response = await client.PostAsJsonAsync(login, new { email = o.TokenEmail, password = o.Password });
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync();
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"error: sign-in as {o.TokenEmail} at {login} failed: {(int)response.StatusCode} {body}"));
                return 1;
            }
            var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GET {o.Url}  concurrency={o.Concurrency} duration={o.Duration.TotalSeconds}s warmup={o.Warmup.TotalSeconds}s bearer={(o.TokenEmail ?? "none")}"));

        if (o.Warmup > TimeSpan.Zero)
        {
            await RunPhaseAsync(client, o, o.Warmup, long.MaxValue);
        }
        var result = await RunPhaseAsync(client, o, o.Duration, o.MaxRequests);
        Print(result);
        return result.Requests > 0 ? 0 : 1;
    }

    private sealed record PhaseResult(long Requests, long Errors, double ElapsedSeconds, double[] SortedLatenciesMs, IReadOnlyDictionary<string, long> Statuses);

    private static async Task<PhaseResult> RunPhaseAsync(HttpClient client, HttpLoadOptions o, TimeSpan duration, long maxRequests)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long issued = 0;
        var workers = Enumerable.Range(0, o.Concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(1 << 16);
            var statuses = new Dictionary<string, long>(StringComparer.Ordinal);
            long errors = 0;
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref issued) <= maxRequests)
            {
                var t0 = Stopwatch.GetTimestamp();
                string status;
                try
                {
                    using var response = await client.GetAsync(o.Url, HttpCompletionOption.ResponseHeadersRead);
                    await response.Content.CopyToAsync(Stream.Null);
                    status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                    if (!response.IsSuccessStatusCode)
                    {
                        errors++;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    status = ex.GetType().Name;
                    errors++;
                }
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }
            return (latencies, errors, statuses);
        })).ToArray();
        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var all = results.SelectMany(r => r.latencies).ToArray();
        Array.Sort(all);
        var byStatus = results.SelectMany(r => r.statuses)
            .GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal);
        return new PhaseResult(all.Length, results.Sum(r => r.errors), elapsed, all, byStatus);
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static void Print(PhaseResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var l = r.SortedLatenciesMs;
        Console.WriteLine(string.Create(c, $"requests     {r.Requests}"));
        Console.WriteLine(string.Create(c, $"errors       {r.Errors} (non-2xx or failed)"));
        Console.WriteLine(string.Create(c, $"statuses     {string.Join(", ", r.Statuses.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}"));
        Console.WriteLine(string.Create(c, $"elapsed      {r.ElapsedSeconds:F2} s"));
        Console.WriteLine(string.Create(c, $"throughput   {r.Requests / r.ElapsedSeconds:F1} req/s"));
        if (l.Length > 0)
        {
            Console.WriteLine(string.Create(c, $"latency ms   p50 {Percentile(l, 50):F2}  p95 {Percentile(l, 95):F2}  p99 {Percentile(l, 99):F2}  min {l[0]:F2}  max {l[^1]:F2}  mean {l.Average():F2}"));
        }
    }
}

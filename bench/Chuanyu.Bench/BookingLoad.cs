using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Chuanyu.Bench;

public sealed record BookingLoadOptions(Uri Url, string Password, int Instruments, int Concurrency, TimeSpan Duration, TimeSpan Warmup, int Storm, int Rate, string? Out, string? Record)
{
    public static BookingLoadOptions Parse(ReadOnlySpan<string> args)
    {
        Uri? url = null;
        string password = "Chuanyu@2026";
        string? output = null, record = null;
        int instruments = 64, concurrency = 32, durationS = 20, warmupS = 3, storm = 300, rate = 300;
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
                case "--password": password = value; break;
                case "--instruments": instruments = HttpLoadOptions.Int(name, value, 1, 5000); break;
                case "--concurrency": concurrency = HttpLoadOptions.Int(name, value, 1, 512); break;
                case "--duration": durationS = HttpLoadOptions.Int(name, value, 1, 600); break;
                case "--warmup": warmupS = HttpLoadOptions.Int(name, value, 0, 60); break;
                case "--storm": storm = HttpLoadOptions.Int(name, value, 0, 5000); break;
                case "--rate": rate = HttpLoadOptions.Int(name, value, 0, 100_000); break;
                case "--out": output = value; break;
                case "--record": record = value; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        if (url is null || !url.IsLoopback)
        {
            throw new ArgumentException("--url must be an http(s) URL on the loopback interface");
        }
        return new BookingLoadOptions(url, password, instruments, concurrency, TimeSpan.FromSeconds(durationS), TimeSpan.FromSeconds(warmupS), storm, rate, output, record);
    }
}

/// <summary>
/// Booking under load through the HTTP API of a running platform with the demo accounts:
/// <list type="number">
/// <item>creates <c>--instruments</c> published instruments of 重庆大学 open around the clock (no notice, a year ahead);</item>
/// <item>the conflict storm: <c>--storm</c> concurrent requests for overlapping time on one instrument; exactly one must
/// get 201, the rest 409, none a 5xx;</item>
/// <item>sustained non-conflicting bookings: <c>--concurrency</c> closed-loop clients, each request a fresh half hour of
/// some instrument, for <c>--duration</c> after a warm-up; bookings per second and latency percentiles.</item>
/// </list>
/// </summary>
public static class BookingLoad
{
    private static readonly string[] Users = ["scu.researcher@chuanyu.demo", "engineer@chuanyu.demo", "cqu.admin@chuanyu.demo", "cqu.instrument@chuanyu.demo"];
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public static async Task<int> RunAsync(BookingLoadOptions o)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(o.Concurrency, 64), UseCookies = false, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = o.Url, Timeout = TimeSpan.FromSeconds(60) };
        var tokens = new List<string>();
        foreach (var user in Users)
        {
            tokens.Add(await LoginAsync(http, user, o.Password));
        }
        var managerToken = tokens[^1];
        var run = DateTimeOffset.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
        Console.WriteLine($"creating {o.Instruments} instruments …");
        var setup = Stopwatch.StartNew();
        var instruments = new List<Guid>();
        for (var i = 0; i < o.Instruments; i++)
        {
            instruments.Add(await CreateInstrumentAsync(http, managerToken, $"压测仪器 {run}-{i:D4}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  done in {setup.Elapsed.TotalSeconds:F1} s"));
        // Bookings start tomorrow (China Standard Time) so none is in the past while the run lasts.
        var tomorrow = DateTimeOffset.UtcNow.ToOffset(Cst).Date.AddDays(1);
        var baseDay = new DateTimeOffset(tomorrow, Cst);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Booking load through HTTP — {o.Url} — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{o.Instruments} instruments, {Users.Length} signed-in users; every booking needs approval (status Pending), so each insert also queues the e-mails to the managers and the user.").AppendLine();

        if (o.Storm > 0)
        {
            var stormStart = baseDay.AddHours(10);
            var outcomes = new ConcurrentBag<HttpStatusCode>();
            using var gate = new SemaphoreSlim(0);
            var watch = new Stopwatch();
            var tasks = Enumerable.Range(0, o.Storm).Select(async i =>
            {
                await gate.WaitAsync();
                // Every request covers 10:00–10:30 of the first instrument; starts and ends vary.
                var start = stormStart.AddMinutes(-30 * (i % 3));
                var end = stormStart.AddMinutes(30 + 30 * (i % 4));
                outcomes.Add((await PostAsync(http, tokens[i % tokens.Count], instruments[0], start, end, $"冲突风暴 {i}")).Status);
            }).ToList();
            watch.Start();
            gate.Release(tasks.Count);
            await Task.WhenAll(tasks);
            watch.Stop();
            var created = outcomes.Count(s => s == HttpStatusCode.Created);
            var conflicts = outcomes.Count(s => s == HttpStatusCode.Conflict);
            var failed = outcomes.Count(s => (int)s >= 500 || s == 0);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"Conflict storm: {o.Storm} concurrent requests for overlapping time on one instrument in {watch.Elapsed.TotalMilliseconds:F0} ms: **{created} × 201**, {conflicts} × 409, {failed} × 5xx/failed, {outcomes.Count - created - conflicts - failed} other.");
            Console.WriteLine(line);
            report.AppendLine(line).AppendLine();
            if (created != 1 || failed > 0)
            {
                Console.Error.WriteLine("error: the storm did not end with exactly one booking and no failures");
            }
        }

        // --record: one line per 201 ("id start end"), flushed at once, so a crash of the server cannot lose what a
        // client was told (the kill scenario checks each line against the database afterwards).
        using var record = o.Record is null ? null : new StreamWriter(o.Record, append: false) { AutoFlush = true };
        var recordLock = new object();
        long next = 0;
        DateTimeOffset SlotOf(long n, out Guid instrument)
        {
            instrument = instruments[(int)(n % instruments.Count)];
            var k = n / instruments.Count + 2; // slot 0–1 of day 0 is the storm's
            return baseDay.AddDays(1 + k / 48).AddMinutes(30 * (k % 48));
        }
        async Task<(List<double> Latencies, Dictionary<string, int> Statuses, double Seconds)> PhaseAsync(TimeSpan length)
        {
            var latencies = new ConcurrentBag<double>();
            var statuses = new ConcurrentDictionary<string, int>();
            var stopAt = Stopwatch.StartNew();
            // Open loop at --rate: client w sends its k-th request at w·gap + k·interval and the latency counts from that
            // scheduled instant, so a server that falls behind shows it (no coordinated omission). --rate 0: closed loop.
            var interval = o.Rate > 0 ? TimeSpan.FromSeconds((double)o.Concurrency / o.Rate) : TimeSpan.Zero;
            var workers = Enumerable.Range(0, o.Concurrency).Select(async w =>
            {
                var due = interval * w / o.Concurrency;
                while (stopAt.Elapsed < length)
                {
                    if (o.Rate > 0)
                    {
                        var wait = due - stopAt.Elapsed;
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait);
                        }
                    }
                    var scheduled = o.Rate > 0 ? due : stopAt.Elapsed;
                    due += interval;
                    var n = Interlocked.Increment(ref next);
                    var start = SlotOf(n, out var instrument);
                    var (status, id) = await PostAsync(http, tokens[w % tokens.Count], instrument, start, start.AddMinutes(30), "持续压测");
                    if (record is not null && status == HttpStatusCode.Created)
                    {
                        lock (recordLock)
                        {
                            record.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id}\t{instrument}\t{start:O}"));
                        }
                    }
                    latencies.Add((stopAt.Elapsed - scheduled).TotalMilliseconds);
                    statuses.AddOrUpdate(((int)status).ToString(CultureInfo.InvariantCulture), 1, (_, c) => c + 1);
                }
            }).ToList();
            await Task.WhenAll(workers);
            return ([.. latencies.Order()], statuses.ToDictionary(), stopAt.Elapsed.TotalSeconds);
        }
        if (o.Warmup > TimeSpan.Zero)
        {
            await PhaseAsync(o.Warmup);
        }
        Console.WriteLine("measuring …");
        var (sorted, counts, seconds) = await PhaseAsync(o.Duration);
        var ok = counts.GetValueOrDefault("201");
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Sustained non-conflicting bookings, {o.Concurrency} clients {(o.Rate > 0 ? $"sending {o.Rate} requests/s in all (open loop)" : "back to back (closed loop)")}, {o.Duration.TotalSeconds:F0} s after {o.Warmup.TotalSeconds:F0} s warm-up: {sorted.Count} requests ({string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} × {c.Key}"))}), **{ok / seconds:F1} bookings/s**, p50 {HttpLoad.Percentile([.. sorted], 50):F1} ms, **p95 {HttpLoad.Percentile([.. sorted], 95):F1} ms**, p99 {HttpLoad.Percentile([.. sorted], 99):F1} ms, max {sorted[^1]:F1} ms.");
        Console.WriteLine(summary);
        report.AppendLine(summary);
        if (o.Out is not null)
        {
            await File.WriteAllTextAsync(o.Out, report.ToString());
        }
        return ok > 0 ? 0 : 1;
    }

    internal static async Task<string> LoginAsync(HttpClient http, string email, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        if (!response.IsSuccessStatusCode)
        {
            throw new ArgumentException($"sign-in as {email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    internal static async Task<(HttpStatusCode Status, Guid? Id)> PostAsync(HttpClient http, string token, Guid instrument, DateTimeOffset start, DateTimeOffset end, string purpose)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/bookings")
        {
            Content = JsonContent.Create(new
            {
                instrumentId = instrument,
                start = start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                end = end.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                purpose,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, response.StatusCode == HttpStatusCode.Created ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid() : null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (0, null); // the server went away mid-request (the kill scenario)
        }
    }

    /// <summary>One API call with the bearer token; the answer's JSON (default when empty); throws on anything but 2xx.</summary>
    internal static async Task<JsonElement> SendAsync(HttpClient http, string token, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static async Task<Guid> CreateInstrumentAsync(HttpClient http, string token, string name)
    {
        Task<JsonElement> SendAsync(HttpMethod method, string path, object? body) => BookingLoad.SendAsync(http, token, method, path, body);
        // Looked up by name: after `seed` there are hundreds of organisations and 重庆大学 need not be on the first page.
        var organizations = await SendAsync(HttpMethod.Get, $"/api/v1/organizations?q={Uri.EscapeDataString("重庆大学")}&pageSize=100", null);
        var cqu = organizations.GetProperty("items").EnumerateArray().First(o => o.GetProperty("name").GetString() == "重庆大学").GetProperty("id").GetGuid();
        var created = await SendAsync(HttpMethod.Post, "/api/v1/resources", new
        {
            kind = "Instrument",
            name,
            organizationId = cqu,
            districtCode = "500106",
            sharingStatus = "OpenToAll",
            categoryCode = "010102",
            originalValue = 1_000_000m,
            fees = new object[] { new { userType = "Internal", price = 200m, unit = "小时" }, new { userType = "OtherRegion", price = 400m, unit = "小时" } },
        });
        var id = created.GetProperty("id").GetGuid();
        await SendAsync(HttpMethod.Post, $"/api/v1/resources/{id}/publish", null);
        var rules = await SendAsync(HttpMethod.Get, $"/api/v1/instruments/{id}/booking-rules", null);
        var body = rules.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        body["opensAt"] = "00:00";
        body["closesAt"] = "24:00";
        body["openDays"] = new[] { 1, 2, 3, 4, 5, 6, 7 };
        body["minNoticeMinutes"] = 0;
        body["maxHorizonDays"] = 366;
        await SendAsync(HttpMethod.Put, $"/api/v1/instruments/{id}/booking-rules", body);
        return id;
    }
}

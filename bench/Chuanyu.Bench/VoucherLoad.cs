using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Vouchers;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Bench;

public sealed record VoucherLoadOptions(Uri Url, string? Sqlite, string? Postgres, string Password, int Storm, int Concurrency, TimeSpan Duration, TimeSpan Warmup,
    bool WithBookings, int Instruments, int Uses, string? Record, string? Out, int PerProgramme = 8)
{
    public static VoucherLoadOptions Parse(ReadOnlySpan<string> args)
    {
        Uri? url = null;
        string password = "Chuanyu@2026";
        string? sqlite = null, pg = null, record = null, output = null;
        int storm = 0, concurrency = 0, durationS = 20, warmupS = 3, instruments = 32, uses = 0, perProgramme = 8;
        var withBookings = false;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--with-bookings")
            {
                withBookings = true;
                continue;
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }
            var value = args[++i];
            switch (name)
            {
                case "--url": url = new Uri(value, UriKind.Absolute); break;
                case "--sqlite": sqlite = value; break;
                case "--pg": pg = value; break;
                case "--password": password = value; break;
                case "--storm": storm = HttpLoadOptions.Int(name, value, 1, 5000); break;
                case "--concurrency": concurrency = HttpLoadOptions.Int(name, value, 1, 80); break;
                case "--duration": durationS = HttpLoadOptions.Int(name, value, 1, 600); break;
                case "--warmup": warmupS = HttpLoadOptions.Int(name, value, 0, 60); break;
                case "--instruments": instruments = HttpLoadOptions.Int(name, value, 1, 1000); break;
                case "--uses": uses = HttpLoadOptions.Int(name, value, 1, 1_000_000); break;
                case "--per-programme": perProgramme = HttpLoadOptions.Int(name, value, 1, 80); break;
                case "--record": record = value; break;
                case "--out": output = value; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        if (url is null || !url.IsLoopback)
        {
            throw new ArgumentException("--url must be an http(s) URL on the loopback interface");
        }
        if ((sqlite is null) == (pg is null))
        {
            throw new ArgumentException("give the platform's database: --sqlite <file> or --pg \"<connection string>\" (the completed uses are written there)");
        }
        if (storm == 0 && concurrency == 0)
        {
            throw new ArgumentException("--storm N and/or --concurrency N");
        }
        return new VoucherLoadOptions(url, sqlite, pg, password, storm, concurrency, TimeSpan.FromSeconds(durationS), TimeSpan.FromSeconds(warmupS),
            withBookings, instruments, uses > 0 ? uses : concurrency * 1500, record, output, perProgramme);
    }
}

/// <summary>
/// Redemptions of innovation vouchers through the HTTP API of a running platform with the demo data (a confirmed SME
/// 成都蓉芯, 重庆大学 an approved provider): the vouchers are made as the workflow makes them (a programme of the Sichuan
/// administrator, funded and opened, 蓉芯's administrator applies, the Sichuan administrator approves); the completed
/// uses they pay (¥100 bookings of a 重庆大学 instrument by 蓉芯's engineer, checked out years ago) are written straight
/// into the platform's database, since no booking can be checked out in the past through the API.
/// <list type="number">
/// <item><c>--storm N</c>: one ¥1,000 voucher at 1/3, N concurrent redemptions on N completed ¥100 uses. Checks: the balance
/// is never negative; Σ subsidies of the 2xx answers = face − balance; the 2xx count = the voucher's redemption rows; the
/// ledger's invariants hold (<see cref="VoucherInvariants"/>, what <c>vouchers-check</c> runs).</item>
/// <item><c>--concurrency C --duration D</c>: C closed-loop clients, each redeeming its own voucher (distinct vouchers) on
/// fresh uses; redemptions/s and latency percentiles. <c>--with-bookings</c> then measures booking creation with the
/// same clients on the same host, so the two figures come from one run.</item>
/// </list>
/// <c>--record</c> writes one line per 2xx redemption ("number subsidy"), flushed at once (the kill scenario).
/// </summary>
public static class VoucherLoad
{
    private const string Engineer = "engineer@chuanyu.demo";
    private const string RongxinAdmin = "rongxin.admin@chuanyu.demo";
    private const string SichuanAdmin = "sc.admin@chuanyu.demo";
    private const string Manager = "cqu.instrument@chuanyu.demo";
    private const string Purpose = "创新券压测";
    private const long UseFeeFen = 10_000;
    private static readonly string[] Categories = ["InstrumentUse", "Testing"];

    public static async Task<int> RunAsync(VoucherLoadOptions o)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(o.Concurrency, 64), UseCookies = false, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = o.Url, Timeout = TimeSpan.FromSeconds(60) };
        var engine = o.Postgres is null ? "SQLite" : "PostgreSQL";
        var tokens = new Dictionary<string, string>();
        foreach (var user in new[] { Engineer, RongxinAdmin, SichuanAdmin, Manager })
        {
            tokens[user] = await BookingLoad.LoginAsync(http, user, o.Password);
        }
        var run = DateTimeOffset.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Voucher redemptions through HTTP — {engine} — {o.Url} — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC").AppendLine();
        using var record = o.Record is null ? null : new StreamWriter(o.Record, append: false) { AutoFlush = true };
        var recordLock = new object();
        var failed = false;

        if (o.Storm > 0)
        {
            var code = (await VouchersAsync(http, tokens, $"BENCH-S{run}", 100_000, 1, 1))[0];
            var uses = await AddUsesAsync(o, o.Storm);
            var outcomes = new ConcurrentBag<(HttpStatusCode Status, long Subsidy, string? Number)>();
            using var gate = new SemaphoreSlim(0);
            var callers = new[] { tokens[Engineer], tokens[RongxinAdmin] };
            var tasks = uses.Select(async (use, i) =>
            {
                await gate.WaitAsync();
                var outcome = await RedeemAsync(http, callers[i % callers.Length], code, use);
                if (outcome.Status == HttpStatusCode.Created)
                {
                    Record(record, recordLock, outcome);
                }
                outcomes.Add(outcome);
            }).ToList();
            var watch = Stopwatch.StartNew();
            gate.Release(tasks.Count);
            await Task.WhenAll(tasks);
            watch.Stop();
            var won = outcomes.Where(x => x.Status == HttpStatusCode.Created).ToList();
            var balance = await BalanceAsync(http, tokens[Engineer], code);
            var rows = await WithDbAsync(o, async db =>
            {
                var voucher = await db.Set<Voucher>().Where(v => v.Code == code).Select(v => v.Id).FirstAsync();
                return await db.Set<VoucherRedemption>().CountAsync(r => r.VoucherId == voucher);
            });
            var check = await WithDbAsync(o, db => new VoucherInvariants(db).CheckAsync(null, default));
            var ok = balance >= 0 && won.Sum(x => x.Subsidy) == 100_000 - balance && won.Count == rows && check.Intact
                && outcomes.All(x => x.Status is HttpStatusCode.Created or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"Storm on {engine}: {o.Storm} concurrent redemptions of one ¥1,000 voucher (1/3 of ¥100 uses) in {watch.Elapsed.TotalMilliseconds:F0} ms: "
                + $"{string.Join(", ", outcomes.GroupBy(x => (int)x.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"))}; "
                + $"2xx subsidies {string.Join(" + ", won.GroupBy(x => x.Subsidy).OrderByDescending(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"))} = {won.Sum(x => x.Subsidy)} fen; "
                + $"balance {balance} fen (face − balance = {100_000 - balance}); redemption rows {rows}; invariants {(check.Intact ? "intact" : "BROKEN")} → **{(ok ? "PASS" : "FAIL")}**");
            Console.WriteLine(line);
            report.AppendLine(line).AppendLine();
            failed |= !ok;
        }

        if (o.Concurrency > 0)
        {
            var codes = await VouchersAsync(http, tokens, $"BENCH-L{run}", 10_000_000, o.Concurrency, o.PerProgramme);
            Console.WriteLine($"writing {o.Uses} completed uses …");
            var uses = await AddUsesAsync(o, o.Uses);
            var next = -1;
            var callers = new[] { tokens[Engineer], tokens[RongxinAdmin] };
            var redeem = await ClosedLoopAsync(o, async (w, ct) =>
            {
                var n = Interlocked.Increment(ref next);
                if (n >= uses.Count)
                {
                    return null; // the pool is used up: this client stops
                }
                var outcome = await RedeemAsync(http, callers[w % callers.Length], codes[w], uses[n]);
                if (outcome.Status == HttpStatusCode.Created)
                {
                    Record(record, recordLock, outcome);
                }
                else if (outcome.Status == 0)
                {
                    await Task.Delay(250, ct); // the server is away (the kill scenario): do not burn the pool of uses meanwhile
                }
                return outcome.Status;
            });
            var line = redeem.Summary($"Sustained redemptions on {engine}, {o.Concurrency} clients each on its own voucher, up to {o.PerProgramme} vouchers a programme (closed loop)", "redemptions/s", HttpStatusCode.Created);
            Console.WriteLine(line);
            report.AppendLine(line).AppendLine();
            var check = await WithDbAsync(o, db => new VoucherInvariants(db).CheckAsync(null, default));
            Console.WriteLine($"invariants after the load: {(check.Intact ? "intact" : "BROKEN")}");
            report.AppendLine(CultureInfo.InvariantCulture, $"Invariants after the load: {(check.Intact ? "intact" : "BROKEN")}.").AppendLine();
            failed |= !check.Intact || redeem.Ok == 0;

            if (o.WithBookings)
            {
                Console.WriteLine($"creating {o.Instruments} instruments …");
                var instruments = new List<Guid>();
                for (var i = 0; i < o.Instruments; i++)
                {
                    instruments.Add(await BookingLoad.CreateInstrumentAsync(http, tokens[Manager], $"压测仪器 V{run}-{i:D4}"));
                }
                var baseDay = new DateTimeOffset(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Date.AddDays(2), TimeSpan.FromHours(8));
                long slot = -1;
                var bookers = new[] { tokens[Engineer], tokens[RongxinAdmin], tokens[Manager] };
                var book = await ClosedLoopAsync(o, async (w, ct) =>
                {
                    var n = Interlocked.Increment(ref slot);
                    var instrument = instruments[(int)(n % instruments.Count)];
                    var k = n / instruments.Count;
                    var start = baseDay.AddDays(k / 48).AddMinutes(30 * (k % 48));
                    return (await BookingLoad.PostAsync(http, bookers[w % bookers.Length], instrument, start, start.AddMinutes(30), "持续压测")).Status;
                });
                var bookingLine = book.Summary($"Booking creation on {engine}, same host and run, {o.Concurrency} clients (closed loop)", "bookings/s", HttpStatusCode.Created);
                Console.WriteLine(bookingLine);
                report.AppendLine(bookingLine).AppendLine();
            }
        }
        if (o.Out is not null)
        {
            await File.WriteAllTextAsync(o.Out, report.ToString());
        }
        return failed ? 1 : 0;
    }

    private static void Record(StreamWriter? record, object recordLock, (HttpStatusCode Status, long Subsidy, string? Number) outcome)
    {
        if (record is null)
        {
            return;
        }
        lock (recordLock)
        {
            record.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outcome.Number}\t{outcome.Subsidy}"));
        }
    }

    private sealed record Phase(List<double> Latencies, Dictionary<string, int> Statuses, double Seconds)
    {
        public int Ok => Statuses.Where(s => s.Key.StartsWith('2')).Sum(s => s.Value);

        public string Summary(string what, string unit, HttpStatusCode success)
        {
            var sorted = Latencies.ToArray();
            var ok = Statuses.GetValueOrDefault(((int)success).ToString(CultureInfo.InvariantCulture));
            return string.Create(CultureInfo.InvariantCulture,
                $"{what}, {Seconds:F1} s: {sorted.Length} requests ({string.Join(", ", Statuses.OrderBy(c => c.Key).Select(c => $"{c.Value} × {c.Key}"))}), **{ok / Seconds:F1} {unit}**, "
                + $"p50 {HttpLoad.Percentile(sorted, 50):F1} ms, **p95 {HttpLoad.Percentile(sorted, 95):F1} ms**, p99 {HttpLoad.Percentile(sorted, 99):F1} ms, max {(sorted.Length > 0 ? sorted[^1] : 0):F1} ms.");
        }
    }

    /// <summary>A warm-up (not counted), then <c>--duration</c> of closed-loop clients; <paramref name="send"/> answers null when it has nothing more to send.</summary>
    private static async Task<Phase> ClosedLoopAsync(VoucherLoadOptions o, Func<int, CancellationToken, Task<HttpStatusCode?>> send)
    {
        async Task<Phase> RunAsync(TimeSpan length)
        {
            var latencies = new ConcurrentBag<double>();
            var statuses = new ConcurrentDictionary<string, int>();
            var clock = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, o.Concurrency).Select(async w =>
            {
                while (clock.Elapsed < length)
                {
                    var t0 = clock.Elapsed;
                    if (await send(w, default) is not { } status)
                    {
                        return;
                    }
                    latencies.Add((clock.Elapsed - t0).TotalMilliseconds);
                    statuses.AddOrUpdate(((int)status).ToString(CultureInfo.InvariantCulture), 1, (_, c) => c + 1);
                }
            }).ToList();
            await Task.WhenAll(workers);
            return new Phase([.. latencies.Order()], statuses.ToDictionary(), clock.Elapsed.TotalSeconds);
        }
        if (o.Warmup > TimeSpan.Zero)
        {
            await RunAsync(o.Warmup);
        }
        Console.WriteLine("measuring …");
        return await RunAsync(o.Duration);
    }

    /// <summary>
    /// <paramref name="count"/> vouchers of <paramref name="faceFen"/> for 蓉芯 as the workflow makes them: programmes of the
    /// Sichuan administrator (通兑, 1/3, no caps, up to <paramref name="perProgramme"/> vouchers each), funded and opened; 蓉芯's
    /// administrator applies; the Sichuan administrator approves. The codes, in issue order.
    /// </summary>
    private static async Task<List<string>> VouchersAsync(HttpClient http, Dictionary<string, string> tokens, string codePrefix, long faceFen, int count, int perProgramme)
    {
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
        var codes = new List<string>();
        for (var p = 0; codes.Count < count; p++)
        {
            var n = Math.Min(perProgramme, count - codes.Count);
            var programme = await SendAsync(http, tokens[SichuanAdmin], HttpMethod.Post, "/api/v1/voucher-programmes", new
            {
                code = $"{codePrefix}-{p}",
                name = $"压测创新券 {codePrefix}-{p}",
                issuerDivisionCode = "510000",
                year = today.Year,
                mode = "Redeem",
                faceValuesFen = new[] { faceFen },
                ratioNum = 1,
                ratioDen = 3,
                vouchersPerEnterprise = n,
                categories = Categories,
                allowOtherRegion = true,
                allocation = "FirstCome",
                applyFrom = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                applyUntil = today.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                useUntil = today.AddDays(60).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                redeemUntil = today.AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            });
            var id = programme.GetProperty("id").GetGuid();
            await SendAsync(http, tokens[SichuanAdmin], HttpMethod.Post, $"/api/v1/voucher-programmes/{id}/budget", new { budgetFen = faceFen * n });
            await SendAsync(http, tokens[SichuanAdmin], HttpMethod.Post, $"/api/v1/voucher-programmes/{id}/open", new { });
            var application = await SendAsync(http, tokens[RongxinAdmin], HttpMethod.Post, $"/api/v1/voucher-programmes/{id}/applications",
                new { faceValuesFen = Enumerable.Repeat(faceFen, n).ToArray() });
            await SendAsync(http, tokens[SichuanAdmin], HttpMethod.Post, $"/api/v1/voucher-applications/{application.GetProperty("id").GetGuid()}/decision", new { approve = true });
            var mine = await SendAsync(http, tokens[RongxinAdmin], HttpMethod.Get, "/api/v1/vouchers", null);
            codes.AddRange(mine.EnumerateArray().Where(v => v.GetProperty("programmeId").GetGuid() == id)
                .OrderBy(v => v.GetProperty("issuedAt").GetDateTimeOffset()).Select(v => v.GetProperty("code").GetString()!));
        }
        Console.WriteLine($"{codes.Count} voucher(s) of {faceFen} fen issued");
        return codes;
    }

    private static async Task<(HttpStatusCode Status, long Subsidy, string? Number)> RedeemAsync(HttpClient http, string token, string code, Guid booking)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/vouchers/{code}/redemptions") { Content = JsonContent.Create(new { bookingId = booking }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return (response.StatusCode, 0, null);
            }
            var json = JsonDocument.Parse(body).RootElement;
            return (response.StatusCode, json.GetProperty("subsidyFen").GetInt64(), json.GetProperty("number").GetString());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (0, 0, null); // the server went away mid-request (the kill scenario)
        }
    }

    private static async Task<long> BalanceAsync(HttpClient http, string token, string code) =>
        (await SendAsync(http, token, HttpMethod.Get, $"/api/v1/vouchers/{code}", null)).GetProperty("voucher").GetProperty("balanceFen").GetInt64();

    private static Task<JsonElement> SendAsync(HttpClient http, string token, HttpMethod method, string path, object? body) =>
        BookingLoad.SendAsync(http, token, method, path, body);

    private static async Task<T> WithDbAsync<T>(VoucherLoadOptions o, Func<AppDbContext, Task<T>> work)
    {
        var builder = new DbContextOptionsBuilder<AppDbContext>();
        if (o.Postgres is not null)
        {
            builder.UseNpgsql(o.Postgres);
        }
        else
        {
            builder.UseSqlite($"Data Source={o.Sqlite};Default Timeout=60");
        }
        await using var db = new AppDbContext(builder.Options);
        return await work(db);
    }

    /// <summary>
    /// <paramref name="count"/> completed ¥100 bookings (one hour each, back to back, after the last ones this tool wrote, years
    /// ago) of one 重庆大学 instrument by 蓉芯's engineer, as check-out leaves them; written in batches.
    /// </summary>
    private static Task<List<Guid>> AddUsesAsync(VoucherLoadOptions o, int count) => WithDbAsync(o, async db =>
    {
        var cqu = await db.Organizations.Where(x => x.Name == "重庆大学").Select(x => x.Id).FirstAsync();
        var rongxin = await db.Organizations.Where(x => x.Name == "成都蓉芯微纳检测技术有限公司").Select(x => x.Id).FirstAsync();
        var engineer = await db.Users.Where(u => u.Email == Engineer).Select(u => u.Id).FirstAsync();
        var instrument = await db.Set<Resource>().Where(r => r.OrganizationId == cqu && r.Kind == ResourceKind.Instrument).OrderBy(r => r.Id).Select(r => r.Id).FirstAsync();
        var last = await db.Set<InstrumentBooking>().Where(b => b.Purpose == Purpose).Select(b => (DateTimeOffset?)b.BlockedUntil).MaxAsync();
        var start = last ?? new DateTimeOffset(2010, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ids = new List<Guid>(count);
        for (var done = 0; done < count;)
        {
            var batch = Math.Min(2000, count - done);
            for (var i = 0; i < batch; i++, done++)
            {
                var at = start.AddHours(done);
                var b = new InstrumentBooking
                {
                    Id = Guid.CreateVersion7(),
                    ResourceId = instrument,
                    OwnerOrganizationId = cqu,
                    UserId = engineer,
                    UserOrganizationId = rongxin,
                    BookedBy = engineer,
                    UserType = FeeUserType.Enterprise,
                    StartAt = at,
                    EndAt = at.AddHours(1),
                    BlockedUntil = at.AddHours(1),
                    Status = BookingStatus.Completed,
                    Purpose = Purpose,
                    CreatedAt = at.AddDays(-1),
                    CheckedInAt = at,
                    CheckedOutAt = at.AddHours(1),
                    FeeFen = UseFeeFen,
                };
                db.Add(b);
                ids.Add(b.Id);
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        return ids;
    });
}

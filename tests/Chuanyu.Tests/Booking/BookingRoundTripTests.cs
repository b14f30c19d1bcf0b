using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Booking;

/// <summary>
/// Issue 14, point 3: what a plain booking asks of the database, counted step by step (<see cref="RoundTrips"/>) and
/// pinned, so a change that adds a round trip to the busiest write of the platform fails here and says which. The
/// clock stands still, so the reads that are due at most once a second or once a minute (the session version, the
/// settings, the session's last-seen time) are not due during the counted request; docs/benchmarks.md lists them.
/// </summary>
public sealed class BookingRoundTripTests : IDisposable
{
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly ChuanyuFactory _factory = new();
    private readonly RoundTrips _trips = new();
    private readonly WebApplicationFactory<Program> _host;
    private readonly ITestOutputHelper _output;

    public BookingRoundTripTests(ITestOutputHelper output)
    {
        _output = output;
        _host = _trips.Attach(_factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock))));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private DateTimeOffset Wednesday(int hour) => Weekday(_clock.GetUtcNow(), 8, DayOfWeek.Wednesday, hour);

    /// <summary>
    /// A booking after the caller's first request (so the session is held), with the outbox rows it queued: the steps it
    /// ran, and how many e-mails it queued.
    /// </summary>
    private async Task<(RoundTrips.Request Counted, int Emails)> BookAsync(string name, Func<HttpClient, Guid, Task>? prepare = null)
    {
        var manager = await SignedInAsync(_host, Demo.CquInstrumentManager);
        var instrument = await InstrumentAsync(_host, manager, name);
        if (prepare is not null)
        {
            await prepare(manager, instrument);
        }
        var researcher = await SignedInAsync(_host, Demo.ScuResearcher);
        var first = await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Wednesday(9), Wednesday(10)));
        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var queued = await WithDbAsync(_host, db => db.Outbox.CountAsync());

        _trips.Clear();
        var response = await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Wednesday(14), Wednesday(15)));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var counted = _trips.Of("POST", "/api/v1/bookings");
        _output.WriteLine($"{_factory.Database.Provider}: {counted}");
        return (counted, await WithDbAsync(_host, db => db.Outbox.CountAsync()) - queued);
    }

    /// <summary>
    /// The steps of a booking, pinned: one read before the transaction (the instrument, its rules, the organisation, the
    /// training record, the blackouts and the managers' addresses), then BEGIN, the advisory lock (PostgreSQL), the
    /// overlap check, the writes, COMMIT. PostgreSQL gets the booking and its e-mails in one batch; SQLite one INSERT
    /// each (EF sends SQLite no batches; each is a call into the engine in the process, not a round trip).
    /// </summary>
    private static void AssertPinned(RoundTrips.Request counted, int emails)
    {
        Assert.True(emails > 0, "the booking queued no e-mail: the count below would not include the outbox");
        var inserts = counted.Steps.Count(s => s.StartsWith("INSERT", StringComparison.Ordinal));
        var others = counted.Steps.Where(s => !s.StartsWith("INSERT", StringComparison.Ordinal)).ToList();
        if (TestDatabase.UsePostgres)
        {
            // read; BEGIN (sent with the lock); lock; overlap check; INSERT batch; COMMIT: five network round trips (eight before).
            Assert.True(counted.NetworkRoundTrips == 5 && counted.Steps.Count == 6 && inserts == 1, counted.ToString());
            Assert.StartsWith("SELECT pg_advisory_xact_lock", counted.Steps[2], StringComparison.Ordinal);
        }
        else
        {
            // read; BEGIN IMMEDIATE; overlap check; COMMIT (seven before: the organisation, the blackouts and the addresses
            // were reads of their own) and one INSERT for the booking and one for each e-mail.
            Assert.True(others.Count == 4 && inserts == 1 + emails, counted.ToString());
        }
        Assert.Equal([RoundTrips.Begin, RoundTrips.Commit], others.Where(s => s is RoundTrips.Begin or RoundTrips.Commit));
        Assert.StartsWith("SELECT", others[0], StringComparison.Ordinal);
        Assert.Equal(RoundTrips.Begin, others[1]);
    }

    [Fact]
    public async Task APlainBooking_MakesFiveRoundTrips()
    {
        var (counted, emails) = await BookAsync("往返计数 扫描电镜");
        AssertPinned(counted, emails);
    }

    [Fact]
    public async Task RulesTrainingAndBlackouts_AreReadWithTheInstrument_NoRoundTripMore()
    {
        var (counted, emails) = await BookAsync("往返计数 培训与停机", async (manager, instrument) =>
        {
            await SetRulesAsync(manager, instrument, r => r["qualificationRequired"] = true);
            Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync($"/api/v1/instruments/{instrument}/qualifications", new { email = Demo.ScuResearcher })).StatusCode);
            var blackout = await manager.PostAsJsonAsync($"/api/v1/instruments/{instrument}/blackouts",
                new { start = Iso(Wednesday(11)), end = Iso(Wednesday(13)), reason = "年度保养" });
            Assert.True(blackout.IsSuccessStatusCode, await blackout.Content.ReadAsStringAsync());
        });
        AssertPinned(counted, emails);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Booking;

/// <summary>
/// Never a double booking, under fire: hundreds of concurrent requests for overlapping time on one instrument, on the
/// engine this run uses (the suite runs once on SQLite and once on PostgreSQL). Exactly one request per contested slot
/// wins; every other gets 409; none gets a 5xx; and the table holds no two active bookings that overlap.
/// </summary>
public sealed class BookingStormTests(ChuanyuFactory factory, ITestOutputHelper output) : IClassFixture<ChuanyuFactory>
{
    private const int Slots = 5;
    private const int RequestsPerSlot = 60;

    [Fact]
    public async Task ConcurrentOverlappingRequests_ExactlyOnePerSlotSucceeds_TheRestGet409_NoneFails()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var instrument = await InstrumentAsync(factory, manager, "冲突风暴 场发射扫描电镜");
        string[] users = [Demo.ScuResearcher, Demo.Engineer, Demo.CquOrgAdmin, Demo.CquInstrumentManager];
        var clients = new List<HttpClient>();
        foreach (var user in users)
        {
            clients.Add(await factory.ApiClientAsync(user));
        }
        var day = Weekday(DateTimeOffset.UtcNow, 8, DayOfWeek.Wednesday, 0);
        // Slot s spans [8+2s, 10+2s) hours; every request for it starts at :00 or :30 of its first hour and ends 1 to 2 hours
        // after the slot's start, so all requests of one slot share the half hour [8:30+2s, 9:00+2s) and no two slots touch.
        var requests = Enumerable.Range(0, Slots * RequestsPerSlot).Select(i =>
        {
            var slot = i % Slots;
            var start = day.AddHours(8 + 2 * slot).AddMinutes(30 * (i / Slots % 2));
            var end = day.AddHours(8 + 2 * slot).AddMinutes(60 + 30 * (i / Slots / 2 % 3));
            return (Slot: slot, Client: clients[i % clients.Count], Body: Request(instrument, start, end, $"冲突风暴 请求 {i}"));
        }).ToList();

        var outcomes = new ConcurrentBag<(int Slot, HttpStatusCode Status)>();
        using var gate = new SemaphoreSlim(0);
        var watch = Stopwatch.StartNew();
        var tasks = requests.Select(async r =>
        {
            await gate.WaitAsync();
            var response = await r.Client.PostAsJsonAsync("/api/v1/bookings", r.Body);
            outcomes.Add((r.Slot, response.StatusCode));
        }).ToList();
        gate.Release(tasks.Count);
        await Task.WhenAll(tasks);
        watch.Stop();
        output.WriteLine($"{factory.Database.Provider}: {requests.Count} concurrent requests over {Slots} slots in {watch.ElapsedMilliseconds} ms");

        Assert.Equal(requests.Count, outcomes.Count);
        Assert.DoesNotContain(outcomes, o => (int)o.Status >= 500);
        Assert.All(outcomes, o => Assert.True(o.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"unexpected {o.Status}"));
        for (var slot = 0; slot < Slots; slot++)
        {
            Assert.Equal(1, outcomes.Count(o => o.Slot == slot && o.Status == HttpStatusCode.Created));
        }

        var held = await factory.WithDbAsync(db => db.Set<InstrumentBooking>().AsNoTracking()
            .Where(b => b.ResourceId == instrument && InstrumentBooking.Active.Contains(b.Status)).OrderBy(b => b.StartAt).ToListAsync());
        Assert.Equal(Slots, held.Count);
        for (var i = 1; i < held.Count; i++)
        {
            Assert.True(held[i - 1].BlockedUntil <= held[i].StartAt, $"{held[i - 1].StartAt}–{held[i - 1].EndAt} overlaps {held[i].StartAt}–{held[i].EndAt}");
        }
        if (factory.Database.Provider == "Postgres")
        {
            await AssertExclusionConstraintAsync(instrument);
        }
    }

    /// <summary>
    /// The database's own guarantee on PostgreSQL, without the application in the way: a second active booking over the
    /// same time is refused by the exclusion constraint (23P01), while a cancelled one may lie under an active one.
    /// </summary>
    private async Task AssertExclusionConstraintAsync(Guid instrument)
    {
        var day = Weekday(DateTimeOffset.UtcNow, 8, DayOfWeek.Thursday, 9);
        var ids = await factory.WithDbAsync(async db => new
        {
            User = await db.Users.Where(u => u.Email == Demo.CquInstrumentManager).Select(u => u.Id).FirstAsync(),
            Org = await db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync(),
        });
        Task<int> InsertAsync(string status, DateTimeOffset start, DateTimeOffset end) => factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO bookings (id, resource_id, owner_organization_id, user_id, user_organization_id, booked_by, user_type, start_at, end_at,
                                  blocked_until, status, purpose, created_at, version)
            VALUES ({Guid.NewGuid()}, {instrument}, {ids.Org}, {ids.User}, {ids.Org}, {ids.User}, 'Internal', {start.ToUniversalTime()}, {end.ToUniversalTime()}, {end.ToUniversalTime()}, {status}, '直接写库', now(), 0)
            """));

        Assert.Equal(1, await InsertAsync("Cancelled", day, day.AddHours(2)));
        Assert.Equal(1, await InsertAsync("Approved", day, day.AddHours(2)));
        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => InsertAsync("Pending", day.AddHours(1), day.AddHours(3)));
        Assert.Equal(Npgsql.PostgresErrorCodes.ExclusionViolation, refused.SqlState);
        Assert.Equal(1, await InsertAsync("Pending", day.AddHours(2), day.AddHours(3))); // [9,11) and [11,12) touch, do not overlap
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.ServiceOrders;
using Chuanyu.Web.Features.Usage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Booking;

/// <summary>
/// A booking's life on a clock the test sets: reminders, check-in window, check-out into a usage record with its fee,
/// late cancellation and no-show fees, and the automatic release of no-shows and check-out of forgotten uses.
/// </summary>
public sealed class BookingLifecycleTests : IDisposable
{
    // Monday 4 March 2030, 09:00 in Chongqing.
    private static readonly DateTimeOffset T0 = new(2030, 3, 4, 9, 0, 0, Cst);
    private static readonly string[] BetItems = ["比表面积"];
    private readonly ChuanyuFactory _factory = new();
    private readonly ManualClock _clock = new(T0);
    private readonly WebApplicationFactory<Program> _host;

    public BookingLifecycleTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2030, 3, day, hour, minute, 0, Cst);

    private Task<HttpClient> ClientAsync(string email) => SignedInAsync(_host, email);

    private async Task<Guid> BookApprovedAsync(Guid instrument, DateTimeOffset start, DateTimeOffset end)
    {
        var researcher = await ClientAsync(Demo.ScuResearcher);
        var response = await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, start, end));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
        var manager = await ClientAsync(Demo.CquInstrumentManager);
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/bookings/{id}/approve", new { })).StatusCode);
        return id;
    }

    private async Task<BookingJobsResult> RunJobsAsync()
    {
        using var scope = _host.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<BookingJobs>().RunAsync(TimeSpan.FromMinutes(2), CancellationToken.None);
        return Assert.IsType<BookingJobsResult>(result);
    }

    private Task<InstrumentBooking> BookingAsync(Guid id) => WithDbAsync(_host, db => db.Set<InstrumentBooking>().AsNoTracking().FirstAsync(b => b.Id == id));

    [Fact]
    public async Task Reminder_CheckIn_CheckOut_LateCancel_NoShow_AndForgottenCheckOut()
    {
        var manager = await ClientAsync(Demo.CquInstrumentManager);
        var instrument = await InstrumentAsync(_host, manager, "生命周期 场发射扫描电镜");
        await SetRulesAsync(manager, instrument, r =>
        {
            r["lateCancelFee"] = 50m;
            r["noShowFee"] = 100m;
            r["cancelDeadlineHours"] = 24;
        });
        var used = await BookApprovedAsync(instrument, At(6, 9), At(6, 11));
        var cancelledLate = await BookApprovedAsync(instrument, At(6, 14), At(6, 15));
        var noShow = await BookApprovedAsync(instrument, At(7, 9), At(7, 10));
        var forgotten = await BookApprovedAsync(instrument, At(7, 14), At(7, 15));

        // Tuesday 10:00: only the booking within 24 hours gets its reminder, once.
        _clock.Set(At(5, 10));
        Assert.Equal(1, (await RunJobsAsync()).Reminders);
        Assert.Equal(0, (await RunJobsAsync()).Reminders);
        Assert.Equal(1, await WithDbAsync(_host, db => db.Outbox.CountAsync(m => m.Recipient == Demo.ScuResearcher && m.Subject.Contains("预约提醒"))));

        // Wednesday: check-in opens 15 minutes before the start.
        _clock.Set(At(6, 8, 40));
        var researcher = await ClientAsync(Demo.ScuResearcher);
        var early = await researcher.PostAsync($"/api/v1/bookings/{used}/check-in", null);
        Assert.Equal("checkInWindow", (await early.AssertProblemAsync(422)).GetProperty("rule").GetString());
        _clock.Set(At(6, 8, 50));
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsync($"/api/v1/bookings/{used}/check-in", null)).StatusCode);
        Assert.Equal(BookingStatus.InUse, (await BookingAsync(used)).Status);

        // Checked out at 10:30: 100 minutes at the other-region price of 500 元 an hour.
        _clock.Set(At(6, 10, 30));
        researcher = await ClientAsync(Demo.ScuResearcher);
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsync($"/api/v1/bookings/{used}/check-out", null)).StatusCode);
        var done = await BookingAsync(used);
        Assert.Equal(BookingStatus.Completed, done.Status);
        Assert.Equal(83_333, done.FeeFen);
        var usage = await WithDbAsync(_host, db => db.Set<UsageRecord>().AsNoTracking().FirstAsync(u => u.BookingId == used));
        Assert.Equal(100, usage.Minutes);
        Assert.True(usage.External);
        Assert.Equal(Chuanyu.Web.Features.Catalog.FeeUserType.OtherRegion, usage.UserType);
        Assert.Equal(At(6, 8, 50), usage.StartedAt);
        var dto = await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{used}");
        Assert.Equal(833.33m, dto.GetProperty("fee").GetDecimal());

        // Cancelling three and a half hours ahead is inside the 24-hour deadline: the late fee applies.
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsJsonAsync($"/api/v1/bookings/{cancelledLate}/cancel", new { note = "样品未到" })).StatusCode);
        Assert.Equal(5_000, (await BookingAsync(cancelledLate)).FeeFen);

        // Thursday: nobody came by 09:15, so at 09:20 the booking is a no-show, charged, and its time released.
        _clock.Set(At(7, 9, 10));
        Assert.Equal(0, (await RunJobsAsync()).NoShows);
        // Once the time has begun, the user can no longer cancel (and dodge the no-show fee).
        researcher = await ClientAsync(Demo.ScuResearcher);
        await (await researcher.PostAsJsonAsync($"/api/v1/bookings/{noShow}/cancel", new { })).AssertProblemAsync(409);
        Assert.False((await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{noShow}")).GetProperty("canCancel").GetBoolean());
        _clock.Set(At(7, 9, 20));
        Assert.Equal(1, (await RunJobsAsync()).NoShows);
        var missed = await BookingAsync(noShow);
        Assert.Equal(BookingStatus.NoShow, missed.Status);
        Assert.Equal(10_000, missed.FeeFen);
        var availability = await _host.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{instrument}/availability?from=2030-03-07&days=1");
        Assert.DoesNotContain(availability.GetProperty("taken").EnumerateArray(), t => t.GetProperty("start").GetDateTimeOffset() == At(7, 9));

        // A use nobody checked out is closed at its booked end an hour later.
        _clock.Set(At(7, 14, 5));
        researcher = await ClientAsync(Demo.ScuResearcher);
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsync($"/api/v1/bookings/{forgotten}/check-in", null)).StatusCode);
        _clock.Set(At(7, 16, 10));
        Assert.Equal(1, (await RunJobsAsync()).AutoCompleted);
        var closed = await BookingAsync(forgotten);
        Assert.Equal(BookingStatus.Completed, closed.Status);
        Assert.Equal(At(7, 15), closed.CheckedOutAt);
        Assert.Equal(55, (await WithDbAsync(_host, db => db.Set<UsageRecord>().AsNoTracking().FirstAsync(u => u.BookingId == forgotten))).Minutes);

        // Finished bookings cannot be cancelled or checked in again.
        researcher = await ClientAsync(Demo.ScuResearcher);

        // Ratings: the user rates a completed booking once; the instrument page shows the average and the count.
        await (await researcher.PostAsJsonAsync($"/api/v1/bookings/{used}/rating", new { score = 7 })).AssertFieldErrorAsync("score");
        await (await researcher.PostAsJsonAsync($"/api/v1/bookings/{noShow}/rating", new { score = 1 })).AssertProblemAsync(409);
        manager = await ClientAsync(Demo.CquInstrumentManager);
        await (await manager.PostAsJsonAsync($"/api/v1/bookings/{used}/rating", new { score = 5 })).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsJsonAsync($"/api/v1/bookings/{used}/rating", new { score = 5, comment = "工程师很专业，图像质量好" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsJsonAsync($"/api/v1/bookings/{forgotten}/rating", new { score = 2 })).StatusCode);
        await (await researcher.PostAsJsonAsync($"/api/v1/bookings/{used}/rating", new { score = 1 })).AssertProblemAsync(409);
        var ratings = await _host.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{instrument}/ratings");
        Assert.Equal(3.5, ratings.GetProperty("average").GetDouble());
        Assert.Equal(2, ratings.GetProperty("count").GetInt32());
        Assert.Equal("四**", ratings.GetProperty("latest")[1].GetProperty("userName").GetString()); // masked; the newest first
        Assert.Equal("工程师很专业，图像质量好", ratings.GetProperty("latest")[1].GetProperty("comment").GetString());
        await (await researcher.PostAsJsonAsync($"/api/v1/bookings/{used}/cancel", new { })).AssertProblemAsync(409);
        await (await researcher.PostAsync($"/api/v1/bookings/{noShow}/check-in", null)).AssertProblemAsync(409);

        // The month's statements: what 四川大学's people used and owe, what 重庆大学's instrument earned.
        var scu = await OrgAsync(_host, "四川大学");
        var cqu = await OrgAsync(_host, "重庆大学");
        await (await researcher.GetAsync($"/api/v1/organizations/{scu}/usage-statement?month=2030-03")).AssertProblemAsync(403); // a member is not an admin
        var regionAdmin = await ClientAsync(Demo.SichuanAdmin);
        var statement = await regionAdmin.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/{scu}/usage-statement?month=2030-03&side=User");
        var lines = statement.GetProperty("lines").EnumerateArray().ToList();
        // This test's four charges (the demo history adds the first days of March): two uses, a no-show and a late cancellation.
        var ours = lines.Where(l => l.GetProperty("instrument").GetString() == "生命周期 场发射扫描电镜").ToList();
        Assert.Equal(["机时", "逾期取消费", "爽约费", "机时"], ours.Select(l => l.GetProperty("item").GetString()));
        Assert.Equal([833.33m, 50m, 100m, 458.33m], ours.Select(l => l.GetProperty("fee").GetDecimal()));
        Assert.Equal([1.67m, 0m, 0m, 0.92m], ours.Select(l => l.GetProperty("hours").GetDecimal()));
        Assert.Equal(lines.Sum(l => l.GetProperty("fee").GetDecimal()), statement.GetProperty("fee").GetDecimal());
        Assert.All(lines, l => Assert.Equal("四川大学", l.GetProperty("userOrganization").GetString()));
        await (await regionAdmin.GetAsync($"/api/v1/organizations/{cqu}/usage-statement?month=2030-03&side=Owner")).AssertProblemAsync(403); // another region
        await (await regionAdmin.GetAsync($"/api/v1/organizations/{scu}/usage-statement?month=2030-13")).AssertFieldErrorAsync("month");
        manager = await ClientAsync(Demo.CquInstrumentManager);
        var owner = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/{cqu}/usage-statement?month=2030-03&side=Owner");
        Assert.Contains(owner.GetProperty("lines").EnumerateArray(), l => l.GetProperty("user").GetString()!.Contains("李娜", StringComparison.Ordinal));
        Assert.Equal(0, (await manager.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/{cqu}/usage-statement?month=2030-06&side=Owner")).GetProperty("lines").GetArrayLength());

        var xlsx = await manager.GetAsync($"/api/v1/organizations/{cqu}/usage-statement.xlsx?month=2030-03&side=Owner");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        var sheet = new NPOI.XSSF.UserModel.XSSFWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync())).GetSheetAt(0);
        Assert.Equal("使用人", sheet.GetRow(1).GetCell(5).StringCellValue);
        var use = Enumerable.Range(2, sheet.LastRowNum - 2).Select(sheet.GetRow).Single(r => r.GetCell(0).StringCellValue == "2030-03-06 08:50");
        Assert.Equal("跨区域", use.GetCell(7).StringCellValue);
        Assert.Equal(833.33, use.GetCell(10).NumericCellValue, 2);
        var total = sheet.GetRow(sheet.LastRowNum);
        Assert.Equal($"合计（{owner.GetProperty("lines").GetArrayLength()} 条）", total.GetCell(0).StringCellValue);
        Assert.Equal((double)owner.GetProperty("fee").GetDecimal(), total.GetCell(10).NumericCellValue, 2);
    }

    [Fact]
    public async Task AReportNobodyAccepts_IsCompletedByTheJobAfterFourteenDays_WithItsUsageRecord()
    {
        var manager = await ClientAsync(Demo.CquInstrumentManager);
        var service = await InstrumentAsync(_host, manager, "验收期满 送样检测", kind: "TestingService",
            fees: [new { userType = "OtherRegion", price = 120m, unit = "样品" }]);
        var researcher = await ClientAsync(Demo.ScuResearcher);
        var created = await researcher.PostAsJsonAsync("/api/v1/service-orders", new
        {
            serviceId = service,
            items = BetItems,
            samples = new[] { new { name = "介孔碳", quantity = 2 } },
            purpose = "BET 比表面积与孔径分布",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/service-orders/{id}/quote", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsync($"/api/v1/service-orders/{id}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsync($"/api/v1/service-orders/{id}/start", null)).StatusCode);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n%%EOF\n")), "file", "BET.pdf" },
            { new StringContent("45"), "machineMinutes" },
        };
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsync($"/api/v1/service-orders/{id}/report", form)).StatusCode);

        // (The demo's own order waiting for acceptance is completed along the way: the test follows its own.)
        Task<ServiceOrder> OrderAsync() => WithDbAsync(_host, db => db.Set<ServiceOrder>().AsNoTracking().FirstAsync(o => o.Id == id));
        _clock.Advance(TimeSpan.FromDays(13));
        await RunJobsAsync();
        Assert.Equal(ServiceOrderStatus.Reported, (await OrderAsync()).Status);
        _clock.Advance(TimeSpan.FromDays(1.5));
        Assert.True((await RunJobsAsync()).OrdersCompleted >= 1);
        var order = await OrderAsync();
        Assert.Equal(ServiceOrderStatus.Completed, order.Status);
        Assert.Equal(_clock.GetUtcNow(), order.CompletedAt);
        await RunJobsAsync(); // once only: a second pass writes no second usage record
        var usage = await WithDbAsync(_host, db => db.Set<UsageRecord>().AsNoTracking().SingleAsync(u => u.ServiceOrderId == id));
        Assert.Equal((45, 24_000L), (usage.Minutes, usage.FeeFen));
    }
}

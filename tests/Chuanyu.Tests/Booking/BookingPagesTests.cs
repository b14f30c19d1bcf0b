using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Booking;

/// <summary>
/// The booking pages as people use them, on the real clock and the demo instruments of 重庆大学 under the default rules
/// (Monday to Friday 08:00–18:00 Beijing time, 30-minute steps, approval required). The tests of this class share one
/// database, so each uses its own weekday and hours of the week that starts on the first Monday at least three days ahead.
/// </summary>
public sealed class BookingPagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    /// <summary>The first Monday at least three days from now (China Standard Time): far enough for the 2-hour notice, within the 90-day horizon.</summary>
    private static readonly DateOnly Monday = FirstMondayFrom(DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(Cst).DateTime).AddDays(3));

    private static DateOnly FirstMondayFrom(DateOnly d)
    {
        while (d.DayOfWeek != DayOfWeek.Monday)
        {
            d = d.AddDays(1);
        }
        return d;
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset At(DateOnly day, int hour, int minute = 0) => new(day.ToDateTime(new TimeOnly(hour, minute)), Cst);

    private static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    private static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) => Parse(await response.Content.ReadAsStringAsync());

    /// <summary>The n-th (by name) published, open-to-all instrument of 重庆大学: each test that changes an instrument's rules or state takes its own.</summary>
    private Task<(Guid Id, string Name)> InstrumentAsync(int n = 0) => factory.WithDbAsync(async db =>
    {
        var cqu = await db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync();
        var r = await db.Set<Resource>().Where(r => r.OrganizationId == cqu && r.Kind == ResourceKind.Instrument &&
                                                    r.Status == ResourceStatus.Published && r.SharingStatus == SharingStatus.OpenToAll)
            .OrderBy(r => r.Name).Skip(n).Select(r => new { r.Id, r.Name }).FirstAsync();
        return (r.Id, r.Name);
    });

    /// <summary>
    /// The demo's year of use trained people on its instruments; a test of the training records begins with an instrument
    /// that has none.
    /// </summary>
    private Task<int> WithoutTrainingRecordsAsync(Guid instrument) =>
        factory.WithDbAsync(db => db.Set<InstrumentQualification>().Where(q => q.ResourceId == instrument).ExecuteDeleteAsync());

    /// <summary>The demo's year of use booked every instrument; a test of what the history proposes begins with none.</summary>
    private Task<int> WithoutBookingHistoryAsync(Guid instrument) =>
        factory.WithDbAsync(db => db.Set<InstrumentBooking>().Where(b => b.ResourceId == instrument).ExecuteDeleteAsync());

    private Task<Guid> UserAsync(string email) => factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());

    private Task<Guid> OrgAsync(string name) => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    private Task<List<InstrumentBooking>> BookingsAsync(Guid instrument) =>
        factory.WithDbAsync(db => db.Set<InstrumentBooking>().AsNoTracking().Where(b => b.ResourceId == instrument).ToListAsync());

    private async Task<PageSession> SignedInAsync(string email, string password = DemoData.Password)
    {
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email, password)).StatusCode);
        return session;
    }

    /// <summary>A booking made through the API (the pages' own form has its tests below).</summary>
    private async Task<Guid> BookThroughApiAsync(string email, Guid instrument, DateTimeOffset start, DateTimeOffset end, string purpose)
    {
        var client = await factory.ApiClientAsync(email);
        var response = await client.PostAsJsonAsync("/api/v1/bookings", new
        {
            instrumentId = instrument,
            start = start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            end = end.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            purpose,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private static string BookUrl(Guid instrument, DateOnly from) => $"/Resources/{instrument}/Book?from={Date(from)}";

    private static Dictionary<string, string> BookingFields(DateOnly day, string start, string end, string purpose) => new()
    {
        ["Form.Date"] = Date(day),
        ["Form.Start"] = start,
        ["Form.End"] = end,
        ["Form.Purpose"] = purpose,
    };

    private static string Clock(int minuteOfDay) => $"{minuteOfDay / 60:D2}:{minuteOfDay % 60:D2}";

    /// <summary>The lengths in minutes of an instrument's latest past approved, in-use and completed bookings (what its usual length is made of).</summary>
    private Task<List<int>> PastLengthsAsync(Guid instrument) => factory.WithDbAsync(async db =>
    {
        var now = DateTimeOffset.UtcNow;
        BookingStatus[] used = [BookingStatus.Approved, BookingStatus.InUse, BookingStatus.Completed];
        var past = await db.Set<InstrumentBooking>().AsNoTracking().Where(b => b.ResourceId == instrument && used.Contains(b.Status) && b.StartAt < now)
            .OrderByDescending(b => b.StartAt).ThenBy(b => b.Id).Take(BookingService.UsualSample).Select(b => new { b.StartAt, b.EndAt }).ToListAsync();
        return past.Select(b => (int)(b.EndAt - b.StartAt).TotalMinutes).ToList();
    });

    /// <summary>A booking written straight into the table (history the rules would refuse now: in the past, or already decided).</summary>
    private async Task AddBookingAsync(Guid instrument, DateTimeOffset start, int minutes, BookingStatus status)
    {
        var user = await UserAsync(Demo.ScuResearcher);
        var scu = await OrgAsync("四川大学");
        var cqu = await OrgAsync("重庆大学");
        await factory.WithDbAsync(async db =>
        {
            db.Add(new InstrumentBooking
            {
                Id = Guid.CreateVersion7(),
                ResourceId = instrument,
                OwnerOrganizationId = cqu,
                UserId = user,
                UserOrganizationId = scu,
                BookedBy = user,
                UserType = FeeUserType.OtherRegion,
                StartAt = start.ToUniversalTime(),
                EndAt = start.AddMinutes(minutes).ToUniversalTime(),
                BlockedUntil = start.AddMinutes(minutes).ToUniversalTime(),
                Status = status,
                Purpose = "历史预约",
                CreatedAt = start.AddDays(-3).ToUniversalTime(),
            });
            return await db.SaveChangesAsync();
        });
    }

    /// <summary>How often a sentence appears in the page's text (a reason must be said once, not twice).</summary>
    private static int Occurrences(IHtmlDocument doc, string text)
    {
        var body = doc.Body!.TextContent;
        var count = 0;
        for (var at = body.IndexOf(text, StringComparison.Ordinal); at >= 0; at = body.IndexOf(text, at + text.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>An htmx request for a part of a page, as htmx makes it.</summary>
    private static async Task<IHtmlDocument> FragmentAsync(PageSession session, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("HX-Request", "true");
        var response = await session.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", html, StringComparison.OrdinalIgnoreCase);
        return Parse(html);
    }

    private static AngleSharp.Dom.IElement Cell(IHtmlDocument doc, DateOnly day, string time) =>
        doc.QuerySelector($"[data-testid=week] td[data-start='{Date(day)}T{time}']") ?? throw new InvalidOperationException($"no cell {Date(day)} {time}");

    [Fact]
    public void WeekView_MarksTheBufferAfterABookingAsHeld_AndFreeTimeOutsideTheBookingWindowAsNotBookable()
    {
        var day = new DateOnly(2026, 12, 7); // a Monday
        var rules = BookingRulesDto.From(new BookingRules { ResourceId = Guid.NewGuid(), BufferMinutes = 30, MaxHorizonDays = 7 });
        var opens = At(day, 8);
        var days = Enumerable.Range(0, 7).Select(i => i < 5
            ? new OpeningDay(day.AddDays(i), true, opens.AddDays(i), opens.AddDays(i).AddHours(10))
            : new OpeningDay(day.AddDays(i), false, null, null)).ToList();
        TakenSlot[] taken = [new(At(day, 10), At(day, 11), At(day, 11, 30), Pending: false, Mine: true), new(At(day, 14), At(day, 15), At(day, 15, 30), Pending: true, Mine: false)];
        BlackoutDto[] blackouts = [new(Guid.NewGuid(), At(day.AddDays(1), 8), At(day.AddDays(1), 9), "校准")];
        var availability = new AvailabilityDto(Guid.NewGuid(), "测试仪器", "Asia/Shanghai", rules, days, taken, blackouts, CanManage: false);
        // Now is Monday 08:40: the 2-hour notice runs to 10:40, the 7-day horizon to the next Monday 08:40.
        var week = BookingPages.Week(availability, day, At(day, 8, 40));

        Assert.Equal(20, week.Times.Count);
        var monday = week.Days[0].Cells.ToDictionary(c => BookingPages.Time(c.Start), c => c.State);
        Assert.Equal(SlotState.Unbookable, monday["08:00"]);
        Assert.Equal(SlotState.Unbookable, monday["09:30"]);
        Assert.Equal(SlotState.Mine, monday["10:30"]);
        Assert.Equal(SlotState.Taken, monday["11:00"]); // the buffer after the caller's own booking
        Assert.Equal(SlotState.Free, monday["11:30"]);
        Assert.Equal(SlotState.Free, monday["13:00"]);
        Assert.Equal(SlotState.Pending, monday["13:30"]); // a booking here would end within the buffer before 14:00
        Assert.Equal(SlotState.Pending, monday["14:30"]);
        Assert.Equal(SlotState.Pending, monday["15:00"]);
        Assert.Equal(SlotState.Free, monday["15:30"]);
        Assert.Equal(SlotState.Blackout, week.Days[1].Cells[0].State);
        Assert.Equal(SlotState.Free, week.Days[1].Cells[2].State);
        Assert.False(week.Days[5].Open);
        Assert.Empty(week.Days[5].Cells);
        Assert.Equal("2026-12-07 09:00–24:00", Display.Range(At(day, 9), At(day.AddDays(1), 0)));
        Assert.Equal("2026-12-07T18:00:00+08:00", BookingPages.Instant(day, 18 * 60));
        Assert.Equal("2026-12-08T00:00:00+08:00", BookingPages.Instant(day, 24 * 60));
    }

    [Fact]
    public async Task WeekView_ShowsHeldTimeToAnonymousVisitors_WithoutWhoHoldsIt_AndAsksThemToSignIn()
    {
        var (instrument, name) = await InstrumentAsync();
        var tuesday = Monday.AddDays(1);
        var purpose = $"周视图测试 原位拉伸样品 {Guid.NewGuid():N}";
        await BookThroughApiAsync(Demo.ScuResearcher, instrument, At(tuesday, 9), At(tuesday, 10), purpose);
        var approved = await BookThroughApiAsync(Demo.ScuResearcher, instrument, At(tuesday, 14), At(tuesday, 15), purpose);
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        Assert.True((await manager.PostAsJsonAsync($"/api/v1/bookings/{approved}/approve", new { note = "同意" })).IsSuccessStatusCode);

        var url = BookUrl(instrument, Monday);
        var (response, doc) = await new PageSession(factory).GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(name, doc.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Pending", Cell(doc, tuesday, "09:00").GetAttribute("data-state"));
        Assert.Equal("待审核", Cell(doc, tuesday, "09:30").TextContent.Trim());
        Assert.Equal("已预约", Cell(doc, tuesday, "14:30").TextContent.Trim());
        Assert.Equal("空闲", Cell(doc, tuesday, "10:00").TextContent.Trim());
        Assert.Null(Cell(doc, tuesday, "10:00").QuerySelector("a"));
        // Opening hours in the increment: 08:00 to 17:30 starts, 20 rows; Saturday and Sunday are closed.
        Assert.Equal(20, doc.QuerySelectorAll("[data-testid=week] tbody tr").Length);
        Assert.Equal("08:00", doc.QuerySelector("[data-testid=week] tbody tr th")!.TextContent.Trim());
        Assert.Equal(["不开放", "不开放"], doc.QuerySelectorAll("[data-testid=week] td.slot-closed").Select(td => td.TextContent.Trim()).ToArray());
        Assert.Equal($"/Resources/{instrument}/Book?from={Date(Monday.AddDays(7))}", doc.QuerySelector("[data-testid=next-week]")!.GetAttribute("href"));
        Assert.Equal($"/Resources/{instrument}/Book?from={Date(Monday.AddDays(-7))}", doc.QuerySelector("[data-testid=previous-week]")!.GetAttribute("href"));

        // Nobody's name, organisation or purpose: only that the time is held.
        var text = doc.Body!.TextContent;
        Assert.DoesNotContain("李娜", text, StringComparison.Ordinal);
        Assert.DoesNotContain("四川大学", text, StringComparison.Ordinal);
        Assert.DoesNotContain(purpose, text, StringComparison.Ordinal);
        Assert.Null(doc.QuerySelector("[data-testid=booking-form]"));
        Assert.Equal("/Accounts/Login?returnUrl=" + Uri.EscapeDataString(url), doc.QuerySelector("[data-testid=login-to-book]")!.GetAttribute("href"));
        Assert.Equal("登录后预约", doc.QuerySelector("[data-testid=login-to-book]")!.TextContent.Trim());

        // The one who booked sees the same time as theirs; another signed-in user sees it held.
        var (_, mine) = await (await SignedInAsync(Demo.ScuResearcher)).GetAsync(url);
        Assert.Equal("我的预约", Cell(mine, tuesday, "09:00").TextContent.Trim());
        Assert.Equal("我的预约", Cell(mine, tuesday, "14:00").TextContent.Trim());
        var (_, other) = await (await SignedInAsync(Demo.Engineer)).GetAsync(url);
        Assert.Equal("待审核", Cell(other, tuesday, "09:00").TextContent.Trim());
        Assert.DoesNotContain("李娜", other.Body!.TextContent, StringComparison.Ordinal);

        // The detail page leads here; kinds that are not booked by the hour, and unknown ids, have no week page.
        var (_, details) = await new PageSession(factory).GetAsync($"/Resources/{instrument}");
        Assert.Equal($"/Resources/{instrument}/Book", details.QuerySelector("[data-testid=book-link]")!.GetAttribute("href"));
        Assert.Equal("预约机时", details.QuerySelector("[data-testid=book-link]")!.TextContent.Trim());
        Assert.Null(details.QuerySelector("[data-testid=booking-rules-link]"));
        var service = await factory.WithDbAsync(db => db.Set<Resource>()
            .Where(r => r.Kind == ResourceKind.TestingService && r.Status == ResourceStatus.Published && r.SharingStatus == SharingStatus.OpenToAll)
            .Select(r => r.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await new PageSession(factory).GetAsync($"/Resources/{service}/Book")).Response.StatusCode);
        Assert.Null((await new PageSession(factory).GetAsync($"/Resources/{service}")).Document.QuerySelector("[data-testid=book-link]"));
        Assert.Equal(HttpStatusCode.NotFound, (await new PageSession(factory).GetAsync($"/Resources/{Guid.NewGuid()}/Book")).Response.StatusCode);
        // A hand-typed week far away is brought back within a year.
        Assert.Equal(HttpStatusCode.OK, (await new PageSession(factory).GetAsync($"/Resources/{instrument}/Book?from=9999-12-31")).Response.StatusCode);
    }

    [Fact]
    public async Task Researcher_BooksAFreeSlotThroughTheForm_AndSeesItInMyBookings()
    {
        var (instrument, name) = await InstrumentAsync();
        var session = await SignedInAsync(Demo.ScuResearcher);
        var url = BookUrl(instrument, Monday);

        // A free cell leads to the form filled with its day and the instrument's usual length from its start (without
        // JavaScript, by loading the page; the demo history of this instrument gives the usual length).
        var (_, week) = await session.GetAsync(url);
        var link = Cell(week, Monday, "09:00").QuerySelector("a")!.GetAttribute("href")!;
        var (_, filled) = await session.GetAsync(link);
        Assert.Equal(Date(Monday), filled.QuerySelector("#Form_Date")!.GetAttribute("value"));
        Assert.Equal("09:00", ((IHtmlSelectElement)filled.QuerySelector("#Form_Start")!).Value);
        var usual = BookingRulesCheck.UsualMinutes(await PastLengthsAsync(instrument), 30, 8 * 60, 30);
        Assert.Equal(Clock(9 * 60 + usual), ((IHtmlSelectElement)filled.QuerySelector("#Form_End")!).Value);
        Assert.Equal("四川大学", filled.QuerySelector("[data-testid=organization]")!.TextContent.Trim());
        // 四川大学 has no other member in the demo, so there is nobody to book for.
        Assert.Null(filled.QuerySelector("#Form_OnBehalfOf"));

        var purpose = $"表面形貌观察 锂电正极材料 {Guid.NewGuid():N}";
        var posted = await session.SubmitAsync(url, BookingFields(Monday, "09:00", "11:00", purpose), "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);

        var stored = Assert.Single(await BookingsAsync(instrument), b => b.Purpose == purpose);
        Assert.Equal($"/Me/Bookings?created={stored.Id}", posted.Headers.Location!.OriginalString);
        Assert.Equal(BookingStatus.Pending, stored.Status);
        Assert.Equal(At(Monday, 9), stored.StartAt);
        Assert.Equal(At(Monday, 11), stored.EndAt);
        Assert.Equal(await UserAsync(Demo.ScuResearcher), stored.UserId);
        Assert.Equal(FeeUserType.OtherRegion, stored.UserType);

        var mine = await session.FollowAsync(posted);
        Assert.Contains("预约申请已提交", mine.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        var row = mine.QuerySelector($"[data-testid=bookings] tr[data-booking-id='{stored.Id}']")!;
        Assert.Contains(name, row.TextContent, StringComparison.Ordinal);
        Assert.Equal($"{Date(Monday)} 09:00–11:00", row.QuerySelector("[data-testid=time]")!.TextContent.Trim());
        Assert.Equal("待审核", row.QuerySelector("[data-testid=status]")!.TextContent.Trim());
        Assert.Equal("—", row.QuerySelector("[data-testid=fee]")!.TextContent.Trim());
        Assert.NotNull(row.QuerySelector("form[data-testid=cancel]"));
        Assert.Null(row.QuerySelector("form[data-testid=check-in]"));
        Assert.Null(row.QuerySelector("form[data-testid=check-out]"));
        Assert.NotNull(mine.QuerySelector("[data-testid=nav-my-bookings]"));
        Assert.Null(mine.QuerySelector("[data-testid=nav-booking-queue]"));
        var headers = mine.QuerySelectorAll("[data-testid=bookings] thead th").Select(th => th.TextContent.Trim()).ToArray();
        Assert.Equal(["仪器", "时间（北京时间）", "状态", "费用", "操作"], headers);

        // The status filter: the pending one is there, not among the approved.
        var (_, pending) = await session.GetAsync("/Me/Bookings?status=Pending");
        Assert.NotNull(pending.QuerySelector($"tr[data-booking-id='{stored.Id}']"));
        var (_, approved) = await session.GetAsync("/Me/Bookings?status=Approved");
        Assert.Null(approved.QuerySelector($"tr[data-booking-id='{stored.Id}']"));

        // The same time again is taken: 409, in Chinese, the form as typed, nothing added.
        var again = await session.SubmitAsync(url, BookingFields(Monday, "10:00", "10:30", purpose + " 重复"), "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var againDoc = await ParseAsync(again);
        Assert.Contains("该时段已被预约", againDoc.QuerySelector("[data-testid=booking-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(purpose + " 重复", againDoc.QuerySelector("#Form_Purpose")!.TextContent);
        Assert.Single(await BookingsAsync(instrument), b => b.Purpose.StartsWith(purpose, StringComparison.Ordinal));
        Assert.Equal("我的预约", Cell(againDoc, Monday, "10:00").TextContent.Trim());

        // Anonymous visitors are asked to sign in and cannot post.
        Assert.Equal(HttpStatusCode.Redirect, (await new PageSession(factory).GetAsync("/Me/Bookings")).Response.StatusCode);
    }

    [Fact]
    public async Task BadForm_ShowsTheChineseError_KeepsTheInput_AndCreatesNothing()
    {
        var (instrument, _) = await InstrumentAsync();
        var session = await SignedInAsync(Demo.ScuResearcher);
        var url = BookUrl(instrument, Monday);
        var marker = $"错误表单 {Guid.NewGuid():N}";

        // End before start: the service's field error beside the end time.
        var backwards = await session.SubmitAsync(url, BookingFields(Monday, "13:00", "12:00", marker + " 倒序"), "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.OK, backwards.StatusCode);
        var doc = await ParseAsync(backwards);
        Assert.Contains("结束时间须晚于开始时间", doc.QuerySelector("[data-testid=error-end]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", doc.QuerySelector("#Form_End")!.ClassName, StringComparison.Ordinal);
        Assert.NotNull(doc.QuerySelector("[data-testid=form-errors]"));
        Assert.Equal(Date(Monday), doc.QuerySelector("#Form_Date")!.GetAttribute("value"));
        Assert.Equal("13:00", ((IHtmlSelectElement)doc.QuerySelector("#Form_Start")!).Value);
        Assert.Equal("12:00", ((IHtmlSelectElement)doc.QuerySelector("#Form_End")!).Value);
        Assert.Equal(marker + " 倒序", doc.QuerySelector("#Form_Purpose")!.TextContent);

        // Outside the opening hours (a posted 19:00 the select does not offer): the rule's reason, 422.
        var late = await session.SubmitAsync(url, BookingFields(Monday, "17:00", "19:00", marker + " 超时"), "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, late.StatusCode);
        doc = await ParseAsync(late);
        Assert.Contains("开放时间为北京时间 08:00–18:00", doc.QuerySelector("[data-testid=booking-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(marker + " 超时", doc.QuerySelector("#Form_Purpose")!.TextContent);

        // A Saturday, no purpose, no day, a repetition without a count.
        var saturday = await session.SubmitAsync(url, BookingFields(Monday.AddDays(5), "09:00", "10:00", marker + " 周六"), "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, saturday.StatusCode);
        Assert.Contains("星期六不开放预约", (await ParseAsync(saturday)).QuerySelector("[data-testid=booking-error]")!.TextContent, StringComparison.Ordinal);
        var blank = await session.SubmitAsync(url, BookingFields(Monday, "13:00", "14:00", " "), "form[data-testid=booking-form]");
        Assert.Contains("请填写使用目的", (await ParseAsync(blank)).QuerySelector("[data-testid=error-purpose]")!.TextContent, StringComparison.Ordinal);
        var noDayFields = BookingFields(Monday, "13:00", "14:00", marker + " 无日期");
        noDayFields["Form.Date"] = "";
        var noDay = await session.SubmitAsync(url, noDayFields, "form[data-testid=booking-form]");
        Assert.Contains("请选择预约日期", (await ParseAsync(noDay)).QuerySelector("[data-testid=error-date]")!.TextContent, StringComparison.Ordinal);
        noDayFields["Form.Date"] = "9999-12-31";
        noDayFields["Form.End"] = "24:00";
        var farDay = await session.SubmitAsync(url, noDayFields, "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.OK, farDay.StatusCode);
        Assert.Contains("请选择预约日期", (await ParseAsync(farDay)).QuerySelector("[data-testid=error-date]")!.TextContent, StringComparison.Ordinal);
        var fields = BookingFields(Monday, "13:00", "14:00", marker + " 重复");
        fields["Form.RepeatFrequency"] = "Weekly";
        var noCount = await session.SubmitAsync(url, fields, "form[data-testid=booking-form]");
        var noCountDoc = await ParseAsync(noCount);
        Assert.Contains("重复次数须为 2–52 次", noCountDoc.QuerySelector("[data-testid=error-repeatCount]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Weekly", ((IHtmlSelectElement)noCountDoc.QuerySelector("#Form_RepeatFrequency")!).Value);

        Assert.DoesNotContain(await BookingsAsync(instrument), b => b.Purpose.StartsWith(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Manager_ApprovesAndRejects_FromTheQueue_AndARejectionNeedsAReason()
    {
        var (instrument, name) = await InstrumentAsync();
        var wednesday = Monday.AddDays(2);
        var marker = $"审批测试 {Guid.NewGuid():N}";
        var first = await BookThroughApiAsync(Demo.ScuResearcher, instrument, At(wednesday, 9), At(wednesday, 10), marker + " 拉曼光谱 A");
        var second = await BookThroughApiAsync(Demo.ScuResearcher, instrument, At(wednesday, 14), At(wednesday, 15, 30), marker + " 拉曼光谱 B");

        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        var queueUrl = $"/Me/BookingQueue?instrument={instrument}";
        var (response, queue) = await manager.GetAsync(queueUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(queue.QuerySelector("[data-testid=nav-booking-queue]"));
        var row = queue.QuerySelector($"[data-testid=queue] tr[data-booking-id='{first}']")!;
        Assert.Contains(name, row.TextContent, StringComparison.Ordinal);
        Assert.Equal("四川大学 李娜（研究员）", row.QuerySelector("[data-testid=user]")!.TextContent.Trim());
        Assert.Equal("四川大学", row.QuerySelector("[data-testid=user-organization]")!.TextContent.Trim());
        Assert.Equal("跨区域", row.QuerySelector("[data-testid=user-type]")!.TextContent.Trim());
        Assert.Equal(marker + " 拉曼光谱 A", row.QuerySelector("[data-testid=purpose]")!.TextContent.Trim());
        Assert.Equal($"{Date(wednesday)} 09:00–10:00", row.QuerySelector("[data-testid=time]")!.TextContent.Trim());
        Assert.Equal("待审核", row.QuerySelector("[data-testid=status]")!.TextContent.Trim());
        // Earliest first.
        var order = queue.QuerySelectorAll("[data-testid=queue] tbody tr").Select(tr => tr.GetAttribute("data-booking-id")).ToList();
        Assert.True(order.IndexOf(first.ToString()) < order.IndexOf(second.ToString()));

        // Rejecting without a reason: the error in Chinese on that row, and the booking still waits.
        var unexplained = await manager.SubmitAsync(queueUrl, new Dictionary<string, string>(), $"tr[data-booking-id='{second}'] form[data-testid=reject]");
        Assert.Equal(HttpStatusCode.OK, unexplained.StatusCode);
        var unexplainedDoc = await ParseAsync(unexplained);
        var failedRow = unexplainedDoc.QuerySelector($"tr[data-booking-id='{second}']")!;
        Assert.Contains("不予通过时请说明理由", failedRow.QuerySelector("[data-testid=error-reject-note]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", failedRow.QuerySelector($"#reject-note-{second}")!.ClassName, StringComparison.Ordinal);
        Assert.Equal("", unexplainedDoc.QuerySelector($"tr[data-booking-id='{first}'] [data-testid=error-reject-note]")!.TextContent.Trim());
        Assert.Equal(BookingStatus.Pending, (await BookingsAsync(instrument)).Single(b => b.Id == second).Status);

        var approvedResponse = await manager.SubmitAsync(queueUrl, new Dictionary<string, string> { ["note"] = "请提前十分钟到场" },
            $"tr[data-booking-id='{first}'] form[data-testid=approve]");
        Assert.Equal(HttpStatusCode.Redirect, approvedResponse.StatusCode);
        Assert.Equal(queueUrl, approvedResponse.Headers.Location!.OriginalString);
        var afterApprove = await manager.FollowAsync(approvedResponse);
        Assert.Contains("已批准该预约", afterApprove.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(afterApprove.QuerySelector($"tr[data-booking-id='{first}']"));

        var rejected = await manager.SubmitAsync(queueUrl, new Dictionary<string, string> { ["note"] = "该时段仪器需校准" },
            $"tr[data-booking-id='{second}'] form[data-testid=reject]");
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        var stored = await BookingsAsync(instrument);
        Assert.Equal((BookingStatus.Approved, "请提前十分钟到场"), stored.Where(b => b.Id == first).Select(b => (b.Status, b.DecisionNote)).Single());
        Assert.Equal((BookingStatus.Rejected, "该时段仪器需校准"), stored.Where(b => b.Id == second).Select(b => (b.Status, b.DecisionNote)).Single());

        // Decided bookings stay listed under their status, without the decision forms.
        var (_, all) = await manager.GetAsync(queueUrl + "&status=All");
        Assert.Equal("已批准", all.QuerySelector($"tr[data-booking-id='{first}'] [data-testid=status]")!.TextContent.Trim());
        Assert.Null(all.QuerySelector($"tr[data-booking-id='{first}'] form[data-testid=approve]"));

        // The researcher sees both outcomes, the reason with the rejected one.
        var researcher = await SignedInAsync(Demo.ScuResearcher);
        var (_, mine) = await researcher.GetAsync("/Me/Bookings");
        Assert.Equal("已批准", mine.QuerySelector($"tr[data-booking-id='{first}'] [data-testid=status]")!.TextContent.Trim());
        Assert.Equal("未通过", mine.QuerySelector($"tr[data-booking-id='{second}'] [data-testid=status]")!.TextContent.Trim());
        Assert.Equal("该时段仪器需校准", mine.QuerySelector($"tr[data-booking-id='{second}'] [data-testid=note]")!.TextContent.Trim());
        Assert.Null(mine.QuerySelector($"tr[data-booking-id='{second}'] form[data-testid=cancel]"));
        // Someone who manages nothing has no queue.
        var (_, notManager) = await researcher.GetAsync("/Me/BookingQueue");
        Assert.NotNull(notManager.QuerySelector("[data-testid=not-a-manager]"));
        Assert.Null(notManager.QuerySelector("[data-testid=queue]"));
    }

    [Fact]
    public async Task Researcher_CancelsOnlyAfterConfirming()
    {
        var (instrument, _) = await InstrumentAsync();
        var thursday = Monday.AddDays(3);
        var id = await BookThroughApiAsync(Demo.ScuResearcher, instrument, At(thursday, 14), At(thursday, 16), $"取消测试 {Guid.NewGuid():N}");
        var session = await SignedInAsync(Demo.ScuResearcher);
        var form = $"tr[data-booking-id='{id}'] form[data-testid=cancel]";

        var unconfirmed = await session.SubmitAsync("/Me/Bookings", new Dictionary<string, string>(), form);
        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.Contains("请先勾选确认框", (await ParseAsync(unconfirmed)).QuerySelector("[data-testid=action-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(BookingStatus.Pending, (await BookingsAsync(instrument)).Single(b => b.Id == id).Status);

        var cancelled = await session.SubmitAsync("/Me/Bookings?status=Pending", new Dictionary<string, string> { ["confirm"] = "true" }, form);
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        Assert.Equal("/Me/Bookings?status=Pending", cancelled.Headers.Location!.OriginalString);
        Assert.Equal(BookingStatus.Cancelled, (await BookingsAsync(instrument)).Single(b => b.Id == id).Status);
        var (_, list) = await session.GetAsync("/Me/Bookings?status=Cancelled");
        Assert.Equal("已取消", list.QuerySelector($"tr[data-booking-id='{id}'] [data-testid=status]")!.TextContent.Trim());
        Assert.Null(list.QuerySelector($"tr[data-booking-id='{id}'] form[data-testid=cancel]"));
        // The time is free again.
        var (_, week) = await new PageSession(factory).GetAsync(BookUrl(instrument, Monday));
        Assert.Equal("空闲", Cell(week, thursday, "14:00").TextContent.Trim());
    }

    [Fact]
    public async Task Researcher_ChecksInAndOut_WhenTheBookingIsDue()
    {
        // A booking that starts in a few minutes cannot be made through the rules (2 hours' notice), so it is written as
        // an approved booking directly, on an instrument of its own.
        var (instrument, _) = await InstrumentAsync(5);
        var researcher = await UserAsync(Demo.ScuResearcher);
        var scu = await OrgAsync("四川大学");
        var cqu = await OrgAsync("重庆大学");
        var now = DateTimeOffset.UtcNow;
        var id = Guid.CreateVersion7();
        await factory.WithDbAsync(async db =>
        {
            db.Add(new InstrumentBooking
            {
                Id = id,
                ResourceId = instrument,
                OwnerOrganizationId = cqu,
                UserId = researcher,
                UserOrganizationId = scu,
                BookedBy = researcher,
                UserType = FeeUserType.OtherRegion,
                StartAt = now.AddMinutes(5),
                EndAt = now.AddMinutes(65),
                BlockedUntil = now.AddMinutes(65),
                Status = BookingStatus.Approved,
                Purpose = "签到测试",
                CreatedAt = now,
                DecidedAt = now,
            });
            return await db.SaveChangesAsync();
        });
        var session = await SignedInAsync(Demo.ScuResearcher);
        var (_, list) = await session.GetAsync("/Me/Bookings");
        Assert.NotNull(list.QuerySelector($"tr[data-booking-id='{id}'] form[data-testid=check-in]"));
        Assert.Null(list.QuerySelector($"tr[data-booking-id='{id}'] form[data-testid=check-out]"));

        var checkedIn = await session.SubmitAsync("/Me/Bookings", new Dictionary<string, string>(), $"tr[data-booking-id='{id}'] form[data-testid=check-in]");
        Assert.Equal(HttpStatusCode.Redirect, checkedIn.StatusCode);
        var afterIn = await session.FollowAsync(checkedIn);
        Assert.Equal("使用中", afterIn.QuerySelector($"tr[data-booking-id='{id}'] [data-testid=status]")!.TextContent.Trim());
        Assert.Null(afterIn.QuerySelector($"tr[data-booking-id='{id}'] form[data-testid=cancel]"));

        var checkedOut = await session.SubmitAsync("/Me/Bookings", new Dictionary<string, string>(), $"tr[data-booking-id='{id}'] form[data-testid=check-out]");
        Assert.Equal(HttpStatusCode.Redirect, checkedOut.StatusCode);
        var afterOut = await session.FollowAsync(checkedOut);
        var row = afterOut.QuerySelector($"tr[data-booking-id='{id}']")!;
        Assert.Equal("已完成", row.QuerySelector("[data-testid=status]")!.TextContent.Trim());
        var stored = (await BookingsAsync(instrument)).Single(b => b.Id == id);
        Assert.Equal(BookingStatus.Completed, stored.Status);
        Assert.Equal("¥" + (stored.FeeFen!.Value / 100m).ToString("N2", CultureInfo.InvariantCulture), row.QuerySelector("[data-testid=fee]")!.TextContent.Trim());
        Assert.Empty(row.QuerySelectorAll("form"));
    }

    [Fact]
    public async Task ManagerOfAnotherOrganisation_CannotOpenOrPostTheRulesPage_OfAnInstrumentItDoesNotManage()
    {
        // 蓉芯检测's engineer is made its instrument manager, as its organisation admin would.
        var rongxin = await OrgAsync("成都蓉芯微纳检测技术有限公司");
        await factory.WithDbAsync(async db =>
        {
            var engineer = await db.Users.Where(u => u.Email == Demo.Engineer).Select(u => u.Id).FirstAsync();
            if (!await db.RoleGrants.AnyAsync(g => g.UserId == engineer && g.Role == PlatformRole.ResourceManager))
            {
                db.RoleGrants.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = engineer, Role = PlatformRole.ResourceManager, OrganizationId = rongxin, GrantedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
            }
            return 0;
        });
        var (instrument, _) = await InstrumentAsync(6);
        await WithoutTrainingRecordsAsync(instrument);
        var rulesUrl = $"/Resources/{instrument}/BookingRules";
        var other = await SignedInAsync(Demo.Engineer);

        var (refused, _) = await other.GetAsync(rulesUrl);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var (_, details) = await other.GetAsync($"/Resources/{instrument}");
        Assert.Null(details.QuerySelector("[data-testid=booking-rules-link]"));
        Assert.NotNull(details.QuerySelector("[data-testid=book-link]"));

        // Posting with a valid antiforgery token of the engineer's own session and a forged instrument id.
        var (_, anyPage) = await other.GetAsync("/Me/Bookings");
        var token = anyPage.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var posts = new Dictionary<string, Dictionary<string, string>>
        {
            [rulesUrl] = new()
            {
                ["Form.MinMinutes"] = "30",
                ["Form.MaxMinutes"] = "60",
                ["Form.IncrementMinutes"] = "30",
                ["Form.MinNoticeMinutes"] = "0",
                ["Form.MaxHorizonDays"] = "30",
                ["Form.BufferMinutes"] = "0",
                ["Form.OpensAt"] = "00:00",
                ["Form.ClosesAt"] = "24:00",
                ["Form.OpenDays"] = "6",
                ["Form.AllowedUserTypes"] = "Enterprise",
                ["Form.CancelDeadlineHours"] = "0",
                ["Form.CheckInGraceMinutes"] = "15",
                ["Form.Version"] = "0",
            },
            [rulesUrl + "?handler=AddBlackout"] = new() { ["Blackout.Start"] = $"{Date(Monday)}T08:00", ["Blackout.End"] = $"{Date(Monday)}T18:00", ["Blackout.Reason"] = "伪造的停机" },
            [rulesUrl + "?handler=Grant"] = new() { ["Grant.Email"] = Demo.Engineer },
        };
        foreach (var (url, fields) in posts)
        {
            fields["__RequestVerificationToken"] = token;
            using var content = new FormUrlEncodedContent(fields);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.Client.PostAsync(url, content)).StatusCode);
        }
        Assert.False(await factory.WithDbAsync(db => db.Set<BookingRules>().AnyAsync(r => r.ResourceId == instrument)));
        Assert.False(await factory.WithDbAsync(db => db.Set<InstrumentBlackout>().AnyAsync(b => b.ResourceId == instrument)));
        Assert.False(await factory.WithDbAsync(db => db.Set<InstrumentQualification>().AnyAsync(q => q.ResourceId == instrument)));

        // A member who manages nothing: 403; a visitor: sign in first; an id that is not there: 404.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await SignedInAsync(Demo.ScuResearcher)).GetAsync(rulesUrl)).Response.StatusCode);
        var anonymous = await new PageSession(factory).GetAsync(rulesUrl);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.Response.StatusCode);
        Assert.StartsWith("/Accounts/Login", anonymous.Response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/Resources/{Guid.NewGuid()}/BookingRules")).Response.StatusCode);
        // The instrument's own manager opens it, from the detail page.
        var (_, own) = await manager.GetAsync($"/Resources/{instrument}");
        Assert.Equal(rulesUrl, own.QuerySelector("[data-testid=booking-rules-link]")!.GetAttribute("href"));
        Assert.Equal("预约规则与排期", own.QuerySelector("[data-testid=booking-rules-link]")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync(rulesUrl)).Response.StatusCode);
    }

    [Fact]
    public async Task Manager_EditsTheRules_BlacksOutTime_AndKeepsTrainingRecords()
    {
        var (instrument, _) = await InstrumentAsync(1);
        await WithoutTrainingRecordsAsync(instrument);
        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        var rulesUrl = $"/Resources/{instrument}/BookingRules";
        var (_, page) = await manager.GetAsync(rulesUrl);
        Assert.Equal("30", page.QuerySelector("#Form_IncrementMinutes")!.GetAttribute("value"));
        Assert.Equal("18:00", page.QuerySelector("#Form_ClosesAt")!.GetAttribute("value"));
        Assert.Equal("0", page.QuerySelector("input[name='Form.Version']")!.GetAttribute("value"));
        Assert.True(((IHtmlInputElement)page.QuerySelector("#Form_ApprovalRequired")!).IsChecked);
        Assert.Equal(["1", "2", "3", "4", "5"], page.QuerySelectorAll("input[name='Form.OpenDays']").Cast<IHtmlInputElement>().Where(i => i.IsChecked).Select(i => i.Value).ToArray());

        // Text where a number goes, and the service's own rule between fields: both beside their inputs, nothing saved.
        var bad = await manager.SubmitAsync(rulesUrl, new Dictionary<string, string> { ["Form.MaxHorizonDays"] = "三十", ["Form.MinMinutes"] = "45" }, "form[data-testid=rules-form]");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badDoc = await ParseAsync(bad);
        Assert.Contains("请填写整数", badDoc.QuerySelector("[data-testid=error-maxHorizonDays]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", badDoc.QuerySelector("#Form_MaxHorizonDays")!.ClassName, StringComparison.Ordinal);
        Assert.Equal("三十", badDoc.QuerySelector("#Form_MaxHorizonDays")!.GetAttribute("value"));
        var ruleBad = await manager.SubmitAsync(rulesUrl, new Dictionary<string, string> { ["Form.MinMinutes"] = "45" }, "form[data-testid=rules-form]");
        Assert.Contains("最短时长须是时间单位的整数倍", (await ParseAsync(ruleBad)).QuerySelector("[data-testid=error-minMinutes]")!.TextContent, StringComparison.Ordinal);
        Assert.False(await factory.WithDbAsync(db => db.Set<BookingRules>().AnyAsync(r => r.ResourceId == instrument)));

        var saved = await manager.SubmitAsync(rulesUrl, new Dictionary<string, string>
        {
            ["Form.ClosesAt"] = "17:00",
            ["Form.IncrementMinutes"] = "60",
            ["Form.MinMinutes"] = "60",
            ["Form.ApprovalRequired"] = "false",
            ["Form.LateCancelFee"] = "50",
            ["Form.UserQuotaHoursPerMonth"] = "20",
        }, "form[data-testid=rules-form]");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var rules = await factory.WithDbAsync(db => db.Set<BookingRules>().AsNoTracking().FirstAsync(r => r.ResourceId == instrument));
        Assert.Equal((17 * 60, 60, 60, false, 5000L, (int?)20, 1), (rules.ClosesAtMinute, rules.IncrementMinutes, rules.MinMinutes, rules.ApprovalRequired,
            rules.LateCancelFeeFen, rules.UserQuotaHoursPerMonth, rules.Version));
        var savedDoc = await manager.FollowAsync(saved);
        Assert.Contains("预约规则已保存", savedDoc.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("1", savedDoc.QuerySelector("input[name='Form.Version']")!.GetAttribute("value"));

        // An edit made on the copy read before that save: 409, the typed values kept, the saved rules stand.
        var stale = await manager.SubmitAsync(rulesUrl, new Dictionary<string, string> { ["Form.ClosesAt"] = "16:00", ["Form.Version"] = "0" }, "form[data-testid=rules-form]");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var staleDoc = await ParseAsync(stale);
        Assert.Contains("预约规则已被他人修改", staleDoc.QuerySelector("[data-testid=conflict]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("16:00", staleDoc.QuerySelector("#Form_ClosesAt")!.GetAttribute("value"));
        Assert.Equal(17 * 60, (await factory.WithDbAsync(db => db.Set<BookingRules>().AsNoTracking().FirstAsync(r => r.ResourceId == instrument))).ClosesAtMinute);

        // The week view follows the new rules: hourly rows to 17:00.
        var (_, week) = await new PageSession(factory).GetAsync(BookUrl(instrument, Monday));
        Assert.Equal(9, week.QuerySelectorAll("[data-testid=week] tbody tr").Length);

        // A blackout: bad times are field errors; a good one shows as 停机 and refuses bookings there.
        var friday = Monday.AddDays(4);
        var badBlackout = await manager.SubmitAsync(rulesUrl, new Dictionary<string, string>
        {
            ["Blackout.Start"] = $"{Date(friday)}T12:00",
            ["Blackout.End"] = $"{Date(friday)}T08:00",
            ["Blackout.Reason"] = "年度校准",
        }, "form[data-testid=add-blackout]");
        Assert.Equal(HttpStatusCode.OK, badBlackout.StatusCode);
        Assert.Contains("结束时间须晚于开始时间", (await ParseAsync(badBlackout)).QuerySelector("[data-testid=error-blackout-end]")!.TextContent, StringComparison.Ordinal);
        var added = await manager.SubmitAsync(rulesUrl, new Dictionary<string, string>
        {
            ["Blackout.Start"] = $"{Date(friday)}T08:00",
            ["Blackout.End"] = $"{Date(friday)}T12:00",
            ["Blackout.Reason"] = "年度校准",
        }, "form[data-testid=add-blackout]");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var blackout = await factory.WithDbAsync(db => db.Set<InstrumentBlackout>().AsNoTracking().SingleAsync(b => b.ResourceId == instrument));
        Assert.Equal((At(friday, 8), At(friday, 12), "年度校准"), (blackout.StartAt, blackout.EndAt, blackout.Reason));
        var (_, blackedOut) = await new PageSession(factory).GetAsync(BookUrl(instrument, Monday));
        Assert.Equal("停机", Cell(blackedOut, friday, "09:00").TextContent.Trim());
        Assert.Equal("空闲", Cell(blackedOut, friday, "12:00").TextContent.Trim());
        Assert.Contains("年度校准", blackedOut.QuerySelector("[data-testid=blackouts]")!.TextContent, StringComparison.Ordinal);
        var researcher = await SignedInAsync(Demo.ScuResearcher);
        var refused = await researcher.SubmitAsync(BookUrl(instrument, Monday), BookingFields(friday, "09:00", "10:00", "停机时段的预约"), "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("仪器停机（年度校准）", (await ParseAsync(refused)).QuerySelector("[data-testid=booking-error]")!.TextContent, StringComparison.Ordinal);

        // Removing it asks for the ticked confirmation first.
        var removeForm = $"tr[data-blackout-id='{blackout.Id}'] form[data-testid=remove-blackout]";
        var unconfirmed = await manager.SubmitAsync(rulesUrl, new Dictionary<string, string>(), removeForm);
        Assert.Contains("请先勾选确认框", (await ParseAsync(unconfirmed)).QuerySelector("[data-testid=blackout-error]")!.TextContent, StringComparison.Ordinal);
        Assert.True(await factory.WithDbAsync(db => db.Set<InstrumentBlackout>().AnyAsync(b => b.Id == blackout.Id)));
        Assert.Equal(HttpStatusCode.Redirect, (await manager.SubmitAsync(rulesUrl, new Dictionary<string, string> { ["confirm"] = "true" }, removeForm)).StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Set<InstrumentBlackout>().AnyAsync(b => b.Id == blackout.Id)));

        // Training records by e-mail: an unknown address is a field error; a known one is listed masked; revoking asks first.
        var unknown = await manager.SubmitAsync(rulesUrl, new Dictionary<string, string> { ["Grant.Email"] = "nobody@example.cn" }, "form[data-testid=grant]");
        Assert.Contains("没有使用该邮箱注册的用户", (await ParseAsync(unknown)).QuerySelector("[data-testid=error-grant-email]")!.TextContent, StringComparison.Ordinal);
        var expires = Date(Monday.AddDays(180));
        var granted = await manager.SubmitAsync(rulesUrl, new Dictionary<string, string> { ["Grant.Email"] = Demo.ScuResearcher, ["Grant.ExpiresOn"] = expires }, "form[data-testid=grant]");
        Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
        var grantedDoc = await manager.FollowAsync(granted);
        var qualification = grantedDoc.QuerySelector("[data-testid=qualification-list] tbody tr")!;
        Assert.Contains("李娜", qualification.TextContent, StringComparison.Ordinal);
        Assert.Contains(expires, qualification.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(Demo.ScuResearcher, qualification.TextContent, StringComparison.Ordinal);
        var revokeForm = "[data-testid=qualification-list] form[data-testid=revoke]";
        Assert.Equal(HttpStatusCode.OK, (await manager.SubmitAsync(rulesUrl, new Dictionary<string, string>(), revokeForm)).StatusCode);
        Assert.True(await factory.WithDbAsync(db => db.Set<InstrumentQualification>().AnyAsync(q => q.ResourceId == instrument)));
        Assert.Equal(HttpStatusCode.Redirect, (await manager.SubmitAsync(rulesUrl, new Dictionary<string, string> { ["confirm"] = "true" }, revokeForm)).StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Set<InstrumentQualification>().AnyAsync(q => q.ResourceId == instrument)));

        var actions = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"resource:{instrument}").OrderBy(e => e.Seq).Select(e => e.Action).ToListAsync());
        Assert.Equal(["booking.rules", "booking.blackout", "booking.qualification"], actions.Where(a => a is "booking.rules" or "booking.blackout" or "booking.qualification"));
    }

    [Fact]
    public async Task ManagerBooksForAColleague_AndSomeoneInTwoOrganisations_ChoosesWhichOneBooks()
    {
        var (instrument, _) = await InstrumentAsync();
        var friday = Monday.AddDays(4);
        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        var url = BookUrl(instrument, Monday);
        var (_, page) = await manager.GetAsync(url);
        var colleagues = ((IHtmlSelectElement)page.QuerySelector("#Form_OnBehalfOf")!).Options.Select(o => o.Text.Trim()).ToList();
        Assert.Equal(["本人使用", "重庆大学 陈静（单位管理员）"], colleagues);
        var orgAdmin = await UserAsync(Demo.CquOrgAdmin);
        var purpose = $"代同事预约 {Guid.NewGuid():N}";
        var fields = BookingFields(friday, "09:00", "10:00", purpose);
        fields["Form.OnBehalfOf"] = orgAdmin.ToString();
        var posted = await manager.SubmitAsync(url, fields, "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var stored = Assert.Single(await BookingsAsync(instrument), b => b.Purpose == purpose);
        Assert.Equal((orgAdmin, await UserAsync(Demo.CquInstrumentManager), FeeUserType.Internal), (stored.UserId, stored.BookedBy, stored.UserType));
        var mine = await manager.FollowAsync(posted);
        Assert.Contains("陈静", mine.QuerySelector($"tr[data-booking-id='{stored.Id}'] [data-testid=booked-for]")!.TextContent, StringComparison.Ordinal);
        var (_, colleagueList) = await (await SignedInAsync(Demo.CquOrgAdmin)).GetAsync("/Me/Bookings");
        Assert.NotNull(colleagueList.QuerySelector($"tr[data-booking-id='{stored.Id}'] [data-testid=booked-by-colleague]"));

        // Someone in two organisations chooses which one books; the colleague list follows the choice.
        var email = $"two-orgs-{Guid.NewGuid():N}@example.cn";
        const string password = "Two-Orgs-Pw-2026";
        var scu = await OrgAsync("四川大学");
        var swu = await OrgAsync("西南大学");
        using (var scope = factory.Services.CreateScope())
        {
            var (user, errors) = await Registration.CreateUserAsync(scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>(), email, password,
                "两单位 研究员", TimeProvider.System);
            Assert.True(user is not null, string.Join(" ", errors.SelectMany(e => e.Value)));
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            foreach (var org in new[] { scu, swu })
            {
                db.RoleGrants.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = user!.Id, Role = PlatformRole.Member, OrganizationId = org, GrantedAt = DateTimeOffset.UtcNow });
            }
            await db.SaveChangesAsync();
        }
        var both = await SignedInAsync(email, password);
        var (_, choose) = await both.GetAsync(url);
        var organizations = ((IHtmlSelectElement)choose.QuerySelector("#Form_OrganizationId")!).Options.Select(o => o.Text.Trim()).ToList();
        Assert.Equal(["请选择", "四川大学", "西南大学"], organizations);
        Assert.Equal($"/Resources/{instrument}/Book?handler=Colleagues", choose.QuerySelector("#Form_OrganizationId")!.GetAttribute("hx-get"));
        Assert.Null(choose.QuerySelector("#Form_OnBehalfOf"));
        var (_, partial) = await both.GetAsync($"/Resources/{instrument}/Book?handler=Colleagues&Form.OrganizationId={scu}");
        Assert.Equal(["本人使用", "四川大学 李娜（研究员）"], ((IHtmlSelectElement)partial.QuerySelector("#Form_OnBehalfOf")!).Options.Select(o => o.Text.Trim()).ToArray());

        var unchosen = await both.SubmitAsync(url, BookingFields(friday, "14:00", "15:00", "两单位 未选择"), "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.OK, unchosen.StatusCode);
        Assert.Contains("请选择以哪个单位的名义预约", (await ParseAsync(unchosen)).QuerySelector("[data-testid=error-organizationId]")!.TextContent, StringComparison.Ordinal);
        fields = BookingFields(friday, "14:00", "15:00", "两单位 以西南大学名义");
        fields["Form.OrganizationId"] = swu.ToString();
        Assert.Equal(HttpStatusCode.Redirect, (await both.SubmitAsync(url, fields, "form[data-testid=booking-form]")).StatusCode);
        var bySwu = Assert.Single(await BookingsAsync(instrument), b => b.Purpose == "两单位 以西南大学名义");
        Assert.Equal((swu, FeeUserType.SameRegion), (bySwu.UserOrganizationId, bySwu.UserType));
    }

    [Fact]
    public async Task UsageStatementPage_ShowsTheDemoHistory_ForTheOrganisationsOwnManagers()
    {
        var cqu = await OrgAsync("重庆大学");
        var scu = await OrgAsync("四川大学");
        var session = await SignedInAsync(Demo.CquInstrumentManager);
        var (_, queue) = await session.GetAsync("/Me/BookingQueue");
        Assert.Equal("/Me/UsageStatement", queue.QuerySelector("[data-testid=statement-link]")!.GetAttribute("href"));

        // The demo history covers the eight weeks before the seed, so last month (China Standard Time) has uses.
        var lastMonth = DateTimeOffset.UtcNow.ToOffset(Cst).AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var (response, page) = await session.GetAsync($"/Me/UsageStatement?organization={cqu}&month={lastMonth}&side=Owner");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = page.QuerySelectorAll("[data-testid=statement] tbody tr");
        Assert.NotEmpty(rows);
        Assert.Contains(rows, r => r.TextContent.Contains("四川大学", StringComparison.Ordinal));
        Assert.Contains($"共 {rows.Length} 条", page.QuerySelector("[data-testid=statement-summary]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("usage-statement.xlsx", page.QuerySelector("[data-testid=statement-xlsx]")!.GetAttribute("href"), StringComparison.Ordinal);

        var (_, bad) = await session.GetAsync($"/Me/UsageStatement?organization={cqu}&month=2026-13");
        Assert.Contains("yyyy-MM", bad.QuerySelector("[data-testid=month-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await session.GetAsync($"/Me/UsageStatement?organization={scu}&month={lastMonth}")).Response.StatusCode);
        var (_, member) = await (await SignedInAsync(Demo.ScuResearcher)).GetAsync("/Me/UsageStatement");
        Assert.NotNull(member.QuerySelector("[data-testid=no-organization]"));
    }

    [Fact]
    public void UsualLength_IsTheMedianOfPastBookings_RoundedToTheIncrement_WithinTheRules()
    {
        Assert.Equal(30, BookingRulesCheck.UsualMinutes([], 30, 480, 30));
        Assert.Equal(60, BookingRulesCheck.UsualMinutes([], 60, 480, 30));
        Assert.Equal(90, BookingRulesCheck.UsualMinutes([60, 120, 90], 30, 480, 30));
        Assert.Equal(120, BookingRulesCheck.UsualMinutes([60, 90, 150, 480], 30, 480, 30)); // median 120
        Assert.Equal(60, BookingRulesCheck.UsualMinutes([45, 50], 30, 480, 30)); // 47.5 rounds to 60
        Assert.Equal(60, BookingRulesCheck.UsualMinutes([20, 25, 70], 60, 480, 60)); // the shortest allowed
        Assert.Equal(240, BookingRulesCheck.UsualMinutes([600, 600, 30], 30, 240, 30)); // the longest allowed
    }

    [Fact]
    public async Task InstrumentUnderMaintenance_OffersNoBooking_SaysWhyOnce_AndDisablesTheForm()
    {
        // 冷场发射扫描电子显微镜 SU8010 of 西南大学 is under maintenance in the demo.
        var su8010 = await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Model == "SU8010").Select(r => new { r.Id, r.SharingStatus }).FirstAsync());
        Assert.Equal(SharingStatus.UnderMaintenance, su8010.SharingStatus);
        const string why = "该仪器正在维护，暂停预约。";
        var researcher = await SignedInAsync(Demo.ScuResearcher);
        foreach (var session in new[] { new PageSession(factory), researcher })
        {
            var (response, details) = await session.GetAsync($"/Resources/{su8010.Id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(details.QuerySelector("[data-testid=book-link]"));
            Assert.Equal(why, details.QuerySelector("[data-testid=not-bookable]")!.TextContent.Trim());
            Assert.Equal(1, Occurrences(details, why));

            var (_, book) = await session.GetAsync(BookUrl(su8010.Id, Monday));
            Assert.Equal(1, Occurrences(book, why));
            Assert.Empty(book.QuerySelectorAll("[data-testid=week] td[data-state=Free]"));
            Assert.Empty(book.QuerySelectorAll("[data-testid=week] a"));
            Assert.Equal("Unbookable", Cell(book, Monday, "09:00").GetAttribute("data-state"));
            Assert.Null(book.QuerySelector("[data-testid=login-to-book]"));
        }

        // The signed-in user's form is there, disabled; posting it anyway is refused with the reason said once.
        var (_, page) = await researcher.GetAsync(BookUrl(su8010.Id, Monday));
        Assert.NotNull(page.QuerySelector("form[data-testid=booking-form] fieldset[disabled] [data-testid=submit-booking]"));
        Assert.NotNull(page.QuerySelector("form[data-testid=booking-form] fieldset[disabled] #Form_Purpose"));
        Assert.Null(page.QuerySelector("[data-testid=fee-estimate]"));
        var history = (await BookingsAsync(su8010.Id)).Count; // the demo's year of use, before the maintenance
        var posted = await researcher.SubmitAsync(BookUrl(su8010.Id, Monday), BookingFields(Monday, "09:00", "10:00", "维护期间的预约"), "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, posted.StatusCode);
        Assert.Equal(1, Occurrences(await ParseAsync(posted), why));
        var after = await BookingsAsync(su8010.Id);
        Assert.Equal(history, after.Count);
        Assert.DoesNotContain(after, b => b.Purpose == "维护期间的预约");
    }

    [Fact]
    public async Task InstrumentNotOpenToTheUsersType_IsOfferedOnlyToThoseItIsOpenTo()
    {
        var (instrument, _) = await InstrumentAsync(7);
        var manager = await UserAsync(Demo.CquInstrumentManager);
        await factory.WithDbAsync(db =>
        {
            // Open to all user types but other regions' (四川大学 is one to 重庆大学).
            db.Add(new BookingRules { ResourceId = instrument, AllowedUserTypes = 0b1011, UpdatedBy = manager, UpdatedAt = DateTimeOffset.UtcNow, Version = 1 });
            return db.SaveChangesAsync();
        });
        var researcher = await SignedInAsync(Demo.ScuResearcher);
        var (_, details) = await researcher.GetAsync($"/Resources/{instrument}");
        Assert.Null(details.QuerySelector("[data-testid=book-link]"));
        var why = details.QuerySelector("[data-testid=not-bookable]")!.TextContent.Trim(); // 该仪器不接受（其他地区）用户预约。
        Assert.StartsWith("该仪器不接受", why, StringComparison.Ordinal);
        var (_, book) = await researcher.GetAsync(BookUrl(instrument, Monday));
        Assert.Equal(1, Occurrences(book, why));
        Assert.Empty(book.QuerySelectorAll("[data-testid=week] a"));
        Assert.NotNull(book.QuerySelector("form[data-testid=booking-form] fieldset[disabled]"));

        // The instrument's own organisation may book it: the button, free cells to choose, a live form.
        var owner = await SignedInAsync(Demo.CquInstrumentManager);
        var (_, ownDetails) = await owner.GetAsync($"/Resources/{instrument}");
        Assert.NotNull(ownDetails.QuerySelector("[data-testid=book-link]"));
        Assert.Null(ownDetails.QuerySelector("[data-testid=not-bookable]"));
        var (_, ownBook) = await owner.GetAsync(BookUrl(instrument, Monday));
        Assert.NotNull(Cell(ownBook, Monday, "09:00").QuerySelector("a"));
        Assert.Null(ownBook.QuerySelector("form[data-testid=booking-form] fieldset[disabled]"));
        Assert.Null(ownBook.QuerySelector("[data-testid=not-bookable]"));
    }

    [Fact]
    public async Task BlackedOutTime_IsShownNotBookable_WithItsReason()
    {
        var (instrument, _) = await InstrumentAsync(8);
        var thursday = Monday.AddDays(3);
        var reason = $"电子枪更换 {Guid.NewGuid():N}"[..14];
        var manager = await UserAsync(Demo.CquInstrumentManager);
        await factory.WithDbAsync(db =>
        {
            db.Add(new InstrumentBlackout
            {
                Id = Guid.CreateVersion7(),
                ResourceId = instrument,
                StartAt = At(thursday, 13).ToUniversalTime(),
                EndAt = At(thursday, 15).ToUniversalTime(),
                Reason = reason,
                CreatedBy = manager,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            return db.SaveChangesAsync();
        });

        var (_, book) = await (await SignedInAsync(Demo.ScuResearcher)).GetAsync(BookUrl(instrument, Monday));
        foreach (var time in new[] { "13:00", "13:30", "14:00", "14:30" })
        {
            var cell = Cell(book, thursday, time);
            Assert.Equal("Blackout", cell.GetAttribute("data-state"));
            Assert.Null(cell.QuerySelector("a"));
            Assert.Equal(reason, cell.GetAttribute("title"));
        }
        // The reason is written where the blackout starts; the time around it stays bookable.
        Assert.Equal(reason, Cell(book, thursday, "13:00").QuerySelector(".slot-reason")!.TextContent.Trim());
        Assert.Null(Cell(book, thursday, "14:00").QuerySelector(".slot-reason"));
        Assert.NotNull(Cell(book, thursday, "12:30").QuerySelector("a"));
        Assert.NotNull(Cell(book, thursday, "15:00").QuerySelector("a"));
        Assert.Null(book.QuerySelector("form[data-testid=booking-form] fieldset[disabled]"));
    }

    [Fact]
    public async Task ChoosingAFreeSlot_FillsTheFormInPlace_MarksTheSlot_AndProposesTheUsualLength()
    {
        var (instrument, _) = await InstrumentAsync(17); // charged by the hour
        await WithoutBookingHistoryAsync(instrument); // the demo's year of use would make its own usual length
        var wednesday = Monday.AddDays(2);
        // Past uses of 1 h, 1.5 h, 1.5 h and 2 h make 1.5 h the usual length; a cancelled day-long booking and a
        // future one do not count.
        var past = At(DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(Cst).DateTime).AddDays(-30), 9);
        await AddBookingAsync(instrument, past, 60, BookingStatus.Completed);
        await AddBookingAsync(instrument, past.AddDays(1), 90, BookingStatus.Completed);
        await AddBookingAsync(instrument, past.AddDays(2), 90, BookingStatus.Approved);
        await AddBookingAsync(instrument, past.AddDays(3), 120, BookingStatus.Completed);
        await AddBookingAsync(instrument, past.AddDays(4), 480, BookingStatus.Cancelled);
        await AddBookingAsync(instrument, At(Monday.AddDays(14), 9), 240, BookingStatus.Approved);

        var session = await SignedInAsync(Demo.ScuResearcher);
        var (_, page) = await session.GetAsync(BookUrl(instrument, Monday));
        var link = Cell(page, wednesday, "09:00").QuerySelector("a")!;
        // Without JavaScript the link still loads the page with the form filled; htmx asks for the slot in place.
        Assert.StartsWith($"/Resources/{instrument}/Book?", link.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("#booking-times", link.GetAttribute("hx-target"));
        Assert.Null(page.QuerySelector("[data-testid=week] [aria-current]"));

        var fragment = await FragmentAsync(session, link.GetAttribute("hx-get")!);
        Assert.Equal(Date(wednesday), fragment.QuerySelector("#booking-times #Form_Date")!.GetAttribute("value"));
        Assert.Equal("09:00", ((IHtmlSelectElement)fragment.QuerySelector("#booking-times #Form_Start")!).Value);
        Assert.Equal("10:30", ((IHtmlSelectElement)fragment.QuerySelector("#booking-times #Form_End")!).Value);
        // The week comes along out of band, the chosen cell marked and the rest of the booking shaded.
        var week = fragment.QuerySelector("#booking-week")!;
        Assert.Equal("true", week.GetAttribute("hx-swap-oob"));
        var chosen = Cell(fragment, wednesday, "09:00");
        Assert.Contains("slot-chosen", chosen.ClassList);
        Assert.Equal("true", chosen.QuerySelector("a")!.GetAttribute("aria-current"));
        Assert.Single(fragment.QuerySelectorAll("[data-testid=week] [aria-current]"));
        Assert.Contains("slot-within", Cell(fragment, wednesday, "10:00").ClassList);
        Assert.DoesNotContain("slot-within", Cell(fragment, wednesday, "10:30").ClassList);
        Assert.Contains("¥330.00", fragment.QuerySelector("[data-testid=estimate-amount]")!.TextContent, StringComparison.Ordinal); // 1.5 h at 220 an hour

        // The same without JavaScript: the page again, filled and marked alike.
        var (_, filled) = await session.GetAsync(link.GetAttribute("href")!);
        Assert.Equal("10:30", ((IHtmlSelectElement)filled.QuerySelector("#Form_End")!).Value);
        Assert.Contains("slot-chosen", Cell(filled, wednesday, "09:00").ClassList);
    }

    [Fact]
    public async Task FeeEstimate_ShowsBeforeSubmitting_ByTheUsersType_AndFollowsTheChoice()
    {
        var (instrument, _) = await InstrumentAsync(18); // charged by the hour; its usual length from the demo history
        var tuesday = Monday.AddDays(1);
        var usual = BookingRulesCheck.UsualMinutes(await PastLengthsAsync(instrument), 30, 8 * 60, 30);
        static string Yuan(decimal yuan) => "¥" + yuan.ToString("N2", CultureInfo.InvariantCulture);
        // The demo fee lines: 400 an hour inside 重庆大学, 550 for other regions, 800 for enterprises.
        foreach (var (who, type, hourly) in new[] { (Demo.ScuResearcher, "OtherRegion", 550m), (Demo.CquInstrumentManager, "Internal", 400m), (Demo.Engineer, "Enterprise", 800m) })
        {
            var session = await SignedInAsync(who);
            var (_, page) = await session.GetAsync(BookUrl(instrument, Monday));
            var estimate = page.QuerySelector("[data-testid=fee-estimate]")!;
            Assert.Equal(type, estimate.GetAttribute("data-user-type"));
            Assert.Contains(Yuan(hourly), estimate.QuerySelector("[data-testid=estimate-rate]")!.TextContent, StringComparison.Ordinal); // the rate until a time is chosen
            Assert.Null(estimate.QuerySelector("[data-testid=estimate-vouchers]")); // what a voucher pays needs the fee first

            // A free cell chosen: the usual length from there, and its fee.
            var slot = await FragmentAsync(session, Cell(page, tuesday, "10:00").QuerySelector("a")!.GetAttribute("hx-get")!);
            Assert.Equal(Clock(10 * 60 + usual), ((IHtmlSelectElement)slot.QuerySelector("#Form_End")!).Value);
            Assert.Contains(Yuan(hourly * usual / 60), slot.QuerySelector("[data-testid=estimate-amount]")!.TextContent, StringComparison.Ordinal);
            Assert.NotNull(slot.QuerySelector("[data-testid=estimate-vouchers]"));
        }

        // A time or the repetition changed: the estimate again (and only it, with the week), for all the occurrences.
        var researcher = await SignedInAsync(Demo.ScuResearcher);
        var (_, book) = await researcher.GetAsync(BookUrl(instrument, Monday));
        var times = book.QuerySelector("#booking-times")!;
        Assert.Equal("#fee-estimate", times.GetAttribute("hx-target"));
        var changed = await FragmentAsync(researcher, times.GetAttribute("hx-get") +
            $"&Form.Date={Date(tuesday)}&Form.Start=09:00&Form.End=12:00&Form.RepeatFrequency=Weekly&Form.RepeatCount=3");
        Assert.Null(changed.QuerySelector("#booking-times"));
        Assert.Contains("¥1,650.00", changed.QuerySelector("#fee-estimate [data-testid=estimate-amount]")!.TextContent, StringComparison.Ordinal); // 3 h at 550
        Assert.Contains("¥4,950.00", changed.QuerySelector("#fee-estimate [data-testid=estimate-total]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("slot-chosen", Cell(changed, tuesday, "09:00").ClassList);

        // An instrument charged by the sample has its rate, and no amount a time could make.
        var (perSample, _) = await InstrumentAsync(11);
        var (_, samples) = await researcher.GetAsync(BookUrl(perSample, Monday));
        Assert.Contains("¥80.00", samples.QuerySelector("[data-testid=fee-estimate] [data-testid=estimate-other-unit]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(samples.QuerySelector("[data-testid=estimate-amount]"));
    }

    [Fact]
    public async Task AfterSubmitting_TheNewBookingIsFirstInMyBookings_AndMarked()
    {
        var (instrument, _) = await InstrumentAsync(11);
        var friday = Monday.AddDays(4);
        var session = await SignedInAsync(Demo.ScuResearcher);
        var url = BookUrl(instrument, Monday);
        // The form posts to the page without the fragment a free cell's link put in the address (so none follows the redirect).
        var (_, filled) = await session.GetAsync(Cell((await session.GetAsync(url)).Document, friday, "16:00").QuerySelector("a")!.GetAttribute("href")!);
        var action = filled.QuerySelector("form[data-testid=booking-form]")!.GetAttribute("action")!;
        Assert.Equal(url, action);

        var purpose = $"新预约置顶 {Guid.NewGuid():N}";
        var posted = await session.SubmitAsync(url, BookingFields(friday, "16:00", "17:00", purpose), "form[data-testid=booking-form]");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var stored = Assert.Single(await BookingsAsync(instrument), b => b.Purpose == purpose);
        Assert.Equal($"/Me/Bookings?created={stored.Id}", posted.Headers.Location!.OriginalString);

        // The researcher's demo bookings weeks ahead would come before it by date: the new one is first, and marked.
        var mine = await session.FollowAsync(posted);
        var rows = mine.QuerySelectorAll("[data-testid=bookings] tbody tr");
        Assert.True(rows.Length > 1);
        Assert.Equal(stored.Id.ToString(), rows[0].GetAttribute("data-booking-id"));
        Assert.Contains("booking-created", rows[0].ClassList);
        Assert.Equal("刚提交", rows[0].QuerySelector("[data-testid=just-made]")!.TextContent.Trim());
        Assert.Single(mine.QuerySelectorAll("tr.booking-created"));
        Assert.Single(rows, r => r.GetAttribute("data-booking-id") == stored.Id.ToString());

        // Later visits list it by date, unmarked; someone else's booking cannot be put first.
        var (_, later) = await session.GetAsync("/Me/Bookings");
        Assert.Empty(later.QuerySelectorAll("tr.booking-created"));
        var (_, other) = await (await SignedInAsync(Demo.Engineer)).GetAsync($"/Me/Bookings?created={stored.Id}");
        Assert.Null(other.QuerySelector($"tr[data-booking-id='{stored.Id}']"));
    }
}

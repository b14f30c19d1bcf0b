using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

/// <summary>Bookings as iCalendar files (RFC 5545): the caller's own, and an instrument's held time and blackouts.</summary>
public sealed partial class BookingService
{
    /// <summary>The caller's bookings (as user or booker) from 90 days back to a year ahead, as an iCalendar file.</summary>
    public async Task<string> MyCalendarAsync(CancellationToken ct)
    {
        var id = me.Id!.Value;
        var now = clock.GetUtcNow();
        var from = now.AddDays(-90);
        var to = now.AddDays(366);
        var list = await db.Set<InstrumentBooking>().AsNoTracking()
            .Where(b => (b.UserId == id || b.BookedBy == id) && b.StartAt >= from && b.StartAt < to && b.Status != BookingStatus.Rejected)
            .OrderBy(b => b.StartAt).Take(2000).ToListAsync(ct);
        var resourceIds = list.Select(b => b.ResourceId).Distinct().ToList();
        var resources = await catalog.Instruments().Where(r => resourceIds.Contains(r.Id))
            .Select(r => new { r.Id, r.Name, r.Model, r.Address }).ToDictionaryAsync(r => r.Id, ct);
        return ICalendar.Write("我的仪器预约", list.Select(b =>
        {
            var r = resources[b.ResourceId];
            return new CalendarEvent($"{b.Id:N}@chuanyu", b.StartAt, b.EndAt, $"{r.Name}（{StatusLabel(b.Status)}）", r.Address,
                $"仪器：{r.Name}{(r.Model is null ? "" : " " + r.Model)}\n使用目的：{b.Purpose}\n预约号：{b.Id}", ICalendar.StatusOf(b.Status), b.CreatedAt);
        }));
    }

    /// <summary>
    /// An instrument's held time from 30 days back to 90 days ahead as an iCalendar file: "已预约" for everyone, the user and
    /// organisation only for the instrument's managers.
    /// </summary>
    public async Task<(string? Calendar, ServiceResult Result)> InstrumentCalendarAsync(Guid instrumentId, CancellationToken ct)
    {
        var (r, refused) = await BookableAsync(instrumentId, manage: false, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var now = clock.GetUtcNow();
        var from = now.AddDays(-30);
        var to = now.AddDays(90);
        var list = await db.Set<InstrumentBooking>().AsNoTracking()
            .Where(b => b.ResourceId == r!.Id && InstrumentBooking.Active.Contains(b.Status) && b.StartAt >= from && b.StartAt < to)
            .OrderBy(b => b.StartAt).Take(5000).ToListAsync(ct);
        var manager = catalog.CanManage(r!.OrganizationId);
        var names = new Dictionary<Guid, string>();
        if (manager)
        {
            names = (await ToDtosAsync(list, ct)).ToDictionary(d => d.Id, d => $"{d.UserName}（{d.UserOrganizationName}）");
        }
        var blackouts = await db.Set<InstrumentBlackout>().AsNoTracking()
            .Where(b => b.ResourceId == r.Id && b.EndAt > from && b.StartAt < to).ToListAsync(ct);
        var events = list.Select(b => new CalendarEvent($"{b.Id:N}@chuanyu", b.StartAt, b.EndAt,
                (b.Status == BookingStatus.Pending ? "待审核" : "已预约") + (names.TryGetValue(b.Id, out var who) ? "：" + who : ""),
                r.Address, manager ? "使用目的：" + b.Purpose : null, ICalendar.StatusOf(b.Status), b.CreatedAt))
            .Concat(blackouts.Select(b => new CalendarEvent($"{b.Id:N}@chuanyu", b.StartAt, b.EndAt, "停机：" + b.Reason, r.Address, null, "CONFIRMED", b.CreatedAt)))
            .OrderBy(e => e.Start);
        return (ICalendar.Write($"{r.Name} 预约排期", events), new ServiceResult.Ok());
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

/// <summary>
/// Bookings as iCalendar files (RFC 5545): the caller's own, and an instrument's held time and blackouts. The names and
/// descriptions are in the request's language (the API's: the language cookie, else Accept-Language).
/// </summary>
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
        return ICalendar.Write(new Message("Booking.Calendar.Mine").ToString(), list.Select(b =>
        {
            var r = resources[b.ResourceId];
            return new CalendarEvent($"{b.Id:N}@chuanyu", b.StartAt, b.EndAt, new Message("Booking.Calendar.WithStatus", r.Name, b.Status).ToString(), r.Address,
                string.Join('\n', new Message("Booking.Calendar.Instrument", r.Model is null ? r.Name : $"{r.Name} {r.Model}"),
                    new Message("Booking.Calendar.Purpose", b.Purpose), new Message("Booking.Calendar.Number", b.Id)),
                ICalendar.StatusOf(b.Status), b.CreatedAt);
        }));
    }

    /// <summary>
    /// An instrument's held time from 30 days back to 90 days ahead as an iCalendar file: "taken" for everyone, the user and
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
            names = (await ToDtosAsync(list, ct)).ToDictionary(d => d.Id, d => new Message("Booking.Calendar.Person", d.UserName, d.UserOrganizationName).ToString());
        }
        var blackouts = await db.Set<InstrumentBlackout>().AsNoTracking()
            .Where(b => b.ResourceId == r.Id && b.EndAt > from && b.StartAt < to).ToListAsync(ct);
        var events = list.Select(b =>
            {
                var held = new Message(b.Status == BookingStatus.Pending ? "Booking.Calendar.Pending" : "Booking.Calendar.Taken");
                var summary = names.TryGetValue(b.Id, out var who) ? new Message("Booking.Calendar.HeldBy", held, who) : held;
                return new CalendarEvent($"{b.Id:N}@chuanyu", b.StartAt, b.EndAt, summary.ToString(),
                    r.Address, manager ? new Message("Booking.Calendar.Purpose", b.Purpose).ToString() : null, ICalendar.StatusOf(b.Status), b.CreatedAt);
            })
            .Concat(blackouts.Select(b => new CalendarEvent($"{b.Id:N}@chuanyu", b.StartAt, b.EndAt, new Message("Booking.Calendar.Blackout", b.Reason).ToString(),
                r.Address, null, "CONFIRMED", b.CreatedAt)))
            .OrderBy(e => e.Start);
        return (ICalendar.Write(new Message("Booking.Calendar.Schedule", r.Name).ToString(), events), new ServiceResult.Ok());
    }
}

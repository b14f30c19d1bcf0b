using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

/// <summary>A held slot as anyone may see it: when, and whether it is the caller's own; never who booked it.</summary>
public sealed record TakenSlot(DateTimeOffset Start, DateTimeOffset End, DateTimeOffset HeldUntil, bool Pending, bool Mine);

public sealed record BlackoutDto(Guid Id, DateTimeOffset Start, DateTimeOffset End, string Reason);

public sealed record OpeningDay(DateOnly Date, bool Open, DateTimeOffset? Opens, DateTimeOffset? Closes);

public sealed record AvailabilityDto(Guid InstrumentId, string InstrumentName, string TimeZone, BookingRulesDto Rules,
    IReadOnlyList<OpeningDay> Days, IReadOnlyList<TakenSlot> Taken, IReadOnlyList<BlackoutDto> Blackouts, bool CanManage);

public sealed partial class BookingService
{
    public const int MaxAvailabilityDays = 31;

    /// <summary>Free and held time of an instrument for some days from a date (China Standard Time), without others' names.</summary>
    public async Task<(AvailabilityDto? Availability, ServiceResult Result)> AvailabilityAsync(Guid instrumentId, DateOnly from, int days, CancellationToken ct)
    {
        if (days is < 1 or > MaxAvailabilityDays)
        {
            var e = new FieldErrors();
            e.Add("days", new Message("Booking.TooManyDays", MaxAvailabilityDays));
            return (null, new ServiceResult.Invalid(e));
        }
        var today = ChinaTime.Today(clock);
        if (from < today.AddYears(-1) || from > today.AddYears(1))
        {
            var e = new FieldErrors();
            e.Add("from", new Message("Booking.FromOutOfRange"));
            return (null, new ServiceResult.Invalid(e));
        }
        var (r, refused) = await BookableAsync(instrumentId, manage: false, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var rules = await RulesAsync(r!.Id, ct);
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), Display.ChinaStandardTime).ToUniversalTime();
        var end = start.AddDays(days);
        var meId = me.Id;
        var taken = await db.Set<InstrumentBooking>().AsNoTracking()
            .Where(b => b.ResourceId == r.Id && InstrumentBooking.Active.Contains(b.Status) && b.StartAt < end && b.BlockedUntil > start)
            .OrderBy(b => b.StartAt)
            .Select(b => new TakenSlot(b.StartAt, b.EndAt, b.BlockedUntil, b.Status == BookingStatus.Pending, meId != null && (b.UserId == meId || b.BookedBy == meId)))
            .ToListAsync(ct);
        var blackouts = await db.Set<InstrumentBlackout>().AsNoTracking()
            .Where(b => b.ResourceId == r.Id && b.StartAt < end && b.EndAt > start).OrderBy(b => b.StartAt)
            .Select(b => new BlackoutDto(b.Id, b.StartAt, b.EndAt, b.Reason)).ToListAsync(ct);
        var opening = Enumerable.Range(0, days).Select(i =>
        {
            var day = from.AddDays(i);
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Display.ChinaStandardTime);
            return rules.IsOpenOn(day.DayOfWeek)
                ? new OpeningDay(day, true, midnight.AddMinutes(rules.OpensAtMinute), midnight.AddMinutes(rules.ClosesAtMinute))
                : new OpeningDay(day, false, null, null);
        }).ToList();
        return (new AvailabilityDto(r.Id, r.Name, "Asia/Shanghai", BookingRulesDto.From(rules), opening, taken, blackouts,
            catalog.CanManage(r.OrganizationId)), new ServiceResult.Ok());
    }


}

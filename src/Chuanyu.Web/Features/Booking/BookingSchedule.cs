using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

/// <summary>A held slot as anyone may see it: when, and whether it is the caller's own; never who booked it.</summary>
public sealed record TakenSlot(DateTimeOffset Start, DateTimeOffset End, DateTimeOffset HeldUntil, bool Pending, bool Mine);

public sealed record BlackoutDto(Guid Id, DateTimeOffset Start, DateTimeOffset End, string Reason);

/// <summary>
/// What a booking would cost before it is made, for the user type the chosen organisation makes the caller: the fee
/// line of that type (the hourly one when there is one), and, when it is hourly and a time is chosen, the fee of each
/// occurrence and of all of them, priced as check-out prices a use (<see cref="BookingRulesCheck.PriceFen"/>).
/// </summary>
public sealed record BookingEstimate(FeeUserType UserType, FeeRef? Fee, bool Hourly, int Minutes, int Count, long? EachFen, long? TotalFen);

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

    /// <summary>
    /// The usual length of a booking of the instrument, to propose when a start is chosen: the median of its latest
    /// past approved, in-use and completed bookings, rounded to the rules' increment within their shortest and longest
    /// booking (the shortest when it has none).
    /// </summary>
    public async Task<int> UsualMinutesAsync(Guid instrumentId, BookingRulesDto rules, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var used = new[] { BookingStatus.Approved, BookingStatus.InUse, BookingStatus.Completed };
        var past = await db.Set<InstrumentBooking>().AsNoTracking()
            .Where(b => b.ResourceId == instrumentId && used.Contains(b.Status) && b.StartAt < now)
            .OrderByDescending(b => b.StartAt).ThenBy(b => b.Id).Take(UsualSample)
            .Select(b => new { b.StartAt, b.EndAt }).ToListAsync(ct);
        return BookingRulesCheck.UsualMinutes(past.Select(b => (int)(b.EndAt - b.StartAt).TotalMinutes), rules.MinMinutes, rules.MaxMinutes, rules.IncrementMinutes);
    }

    /// <summary>How many of the latest bookings make an instrument's usual length.</summary>
    public const int UsualSample = 100;

    /// <summary>
    /// The fee estimate of a booking the caller is about to request: <paramref name="minutes"/> each (0 when no time is
    /// chosen yet), <paramref name="count"/> occurrences, for the organisation chosen (or the caller's only one). Null
    /// when the caller may not see the instrument or the organisation does not make a requester
    /// (<see cref="RequesterAsync"/>: none chosen of several, not theirs, unverified, outside the sharing scope).
    /// </summary>
    public async Task<BookingEstimate?> EstimateAsync(Guid instrumentId, Guid? organizationId, int minutes, int count, CancellationToken ct)
    {
        if (!me.IsAuthenticated || await catalog.FindWithFeesAsync(instrumentId, ct) is not { } found || !catalog.CanSee(found.Instrument))
        {
            return null;
        }
        var (_, userType, refused) = await RequesterAsync(organizationId, found.Instrument, new Message("Booking.ActionBook"), ct);
        if (refused is not null)
        {
            return null;
        }
        var hourly = found.Fees.FirstOrDefault(f => f.UserType == userType && BookingRulesCheck.IsHourly(f.Unit));
        var line = hourly ?? found.Fees.FirstOrDefault(f => f.UserType == userType);
        var each = minutes > 0 ? BookingRulesCheck.PriceFen(found.Fees, userType, minutes) : null;
        count = Math.Max(1, count);
        return new BookingEstimate(userType, line, hourly is not null, minutes, count, each, each * count);
    }
}

using System.Globalization;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Booking;

/// <summary>A rule a booking broke: <see cref="Rule"/> is the stable name clients switch on, the message is for people.</summary>
public sealed record RuleViolation(string Rule, Message Message);

/// <summary>Days named in a sentence, listed as the reader's language lists them (Chinese with 、, English with a comma).</summary>
public sealed record DayList(IReadOnlyList<Message> Days) : IFormattable
{
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        var culture = formatProvider as CultureInfo ?? CultureInfo.CurrentUICulture;
        return string.Join(Messages.Translate(new Message("Booking.ListSeparator"), culture), Days.Select(d => Messages.Translate(d, culture)));
    }

    /// <summary>In the current UI culture.</summary>
    public override string ToString() => ToString(null, null);
}

/// <summary>
/// The time rules of a booking, as pure functions of the rules, the requested range and the present: no database, so
/// each rule has its unit test. Opening hours are read in China Standard Time whatever offset the request used, so a
/// start written as 23:30Z is 07:30 the next morning in Chongqing, and is judged as such.
/// </summary>
public static class BookingRulesCheck
{
    /// <summary>Monday (index 0) to Sunday (6), as the rule messages name them.</summary>
    public static readonly Message[] DayNames =
    [
        new("Booking.Weekday.Monday"), new("Booking.Weekday.Tuesday"), new("Booking.Weekday.Wednesday"), new("Booking.Weekday.Thursday"),
        new("Booking.Weekday.Friday"), new("Booking.Weekday.Saturday"), new("Booking.Weekday.Sunday"),
    ];

    /// <summary>
    /// The first rule the time breaks, or null. <paramref name="occurrence"/> opens each message (<c>{0}</c>): which
    /// booking of a repeated request it is (<c>Booking.Occurrence</c>), or nothing for a single one, so the message's
    /// key, the API's <c>code</c>, stays the rule's.
    /// </summary>
    public static RuleViolation? CheckTime(BookingRules rules, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now, object? occurrence = null)
    {
        var at = occurrence ?? "";
        var minutes = (end - start).TotalMinutes;
        if (start < now)
        {
            return new("past", new Message("Booking.StartInPast", at));
        }
        if (minutes > rules.MaxMinutes)
        {
            return new("maxDuration", new Message("Booking.TooLong", at, Duration(rules.MaxMinutes), Duration((int)Math.Min(minutes, int.MaxValue))));
        }
        if (minutes < rules.MinMinutes)
        {
            return new("minDuration", new Message("Booking.TooShort", at, Duration(rules.MinMinutes)));
        }
        if (start < now.AddMinutes(rules.MinNoticeMinutes))
        {
            return new("minNotice", new Message("Booking.TooSoon", at, Duration(rules.MinNoticeMinutes)));
        }
        if (start > now.AddDays(rules.MaxHorizonDays))
        {
            return new("maxHorizon", new Message("Booking.TooFarAhead", at, rules.MaxHorizonDays));
        }
        var localStart = start.ToOffset(Display.ChinaStandardTime);
        var localEnd = end.ToOffset(Display.ChinaStandardTime);
        var startMinute = localStart.Hour * 60 + localStart.Minute;
        var endMinute = localEnd.Date == localStart.Date ? localEnd.Hour * 60 + localEnd.Minute
            : localEnd.Date == localStart.Date.AddDays(1) && localEnd.TimeOfDay == TimeSpan.Zero ? 24 * 60 : -1;
        if (endMinute < 0)
        {
            return new("openingHours", new Message("Booking.CrossesMidnight", at));
        }
        if (!rules.IsOpenOn(localStart.DayOfWeek))
        {
            return new("openingHours", new Message("Booking.ClosedDay", at, DayNames[BookingRules.DayNumber(localStart.DayOfWeek) - 1], OpenDays(rules)));
        }
        if (startMinute < rules.OpensAtMinute || endMinute > rules.ClosesAtMinute)
        {
            return new("openingHours", new Message("Booking.OutsideHours", at, Clock(rules.OpensAtMinute), Clock(rules.ClosesAtMinute), Clock(startMinute), Clock(endMinute)));
        }
        if (localStart.Second != 0 || localStart.Millisecond != 0 || localEnd.Second != 0 || localEnd.Millisecond != 0 ||
            (startMinute - rules.OpensAtMinute) % rules.IncrementMinutes != 0 || (int)minutes % rules.IncrementMinutes != 0)
        {
            return new("increment", new Message("Booking.Increment", at, rules.IncrementMinutes, Clock(rules.OpensAtMinute)));
        }
        return null;
    }

    /// <summary>Who the user is to the instrument, which decides the fee and whether the rules allow the booking.</summary>
    public static FeeUserType Classify(bool sameOrganization, bool enterprise, bool sameRegion) =>
        sameOrganization ? FeeUserType.Internal : enterprise ? FeeUserType.Enterprise : sameRegion ? FeeUserType.SameRegion : FeeUserType.OtherRegion;

    public static string Clock(int minuteOfDay) => string.Create(CultureInfo.InvariantCulture, $"{minuteOfDay / 60:D2}:{minuteOfDay % 60:D2}");

    public static Message Duration(int minutes) => minutes % 60 == 0 ? new("Booking.Duration.Hours", minutes / 60)
        : minutes > 60 ? new("Booking.Duration.HoursMinutes", minutes / 60, minutes % 60) : new("Booking.Duration.Minutes", minutes);

    public static DayList OpenDays(BookingRules rules) =>
        new([.. Enumerable.Range(0, 7).Where(i => (rules.OpenDays & (1 << i)) != 0).Select(i => DayNames[i])]);

    /// <summary>The hourly price for a user type from the fee schedule, when the schedule charges by the hour.</summary>
    public static long? HourlyPriceFen(IEnumerable<FeeRef> fees, FeeUserType type) =>
        fees.FirstOrDefault(f => f.UserType == type && IsHourly(f.Unit))?.PriceFen;

    public static bool IsHourly(string unit) => unit.Contains('时', StringComparison.Ordinal) || unit.Equals("h", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The fee of a use of <paramref name="minutes"/> by a user type at the fee schedule's hourly price; null when the
    /// schedule has no hourly price for the type (nothing is charged by the hour).
    /// </summary>
    public static long? PriceFen(IEnumerable<FeeRef> fees, FeeUserType type, int minutes) =>
        HourlyPriceFen(fees, type) is { } hourly ? Fee(hourly, minutes) : null;

    /// <summary>
    /// The usual length of a booking from the lengths of past ones: their median rounded (half up) to the increment,
    /// within the shortest and longest booking the rules allow; the shortest when there are none.
    /// </summary>
    public static int UsualMinutes(IEnumerable<int> lengths, int minMinutes, int maxMinutes, int incrementMinutes)
    {
        var step = Math.Max(1, incrementMinutes);
        var shortest = Math.Max(minMinutes, step);
        var longest = Math.Max(shortest, maxMinutes - maxMinutes % step);
        var sorted = lengths.Where(l => l > 0).Order().ToList();
        if (sorted.Count == 0)
        {
            return shortest;
        }
        var middle = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2m;
        var rounded = (int)Math.Round(median / step, MidpointRounding.AwayFromZero) * step;
        return Math.Clamp(rounded, shortest, longest);
    }

    /// <summary>The fee for minutes used at an hourly price, rounded half up to the fen.</summary>
    public static long Fee(long hourlyFen, int minutes) => (long)Math.Round(hourlyFen * (decimal)minutes / 60m, MidpointRounding.AwayFromZero);
}

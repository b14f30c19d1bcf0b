using System.Globalization;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// The range each kind of date a person types may take. Without a bound, 9999-12-31 is accepted and then breaks sorting,
/// reminders and the arithmetic done on it; each date field states what its domain allows, with the reason in Chinese.
/// </summary>
public static class DateLimits
{
    /// <summary>No record of the platform (instruments, certificates, outputs, audit) lies before this day.</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    /// <summary>The same bound as an instant in China Standard Time.</summary>
    public static readonly DateTimeOffset EarliestInstant = new(2000, 1, 1, 0, 0, 0, Display.ChinaStandardTime);

    /// <summary>The latest instant a search or filter may name (the year 2100): far beyond any record, far from overflow.</summary>
    public static readonly DateTimeOffset LatestInstant = new(2100, 12, 31, 23, 59, 59, Display.ChinaStandardTime);

    /// <summary>null when <paramref name="from"/> ≤ <paramref name="value"/> ≤ <paramref name="to"/>, else the reason naming the range.</summary>
    public static Message? Outside(DateOnly value, DateOnly from, DateOnly to, Message label) =>
        value >= from && value <= to ? null : new Message("Common.DateOutside", label, Iso(from), Iso(to));

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

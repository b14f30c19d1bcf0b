using System.Globalization;

namespace Chuanyu.Web.Infrastructure;

/// <summary>Times are stored in UTC and shown in China Standard Time (UTC+8, no daylight saving).</summary>
public static class Display
{
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public static string Date(DateTimeOffset t) => t.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset t) => t.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>"2026-12-01 09:00" in China Standard Time.</summary>
    public static string Minute(DateTimeOffset t) => t.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"2026-12-01 09:00–11:00" in China Standard Time; an end at the next midnight reads 24:00, a later day in full.</summary>
    public static string Range(DateTimeOffset start, DateTimeOffset end)
    {
        var s = start.ToOffset(ChinaStandardTime);
        var e = end.ToOffset(ChinaStandardTime);
        var endText = e.Date == s.Date ? e.ToString("HH:mm", CultureInfo.InvariantCulture)
            : e.Date == s.Date.AddDays(1) && e.TimeOfDay == TimeSpan.Zero ? "24:00" : Minute(e);
        return $"{Minute(s)}–{endText}";
    }

    public static string Money(decimal yuan) => "¥" + yuan.ToString("N2", CultureInfo.InvariantCulture);
}

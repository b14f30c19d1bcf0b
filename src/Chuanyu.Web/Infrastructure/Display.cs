using System.Globalization;

namespace Chuanyu.Web.Infrastructure;

/// <summary>Times are stored in UTC and shown in China Standard Time (UTC+8, no daylight saving).</summary>
public static class Display
{
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public static string Date(DateTimeOffset t) => t.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset t) => t.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Money(decimal yuan) => "¥" + yuan.ToString("N2", CultureInfo.InvariantCulture);
}

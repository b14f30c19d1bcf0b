using System.Globalization;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Booking;

/// <summary>A rule a booking broke: <see cref="Rule"/> is the stable name clients switch on, the message is for people.</summary>
public sealed record RuleViolation(string Rule, string Message);

/// <summary>
/// The time rules of a booking, as pure functions of the rules, the requested range and the present: no database, so
/// each rule has its unit test. Opening hours are read in China Standard Time whatever offset the request used, so a
/// start written as 23:30Z is 07:30 the next morning in Chongqing, and is judged as such.
/// </summary>
public static class BookingRulesCheck
{
    public static readonly string[] DayNames = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];

    public static RuleViolation? CheckTime(BookingRules rules, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        var minutes = (end - start).TotalMinutes;
        if (start < now)
        {
            return new("past", "不能预约已经开始或已经过去的时间。");
        }
        if (minutes > rules.MaxMinutes)
        {
            return new("maxDuration", $"每次预约最长 {Duration(rules.MaxMinutes)}，本次为 {Duration((int)Math.Min(minutes, int.MaxValue))}。");
        }
        if (minutes < rules.MinMinutes)
        {
            return new("minDuration", $"每次预约至少 {Duration(rules.MinMinutes)}。");
        }
        if (start < now.AddMinutes(rules.MinNoticeMinutes))
        {
            return new("minNotice", $"须至少提前 {Duration(rules.MinNoticeMinutes)} 预约。");
        }
        if (start > now.AddDays(rules.MaxHorizonDays))
        {
            return new("maxHorizon", $"最多可预约 {rules.MaxHorizonDays} 天以内的时段。");
        }
        var localStart = start.ToOffset(Display.ChinaStandardTime);
        var localEnd = end.ToOffset(Display.ChinaStandardTime);
        var startMinute = localStart.Hour * 60 + localStart.Minute;
        var endMinute = localEnd.Date == localStart.Date ? localEnd.Hour * 60 + localEnd.Minute
            : localEnd.Date == localStart.Date.AddDays(1) && localEnd.TimeOfDay == TimeSpan.Zero ? 24 * 60 : -1;
        if (endMinute < 0)
        {
            return new("openingHours", "一次预约须在同一天的开放时间内（北京时间），不能跨过午夜。");
        }
        if (!rules.IsOpenOn(localStart.DayOfWeek))
        {
            return new("openingHours", $"{DayNames[BookingRules.DayNumber(localStart.DayOfWeek) - 1]}不开放预约（开放日：{OpenDaysText(rules)}）。");
        }
        if (startMinute < rules.OpensAtMinute || endMinute > rules.ClosesAtMinute)
        {
            return new("openingHours", $"开放时间为北京时间 {Clock(rules.OpensAtMinute)}–{Clock(rules.ClosesAtMinute)}，所选时段为 {Clock(startMinute)}–{Clock(endMinute)}。");
        }
        if (localStart.Second != 0 || localStart.Millisecond != 0 || localEnd.Second != 0 || localEnd.Millisecond != 0 ||
            (startMinute - rules.OpensAtMinute) % rules.IncrementMinutes != 0 || (int)minutes % rules.IncrementMinutes != 0)
        {
            return new("increment", $"预约以 {rules.IncrementMinutes} 分钟为单位，自开放时间 {Clock(rules.OpensAtMinute)} 起算。");
        }
        return null;
    }

    /// <summary>Who the user is to the instrument, which decides the fee and whether the rules allow the booking.</summary>
    public static FeeUserType Classify(bool sameOrganization, bool enterprise, bool sameRegion) =>
        sameOrganization ? FeeUserType.Internal : enterprise ? FeeUserType.Enterprise : sameRegion ? FeeUserType.SameRegion : FeeUserType.OtherRegion;

    public static string UserTypeLabel(FeeUserType type) => type switch
    {
        FeeUserType.Internal => "本单位",
        FeeUserType.SameRegion => "本地区",
        FeeUserType.OtherRegion => "外地区",
        _ => "企业",
    };

    public static string Clock(int minuteOfDay) => string.Create(CultureInfo.InvariantCulture, $"{minuteOfDay / 60:D2}:{minuteOfDay % 60:D2}");

    public static string Duration(int minutes) => minutes % 60 == 0 ? $"{minutes / 60} 小时"
        : minutes > 60 ? $"{minutes / 60} 小时 {minutes % 60} 分钟" : $"{minutes} 分钟";

    public static string OpenDaysText(BookingRules rules) =>
        string.Join("、", Enumerable.Range(0, 7).Where(i => (rules.OpenDays & (1 << i)) != 0).Select(i => DayNames[i]));

    /// <summary>The hourly price for a user type from the fee schedule, when the schedule charges by the hour.</summary>
    public static long? HourlyPriceFen(IEnumerable<FeeRef> fees, FeeUserType type) =>
        fees.FirstOrDefault(f => f.UserType == type && IsHourly(f.Unit))?.PriceFen;

    public static bool IsHourly(string unit) => unit.Contains('时', StringComparison.Ordinal) || unit.Equals("h", StringComparison.OrdinalIgnoreCase);

    /// <summary>The fee for minutes used at an hourly price, rounded half up to the fen.</summary>
    public static long Fee(long hourlyFen, int minutes) => (long)Math.Round(hourlyFen * (decimal)minutes / 60m, MidpointRounding.AwayFromZero);
}

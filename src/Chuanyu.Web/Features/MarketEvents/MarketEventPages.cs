using System.Globalization;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>What the event pages share: times typed in China Standard Time, status badges, labels.</summary>
public static class MarketEventPages
{
    public static readonly IReadOnlyList<string> Regions = ["500000", "510000"];

    public static string RegionKey(string code) => $"Search.Region.{code}";

    /// <summary>An instant as a datetime-local input shows it (China Standard Time).</summary>
    public static string Input(DateTimeOffset? t) => t is { } v ? v.ToOffset(Display.ChinaStandardTime).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) : "";

    /// <summary>A datetime-local value read as China Standard Time; null when empty or not a time.</summary>
    public static DateTimeOffset? Parse(string? text) =>
        DateTime.TryParseExact(text?.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? new DateTimeOffset(d, Display.ChinaStandardTime) : null;

    public static string StatusBadge(MatchmakingEventStatus s) => s switch
    {
        MatchmakingEventStatus.Published => "text-bg-success",
        MatchmakingEventStatus.Cancelled => "text-bg-danger",
        MatchmakingEventStatus.Finished => "text-bg-secondary",
        _ => "text-bg-warning",
    };

    /// <summary>A held meeting where either side recorded interest or a deal started: a technology manager may take a deal from it.</summary>
    public static bool ShowedInterest(MeetingDto m) => m.Held
        && (m.RequesterOutcome is MeetingOutcome.Interest or MeetingOutcome.DealStarted || m.TargetOutcome is MeetingOutcome.Interest or MeetingOutcome.DealStarted);

    public static string MeetingBadge(MeetingStatus s) => s switch
    {
        MeetingStatus.Accepted => "text-bg-success",
        MeetingStatus.Pending => "text-bg-warning",
        _ => "text-bg-secondary",
    };
}

using System.Globalization;
using System.Text;

namespace Chuanyu.Web.Features.Booking;

/// <summary>One event of an iCalendar file.</summary>
public sealed record CalendarEvent(string Uid, DateTimeOffset Start, DateTimeOffset End, string Summary, string? Location, string? Description,
    string Status, DateTimeOffset Stamp);

/// <summary>
/// Writes iCalendar (RFC 5545) by hand: CRLF line ends, TEXT values escaped (§3.3.11), lines folded at 75 octets without
/// splitting a UTF-8 character (§3.1), instants in UTC ("Z" form), so every calendar shows them in its own time zone.
/// </summary>
public static class ICalendar
{
    public const string ContentType = "text/calendar; charset=utf-8";

    public static string Write(string name, IEnumerable<CalendarEvent> events)
    {
        var sb = new StringBuilder();
        Line(sb, "BEGIN:VCALENDAR");
        Line(sb, "VERSION:2.0");
        Line(sb, "PRODID:-//Chuanyu//Sichuan-Chongqing S&T Resource Sharing Platform//ZH");
        Line(sb, "CALSCALE:GREGORIAN");
        Line(sb, "METHOD:PUBLISH");
        Line(sb, "X-WR-CALNAME:" + Escape(name));
        Line(sb, "X-WR-TIMEZONE:Asia/Shanghai");
        foreach (var e in events)
        {
            Line(sb, "BEGIN:VEVENT");
            Line(sb, "UID:" + e.Uid);
            Line(sb, "DTSTAMP:" + Utc(e.Stamp));
            Line(sb, "DTSTART:" + Utc(e.Start));
            Line(sb, "DTEND:" + Utc(e.End));
            Line(sb, "SUMMARY:" + Escape(e.Summary));
            if (!string.IsNullOrEmpty(e.Location))
            {
                Line(sb, "LOCATION:" + Escape(e.Location));
            }
            if (!string.IsNullOrEmpty(e.Description))
            {
                Line(sb, "DESCRIPTION:" + Escape(e.Description));
            }
            Line(sb, "STATUS:" + e.Status);
            Line(sb, "END:VEVENT");
        }
        Line(sb, "END:VCALENDAR");
        return sb.ToString();
    }

    public static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>TEXT escaping: backslash, semicolon, comma and line breaks.</summary>
    public static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal).Replace("\r\n", "\\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
        .Replace("\r", "\\n", StringComparison.Ordinal);

    /// <summary>Appends one content line, folded so no physical line exceeds 75 octets (continuations start with a space).</summary>
    private static void Line(StringBuilder sb, string line)
    {
        var octets = 0;
        var limit = 75;
        for (var i = 0; i < line.Length; i++)
        {
            var width = char.IsHighSurrogate(line[i]) ? 4 : Encoding.UTF8.GetByteCount(line.AsSpan(i, 1));
            if (octets + width > limit)
            {
                sb.Append("\r\n ");
                octets = 0;
                limit = 74; // the leading space counts
            }
            sb.Append(line[i]);
            if (char.IsHighSurrogate(line[i]) && i + 1 < line.Length)
            {
                sb.Append(line[++i]);
            }
            octets += width;
        }
        sb.Append("\r\n");
    }

    public static string StatusOf(BookingStatus status) => status switch
    {
        BookingStatus.Pending => "TENTATIVE",
        BookingStatus.Rejected or BookingStatus.Cancelled or BookingStatus.NoShow => "CANCELLED",
        _ => "CONFIRMED",
    };
}

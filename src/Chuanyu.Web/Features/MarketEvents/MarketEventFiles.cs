using Chuanyu.Web.Infrastructure;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.Extensions.Localization;
using NPOI.SS.UserModel;
using NPOI.XSSF.Streaming;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>
/// The files of matchmaking events: the public iCalendar feed and one event's .ics (Ical.Net, times in Asia/Shanghai with
/// the zone's VTIMEZONE, so calendars show China time wherever they are), and the organiser's outcomes workbook.
/// </summary>
public sealed class MarketEventFiles(IStringLocalizer<SharedResource> l, TimeProvider clock)
{
    public const string TimeZoneId = "Asia/Shanghai";

    public string Calendar(IEnumerable<MatchmakingEventDto> events, Func<Guid, Uri> pageOf)
    {
        var calendar = new Ical.Net.Calendar { ProductId = "-//Chuanyu//Matchmaking events//ZH" };
        calendar.AddProperty("X-WR-CALNAME", new Message("MarketEvents.Calendar.Name").ToString());
        calendar.AddTimeZone(new VTimeZone(TimeZoneId));
        foreach (var e in events)
        {
            var summary = e.Status == MatchmakingEventStatus.Cancelled ? new Message("MarketEvents.Calendar.Cancelled", e.Title).ToString() : e.Title;
            var page = pageOf(e.Id);
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{e.Id:N}@chuanyu",
                Summary = summary,
                Start = Local(e.StartsAt),
                End = Local(e.EndsAt),
                DtStamp = new CalDateTime(clock.GetUtcNow().UtcDateTime, "UTC"),
                Location = e.Online ? e.OnlineUrl : e.Address,
                Url = e.Online && Uri.TryCreate(e.OnlineUrl, UriKind.Absolute, out var online) ? online : page,
                Description = string.Join('\n', new Message("MarketEvents.Calendar.Organizer", e.OrganizerName).ToString(), e.Description ?? "", page.ToString()).Trim(),
                Status = e.Status == MatchmakingEventStatus.Cancelled ? "CANCELLED" : "CONFIRMED",
            });
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    private static CalDateTime Local(DateTimeOffset t) =>
        new(DateTime.SpecifyKind(t.ToOffset(Display.ChinaStandardTime).DateTime, DateTimeKind.Unspecified), TimeZoneId);

    private static readonly string[] MeetingHeadings =
    [
        "MarketEventPages.Slot", "MarketEventPages.Table", "MarketEventPages.Requester", "MarketEventPages.Target", "MarketEventPages.MeetingStatus",
        "MarketEventPages.RequesterOutcome", "MarketEventPages.RequesterOutcomeNote", "MarketEventPages.TargetOutcome", "MarketEventPages.TargetOutcomeNote",
    ];

    /// <summary>The outcomes workbook: one row per meeting, then a sheet of the figures.</summary>
    public Stream Outcomes(MatchmakingEventDto e, OutcomeSummary s)
    {
        var workbook = new SXSSFWorkbook(new XSSFWorkbook(), 100);
        var file = XlsxStream.TempFile();
        try
        {
            var sheet = XlsxStream.CreateSheet(workbook, l["MarketEventPages.MeetingsSheet"].Value);
            var heading = sheet.CreateRow(0);
            for (var i = 0; i < MeetingHeadings.Length; i++)
            {
                heading.CreateCell(i).SetCellValue(l[MeetingHeadings[i]].Value);
                sheet.SetColumnWidth(i, 18 * 256);
            }
            var r = 1;
            foreach (var m in s.Meetings)
            {
                var row = sheet.CreateRow(r++);
                string?[] values =
                [
                    Display.Range(m.SlotStart, m.SlotEnd), null, m.RequesterName, m.TargetName, Messages.Label(m.Status).ToString(),
                    m.RequesterOutcome is { } ro ? Messages.Label(ro).ToString() : "", m.RequesterOutcomeNote,
                    m.TargetOutcome is { } to ? Messages.Label(to).ToString() : "", m.TargetOutcomeNote,
                ];
                for (var i = 0; i < values.Length; i++)
                {
                    if (i == 1 && m.TableNumber is { } table)
                    {
                        row.CreateCell(i, CellType.Numeric).SetCellValue(table);
                    }
                    else
                    {
                        row.CreateCell(i, CellType.String).SetCellValue(XlsxStream.XmlSafe(values[i] ?? ""));
                    }
                }
            }
            var figures = XlsxStream.CreateSheet(workbook, l["MarketEventPages.SummarySheet"].Value);
            (string Key, int Value)[] rows =
            [
                ("MarketEventPages.Registered", s.Registered), ("MarketEventPages.Requested", s.Requested), ("MarketEventPages.Accepted", s.Accepted),
                ("MarketEventPages.Held", s.Held), ("MarketEventPages.WithInterest", s.WithInterest), ("MarketEventPages.DealsStarted", s.DealsStarted),
            ];
            figures.CreateRow(0).CreateCell(0).SetCellValue(XlsxStream.XmlSafe(e.Title));
            for (var i = 0; i < rows.Length; i++)
            {
                var row = figures.CreateRow(i + 1);
                row.CreateCell(0).SetCellValue(l[rows[i].Key].Value);
                row.CreateCell(1, CellType.Numeric).SetCellValue(rows[i].Value);
            }
            figures.SetColumnWidth(0, 24 * 256);
            XlsxStream.Write(workbook, [sheet, figures], file, clock.GetUtcNow());
            file.Position = 0;
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
        finally
        {
            workbook.Dispose();
        }
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NPOI.SS.UserModel;
using NPOI.XSSF.Streaming;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Experts;

/// <summary>The aggregation per item and its export, for the activity's administrators.</summary>
public sealed partial class ReviewScores
{
    /// <summary>
    /// The results of an activity for its region's administrators: its owner sees them from the first score on, the
    /// region's other administrators once it is closed (until then sealed, as the panel is). Only the totals of members
    /// whose seat is accepted count (a replaced member's work is void), and not those who declared a conflict on the item.
    /// </summary>
    public async Task<ReviewResultsDto?> ResultsAsync(Guid activityId, CancellationToken ct)
    {
        if (await activities.ManagedAsync(activityId, ct) is not { } a)
        {
            return null;
        }
        if (a.OwnerId != me.Id && a.Status != ReviewActivityStatus.Closed)
        {
            return new ReviewResultsDto(a.Id, a.Title, true, ReviewScoreMath.TrimFrom, []);
        }
        var items = await db.Set<ReviewItem>().AsNoTracking().Where(i => i.ActivityId == a.Id).OrderBy(i => i.Position)
            .Select(i => new { i.Id, i.Position, i.Title }).ToListAsync(ct);
        var sheets = await (from s in db.Set<ReviewScoreSheet>().AsNoTracking()
                            join seat in db.Set<ReviewSeat>() on s.SeatId equals seat.Id
                            where s.ActivityId == a.Id && seat.Status == SeatStatus.Accepted
                                && !db.Set<ReviewNoShow>().Any(n => n.SeatId == seat.Id)
                            select new { s.ItemId, s.Total, s.ConflictDeclared }).ToListAsync(ct);
        var byItem = sheets.ToLookup(s => s.ItemId);
        var aggregates = items.ToDictionary(i => i.Id, i => ReviewScoreMath.Aggregate(byItem[i.Id].Where(s => !s.ConflictDeclared && s.Total is not null)
            .Select(s => s.Total!.Value).ToList()));
        var ranked = ReviewScoreMath.Rank(items, i => aggregates[i.Id], i => i.Position);
        return new ReviewResultsDto(a.Id, a.Title, false, ReviewScoreMath.TrimFrom, ranked.Select(r =>
        {
            var g = aggregates[r.Item.Id];
            return new ItemResultDto(r.Item.Id, r.Item.Position, r.Item.Title, r.Rank, g.Count, g.Mean, g.TrimmedMean, g.Min, g.Max, g.StandardDeviation,
                byItem[r.Item.Id].Count(s => s.ConflictDeclared));
        }).ToList());
    }

    private static readonly string[] ExportColumns = ["Rank", "Position", "Item", "Count", "Mean", "TrimmedMean", "Min", "Max", "StandardDeviation", "Conflicts"];

    /// <summary>The results as .xlsx (rank order), for whoever may see them; a sealed result is refused.</summary>
    public async Task<(byte[]? File, ServiceResult Result)> ExportAsync(Guid activityId, CancellationToken ct)
    {
        if (await ResultsAsync(activityId, ct) is not { } results)
        {
            return (null, new ServiceResult.NotFound());
        }
        if (results.Sealed)
        {
            return (null, new ServiceResult.RuleBroken("resultsSealed", new Message("ReviewScores.ResultsSealed")));
        }
        var headers = ExportColumns.Select(h => new Message("ReviewScores.Export." + h).ToString()).ToArray();
        using var output = new MemoryStream();
        var workbook = new SXSSFWorkbook(new XSSFWorkbook(), 100);
        try
        {
            var sheet = XlsxStream.CreateSheet(workbook, new Message("ReviewScores.Export.Sheet").ToString());
            var r = 0;
            sheet.CreateRow(r++).CreateCell(0).SetCellValue(XlsxStream.XmlSafe(results.Title));
            var heading = sheet.CreateRow(r++);
            for (var c = 0; c < headers.Length; c++)
            {
                heading.CreateCell(c).SetCellValue(headers[c]);
            }
            foreach (var x in results.Items)
            {
                var row = sheet.CreateRow(r++);
                Number(row, 0, x.Rank);
                Number(row, 1, x.Position);
                row.CreateCell(2, CellType.String).SetCellValue(XlsxStream.XmlSafe(x.Title));
                Number(row, 3, x.Count);
                Number(row, 4, x.Mean);
                Number(row, 5, x.TrimmedMean);
                Number(row, 6, x.Min);
                Number(row, 7, x.Max);
                Number(row, 8, x.StandardDeviation);
                Number(row, 9, x.Conflicts);
            }
            XlsxStream.Write(workbook, [sheet], output, clock.GetUtcNow());
        }
        finally
        {
            workbook.Dispose();
        }
        await audit.RecordAsync("review.results.export", $"review:{activityId}", detail: $"{results.Items.Count} items", ct: ct);
        return (output.ToArray(), new ServiceResult.Ok());
    }

    /// <summary>A number, or a blank cell (not none: NPOI's streamed row stops writing at the first missing cell).</summary>
    private static void Number(IRow row, int column, double? value)
    {
        var cell = row.CreateCell(column, value is null ? CellType.Blank : CellType.Numeric);
        if (value is { } v)
        {
            cell.SetCellValue(v);
        }
    }
}

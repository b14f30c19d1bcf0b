using Chuanyu.Web.Infrastructure;
using Microsoft.Extensions.Localization;
using NPOI.SS.UserModel;
using NPOI.XSSF.Streaming;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Deals;

/// <summary>The manager's deals as Excel (streamed, <see cref="XlsxStream"/>), headings in the reader's language.</summary>
public sealed class DealExport(DealPipeline deals, IStringLocalizer<SharedResource> l, TimeProvider clock)
{
    public const int MaxRows = 20_000;
    private const int Batch = 500;

    private static readonly string[] Headings =
    [
        "DealPages.TitleField", "DealPages.Stage", "DealPages.Result", "DealPages.Demand", "DealPages.Source", "DealPages.Created",
        "DealPages.StageChanged", "DealPages.CloseReason", "DealPages.CloseNote",
    ];

    public async Task<Stream> WriteMineAsync(CancellationToken ct)
    {
        var workbook = new SXSSFWorkbook(new XSSFWorkbook(), 100);
        var file = XlsxStream.TempFile();
        try
        {
            var sheet = XlsxStream.CreateSheet(workbook, l["DealPages.Sheet"].Value);
            var head = sheet.CreateRow(0);
            for (var i = 0; i < Headings.Length; i++)
            {
                head.CreateCell(i, CellType.String).SetCellValue(l[Headings[i]].Value);
                sheet.SetColumnWidth(i, 20 * 256);
            }
            sheet.CreateFreezePane(0, 1);
            var r = 1;
            for (var page = 1; r <= MaxRows; page++)
            {
                var list = await deals.ListAsync(mine: true, null, DealSort.Created, page, Batch, ct);
                foreach (var d in list.Items.Take(MaxRows - r + 1))
                {
                    var row = sheet.CreateRow(r++);
                    string?[] values =
                    [
                        d.Title, Messages.Label(d.Stage).ToString(), d.AchievementTitle, d.DemandTitle, Messages.Label(d.Source).ToString(),
                        Display.DateTime(d.CreatedAt), Display.DateTime(d.StageChangedAt),
                        d.CloseReason is { } reason ? Messages.Label(reason).ToString() : null, d.CloseNote,
                    ];
                    for (var i = 0; i < values.Length; i++)
                    {
                        row.CreateCell(i, CellType.String).SetCellValue(XlsxStream.XmlSafe(values[i] ?? ""));
                    }
                }
                if (list.Items.Count < Batch)
                {
                    break;
                }
            }
            XlsxStream.Write(workbook, [sheet], file, clock.GetUtcNow());
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        finally
        {
            workbook.Dispose();
        }
    }
}

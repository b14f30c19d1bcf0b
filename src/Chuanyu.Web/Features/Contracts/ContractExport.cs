using Chuanyu.Web.Infrastructure;
using Microsoft.Extensions.Localization;
using NPOI.SS.UserModel;
using NPOI.XSSF.Streaming;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>
/// The contracts as Excel: the administrator's filtered list, and the public statistics (one sheet per breakdown, the
/// same numbers as the page's tables; amounts in 元 as numbers). Streamed (<see cref="XlsxStream"/>), headings in the
/// reader's language.
/// </summary>
public sealed class ContractExport(TechContracts contracts, IStringLocalizer<SharedResource> l, TimeProvider clock)
{
    public const int MaxRows = 20_000;
    private const int Batch = 500;

    private static readonly string[] ListHeadings =
    [
        "ContractPages.Number", "ContractPages.TitleField", "ContractPages.Type", "ContractPages.Seller", "ContractPages.SellerCreditCode",
        "ContractPages.SellerRegion", "ContractPages.SellerType", "ContractPages.Buyer", "ContractPages.BuyerRegion", "ContractPages.BuyerType",
        "ContractPages.ContractAmount", "ContractPages.TransactionAmount", "ContractPages.SignedOn", "ContractPages.RegisteredOn",
        "ContractPages.Field", "ContractPages.Status",
    ];

    private static readonly string[] FigureHeadings = ["ContractPages.Contracts", "ContractPages.ContractAmount", "ContractPages.TransactionAmount"];

    public async Task<Stream> WriteListAsync(TechContractQuery query, CancellationToken ct) =>
        await WriteAsync(async (workbook, sheets) =>
        {
            var sheet = Sheet(workbook, sheets, "ContractPages.ListSheet", ListHeadings);
            var r = 1;
            for (var page = 1; r <= MaxRows; page++)
            {
                var list = await contracts.ListAsync(query, page, Batch, ct);
                foreach (var c in list.Items.Take(MaxRows - r + 1))
                {
                    Row(sheet, r++, c.RegistrationNumber, c.Title, Messages.Label(c.Type).ToString(), c.SellerName, c.SellerCreditCode, c.SellerRegionName,
                        Messages.Label(c.SellerType).ToString(), c.BuyerName, c.BuyerRegionName, Messages.Label(c.BuyerType).ToString(),
                        Yuan(c.ContractAmountFen), Yuan(c.TransactionAmountFen), Iso(c.SignedOn), Iso(c.RegisteredOn), c.FieldName, Messages.Label(c.Status).ToString());
                }
                if (list.Items.Count < Batch)
                {
                    break;
                }
            }
        });

    public async Task<Stream> WriteStatisticsAsync(ContractStatisticsDto s) =>
        await WriteAsync((workbook, sheets) =>
        {
            Figures(workbook, sheets, "ContractPages.ByType", "ContractPages.Type", s.ByType.Select(x => (Messages.Label(x.Type).ToString(), x.Figures)));
            Figures(workbook, sheets, "ContractPages.ByField", "ContractPages.Field", s.ByField.Select(x => (x.FieldGroup + " " + x.FieldName, x.Figures)));
            Figures(workbook, sheets, "ContractPages.BySellerType", "ContractPages.SellerType", s.BySellerType.Select(x => (Messages.Label(x.SellerType).ToString(), x.Figures)));
            Figures(workbook, sheets, "ContractPages.ByYear", "ContractPages.Year", s.ByYear.Select(x => (x.Period.ToString(System.Globalization.CultureInfo.InvariantCulture), x.Figures)));
            Figures(workbook, sheets, "ContractPages.ByMonth", "ContractPages.Month", s.ByMonth.Select(x => (ContractPages.MonthText(x.Period), x.Figures)));
            var flows = Sheet(workbook, sheets, "ContractPages.FlowsSheet", ["ContractPages.Region", "ContractPages.Direction", "ContractPages.Counterpart", .. FigureHeadings]);
            var r = 1;
            foreach (var f in s.Flows)
            {
                Row(flows, r++, ContractRegions.Name(f.Region), Messages.Label(f.Direction).ToString(), Messages.Label(f.Counterpart).ToString(),
                    f.Figures.Contracts, Yuan(f.Figures.ContractFen), Yuan(f.Figures.TransactionFen));
            }
            return Task.CompletedTask;
        });

    private void Figures(SXSSFWorkbook workbook, List<SXSSFSheet> sheets, string title, string keyHeading, IEnumerable<(string Key, ContractFigures Figures)> rows)
    {
        var sheet = Sheet(workbook, sheets, title, [keyHeading, .. FigureHeadings]);
        var r = 1;
        foreach (var (key, f) in rows)
        {
            Row(sheet, r++, key, f.Contracts, Yuan(f.ContractFen), Yuan(f.TransactionFen));
        }
    }

    private async Task<Stream> WriteAsync(Func<SXSSFWorkbook, List<SXSSFSheet>, Task> fill)
    {
        var workbook = new SXSSFWorkbook(new XSSFWorkbook(), 100);
        var file = XlsxStream.TempFile();
        try
        {
            var sheets = new List<SXSSFSheet>();
            await fill(workbook, sheets);
            XlsxStream.Write(workbook, sheets, file, clock.GetUtcNow());
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

    private SXSSFSheet Sheet(SXSSFWorkbook workbook, List<SXSSFSheet> sheets, string title, string[] headings)
    {
        var sheet = XlsxStream.CreateSheet(workbook, l[title].Value);
        sheets.Add(sheet);
        var row = sheet.CreateRow(0);
        for (var i = 0; i < headings.Length; i++)
        {
            row.CreateCell(i, CellType.String).SetCellValue(l[headings[i]].Value);
            sheet.SetColumnWidth(i, 18 * 256);
        }
        sheet.CreateFreezePane(0, 1);
        return sheet;
    }

    private static void Row(SXSSFSheet sheet, int r, params object?[] values)
    {
        var row = sheet.CreateRow(r);
        for (var i = 0; i < values.Length; i++)
        {
            switch (values[i])
            {
                case long n:
                    row.CreateCell(i, CellType.Numeric).SetCellValue(n);
                    break;
                case decimal d:
                    row.CreateCell(i, CellType.Numeric).SetCellValue((double)d);
                    break;
                default:
                    row.CreateCell(i, CellType.String).SetCellValue(XlsxStream.XmlSafe(values[i] as string ?? ""));
                    break;
            }
        }
    }

    private static decimal Yuan(long fen) => fen / 100m;

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

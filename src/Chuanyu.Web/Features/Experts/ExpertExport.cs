using Chuanyu.Web.Infrastructure;
using Microsoft.Extensions.Localization;
using NPOI.SS.UserModel;
using NPOI.XSSF.Streaming;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// The region administrators' Excel export of their filtered list (every list exports to Excel): the same columns as the
/// page, personal data masked as there — the full values only ever through the audited reveal. Streamed sheet
/// (<see cref="XlsxStream"/>), headings in the reader's language.
/// </summary>
public sealed class ExpertExport(ExpertPool pool, IStringLocalizer<SharedResource> l, TimeProvider clock)
{
    /// <summary>Most rows one export holds; more asks the administrator to narrow the filter.</summary>
    public const int MaxRows = 20_000;

    private const int Batch = 500;

    private static readonly string[] HeadingKeys =
    [
        "ExpertPages.Name", "ExpertPages.Gender", "ExpertPages.BirthYear", "ExpertPages.TitleLevel", "ExpertPages.Position", "ExpertPages.Institution",
        "ExpertPages.Region", "ExpertPages.Category", "ExpertPages.EntryRoute", "ExpertPages.YearsInField", "ExpertPages.Disciplines",
        "ExpertPages.IndustryFields", "ExpertPages.Keywords", "ExpertPages.Languages", "ExpertPages.Availability", "ExpertPages.Status",
        "ExpertPages.Phone", "ExpertPages.Email", "ExpertPages.IdNumber", "ExpertPages.Updated",
    ];

    /// <summary>Writes the filtered list (at most <see cref="MaxRows"/>) to a temporary file that deletes itself when closed, positioned at its start.</summary>
    public async Task<(Stream File, int Rows)> WriteAsync(ExpertQuery query, CancellationToken ct)
    {
        var workbook = new SXSSFWorkbook(new XSSFWorkbook(), 100);
        var file = XlsxStream.TempFile();
        try
        {
            var sheet = XlsxStream.CreateSheet(workbook, l["ExpertPages.ExportSheet"].Value);
            var bold = workbook.CreateFont();
            bold.IsBold = true;
            var headingStyle = workbook.CreateCellStyle();
            headingStyle.SetFont(bold);
            var heading = sheet.CreateRow(0);
            for (var i = 0; i < HeadingKeys.Length; i++)
            {
                var cell = heading.CreateCell(i);
                cell.SetCellValue(l[HeadingKeys[i]].Value);
                cell.CellStyle = headingStyle;
                sheet.SetColumnWidth(i, 16 * 256);
            }
            sheet.CreateFreezePane(0, 1);
            var r = 1;
            for (var page = 1; r <= MaxRows; page++)
            {
                var list = await pool.ManagedListAsync(query, page, Batch, ct);
                foreach (var e in list.Items.Take(MaxRows - r + 1))
                {
                    var row = sheet.CreateRow(r++);
                    var values = new object?[]
                    {
                        e.Name, Messages.Label(e.Gender).ToString(), e.BirthYear, Messages.Label(e.TitleLevel).ToString(), e.Position, e.OrganizationName,
                        l[ExpertPages.RegionKey(e.RegionCode)].Value, Messages.Label(e.Category).ToString(), Messages.Label(e.EntryRoute).ToString(), e.YearsInField,
                        string.Join("; ", e.Disciplines.Select(d => d.Code + " " + d.Name)), e.IndustryFields, e.Keywords, e.Languages,
                        Messages.Label(e.Availability).ToString(), Messages.Label(e.Status).ToString(), e.MaskedPhone, e.MaskedEmail, e.MaskedIdNumber,
                        Display.Date(e.UpdatedAt),
                    };
                    for (var i = 0; i < values.Length; i++)
                    {
                        if (values[i] is int n)
                        {
                            row.CreateCell(i, CellType.Numeric).SetCellValue(n);
                        }
                        else
                        {
                            row.CreateCell(i, CellType.String).SetCellValue(XlsxStream.XmlSafe(values[i] as string ?? ""));
                        }
                    }
                }
                if (list.Items.Count < Batch)
                {
                    break;
                }
            }
            XlsxStream.Write(workbook, [sheet], file, clock.GetUtcNow());
            file.Position = 0;
            return (file, r - 1);
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

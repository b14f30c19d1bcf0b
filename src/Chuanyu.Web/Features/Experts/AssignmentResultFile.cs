using Chuanyu.Web.Infrastructure;
using Microsoft.Extensions.Localization;
using NPOI.SS.UserModel;
using NPOI.XSSF.Streaming;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// The result of a bulk assignment as .xlsx, headings in the reader's language: a first sheet with one row per
/// (proposal, expert) — and one row with the empty places and the reason for a proposal left short — and a second
/// sheet with the run's figures. Streamed (<see cref="XlsxStream"/>): a call of 20,000 proposals × 15 fits.
/// </summary>
public sealed class AssignmentResultFile(IStringLocalizer<SharedResource> l, TimeProvider clock)
{
    /// <summary>The columns of the first sheet, in order (the tests read the file back by these positions).</summary>
    public static readonly IReadOnlyList<string> HeadingKeys =
    [
        "AssignmentPages.Row", "AssignmentPages.Ref", "AssignmentPages.ProposalName", "AssignmentPages.Applicant", "AssignmentPages.ExpertId",
        "AssignmentPages.Expert", "AssignmentPages.ExpertOrganization", "AssignmentPages.Region", "AssignmentPages.Affinity", "AssignmentPages.Rank",
        "AssignmentPages.MatchedDiscipline", "AssignmentPages.MatchedKeywords", "AssignmentPages.Missing", "AssignmentPages.ShortReason",
    ];

    public Stream Write(AssignmentRunDto run, IReadOnlyList<AssignmentResultRow> rows)
    {
        var workbook = new SXSSFWorkbook(new XSSFWorkbook(), 100);
        var file = XlsxStream.TempFile();
        try
        {
            var sheet = XlsxStream.CreateSheet(workbook, l["AssignmentPages.SheetPairs"].Value);
            Heading(sheet, [.. HeadingKeys.Select(k => l[k].Value)]);
            var r = 1;
            foreach (var p in rows)
            {
                foreach (var e in p.Experts)
                {
                    Cells(sheet.CreateRow(r++), [p.Row, p.ExternalRef, p.Name, p.Organization, e.ExpertId.ToString("D"), e.Name, e.Organization,
                        l[ExpertPages.RegionKey(e.RegionCode)].Value, e.Affinity, e.Rank, e.MatchedDiscipline ?? "", string.Join("、", e.MatchedKeywords), 0, ""]);
                }
                if (p.Missing > 0)
                {
                    Cells(sheet.CreateRow(r++), [p.Row, p.ExternalRef, p.Name, p.Organization, "", "", "", "", 0, 0, "", "", p.Missing,
                        p.ShortReason is { } reason ? ShortReasonText(reason).ToString() : ""]);
                }
            }
            var figures = XlsxStream.CreateSheet(workbook, l["AssignmentPages.SheetFigures"].Value);
            Heading(figures, [l["AssignmentPages.Figure"].Value, l["AssignmentPages.Value"].Value]);
            var f = 1;
            foreach (var (key, value) in Figures(run))
            {
                Cells(figures.CreateRow(f++), [l[key].Value, value]);
            }
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

    /// <summary>The figures of a run (label key, value) as the page and the file show them.</summary>
    public static IReadOnlyList<(string Key, object Value)> Figures(AssignmentRunDto run) =>
    [
        ("AssignmentPages.Proposals", run.ProposalCount),
        ("AssignmentPages.PerProposal", run.PerProposal),
        ("AssignmentPages.MaxLoad", run.MaxLoad),
        ("AssignmentPages.CandidateExperts", run.CandidateExperts ?? 0),
        ("AssignmentPages.TotalAffinity", run.TotalAffinity ?? 0),
        ("AssignmentPages.GreedyAffinity", run.GreedyAffinity ?? 0),
        ("AssignmentPages.UnfilledSeats", run.UnfilledSeats ?? 0),
        ("AssignmentPages.ShortProposals", run.ShortProposals ?? 0),
        ("AssignmentPages.ElapsedMilliseconds", run.ElapsedMilliseconds ?? 0),
        ("AssignmentPages.SolverStatus", run.SolverStatus ?? ""),
    ];

    /// <summary>Why a proposal got fewer than k experts, for a person.</summary>
    public static Message ShortReasonText(Matching.Assignment.ShortReason reason) => new($"Assignments.Short{reason}");

    private static void Heading(SXSSFSheet sheet, string[] texts)
    {
        var row = sheet.CreateRow(0);
        for (var i = 0; i < texts.Length; i++)
        {
            row.CreateCell(i, CellType.String).SetCellValue(texts[i]);
            sheet.SetColumnWidth(i, 16 * 256);
        }
        sheet.CreateFreezePane(0, 1);
    }

    private static void Cells(IRow row, object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            switch (values[i])
            {
                case int n:
                    row.CreateCell(i, CellType.Numeric).SetCellValue(n);
                    break;
                case long n:
                    row.CreateCell(i, CellType.Numeric).SetCellValue(n);
                    break;
                default:
                    row.CreateCell(i, CellType.String).SetCellValue(XlsxStream.XmlSafe(values[i] as string ?? ""));
                    break;
            }
        }
    }
}

using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using NPOI.SS.UserModel;
using NPOI.XSSF.Streaming;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Admin;

public enum AuditExportFormat
{
    Xlsx,
    Csv,
}

/// <summary>
/// A finished export in a temporary file that deletes itself when disposed. <see cref="Signature"/> covers the
/// exported document's exact bytes (inside the zip when <see cref="IsBundle"/>); null when the deployment has no
/// signing key.
/// </summary>
public sealed class AuditExportFile(Stream content, string fileName, string contentType, string signedFileName, string? signature, int rows) : IDisposable
{
    public Stream Content { get; } = content;
    public string FileName { get; } = fileName;
    public string ContentType { get; } = contentType;
    public string SignedFileName { get; } = signedFileName;
    public string? Signature { get; } = signature;
    public int Rows { get; } = rows;
    public bool IsBundle => !string.Equals(FileName, SignedFileName, StringComparison.Ordinal);

    public void Dispose() => Content.Dispose();
}

/// <summary>
/// Exports the audit (等保: audit records must be kept and be available for analysis) as Excel or CSV, with a
/// watermark naming who exported it and when, signed with the deployment's document-signing key (SM2 under the 国密
/// suite) so anyone can later check the file was not changed. Rows stream from the database into a temporary file;
/// the signature needs the finished bytes before the response starts, so the file is complete before it is sent.
/// </summary>
public sealed class AuditExporter(AppDbContext db, AuditSearch search, AuditLog audit, CurrentUser me, TimeProvider clock, DocumentSigner signer,
    IConfiguration configuration)
{
    public const int DefaultMaxRows = 100_000;

    /// <summary>Most rows one export may hold (<c>Audit:MaxExportRows</c>); more asks the person to narrow the filter.</summary>
    public int MaxRows { get; } = Math.Clamp(configuration.GetValue("Audit:MaxExportRows", DefaultMaxRows), 1, 1_000_000);

    public const string XlsxContentType = XlsxStream.ContentType;
    public const string CsvContentType = "text/csv; charset=utf-8";

    /// <summary>The column headings of both formats.</summary>
    // The export is a signed record kept as evidence: its headings, watermark and values are a fixed Chinese file format, whoever exports it.
    public static readonly string[] Headers = ["序号", "时间（北京时间）", "操作人", "操作", "对象", "结果", "详情", "IP地址", "哈希算法", "哈希"];

    private static readonly int[] ColumnWidths = [10, 20, 28, 24, 40, 8, 60, 18, 10, 68];

    /// <summary>The newest row at this moment and how many rows up to it match: the export is exactly those rows.</summary>
    public async Task<(long ThroughSeq, int Count)> SnapshotAsync(AuditFilter filter, CancellationToken ct)
    {
        var through = await db.AuditEntries.MaxAsync(e => (long?)e.Seq, ct) ?? 0;
        var count = await search.Query(filter).CountAsync(e => e.Seq <= through, ct);
        return (through, count);
    }

    public async Task<AuditExportFile> ExportAsync(AuditFilter filter, AuditExportFormat format, bool bundle, long throughSeq, int count, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stamp = now.ToOffset(Display.ChinaStandardTime).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var fileName = $"chuanyu-audit-{stamp}.{(format == AuditExportFormat.Xlsx ? "xlsx" : "csv")}";
        var watermark = WatermarkLines(now, filter, count);
        var rows = search.Query(filter).Where(e => e.Seq <= throughSeq).OrderBy(e => e.Seq).Take(MaxRows).AsAsyncEnumerable();

        var file = XlsxStream.TempFile();
        int written;
        string? signature;
        try
        {
            written = format == AuditExportFormat.Xlsx
                ? await WriteXlsxAsync(file, rows, watermark, me.Email ?? "", now, ct)
                : await WriteCsvAsync(file, rows, watermark, ct);
            file.Position = 0;
            signature = signer.CanSign ? signer.Sign(file) : null;
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }

        var result = new AuditExportFile(file, fileName, format == AuditExportFormat.Xlsx ? XlsxContentType : CsvContentType, fileName, signature, written);
        if (bundle)
        {
            var document = result;
            try
            {
                result = await BundleAsync(document, now, stamp);
            }
            finally
            {
                document.Dispose();
            }
        }
        await audit.RecordAsync("audit.export", result.FileName, AuditOutcome.Success,
            $"format={format.ToString().ToLowerInvariant()}{(bundle ? "+zip" : "")}; rows={written}; {filter.Query.Describe()}; signature={(signature is null ? "unsigned" : string.Join(':', signature.Split(':').Take(2)))}",
            ct: ct);
        return result;
    }

    /// <summary>The watermark: the same lines head the Excel sheet and the CSV file and fill the Excel document properties.</summary>
    private List<string> WatermarkLines(DateTimeOffset now, AuditFilter filter, int count) =>
    [
        // Part of the signed file's format (see Headers): Chinese in every UI language.
        "川渝科技资源共享服务平台 审计日志导出",
        $"导出人：{me.Email}；导出时间：{Display.DateTime(now)}（北京时间）",
        // The filters as typed may hold characters XML cannot carry (the document properties and header are XML too).
        $"筛选条件：{XmlSafe(filter.Query.Describe())}；记录数：{count}",
        signer.CanSign
            ? $"签名：{signer.CurrentAlgorithm}，密钥 {signer.CurrentKeyId}；签名值见随附的 .sig 文件或下载响应头 X-Chuanyu-Signature，可在平台“验签”页面（/Signatures/Verify）核验本文件未被改动。"
            : $"未签名：{signer.UnavailableReason}",
    ];

    private static async Task<int> WriteXlsxAsync(Stream output, IAsyncEnumerable<AuditEntry> rows, List<string> watermark, string exportedBy,
        DateTimeOffset now, CancellationToken ct)
    {
        // NPOI's streaming workbook keeps 100 rows in memory and spills the rest to a temporary file.
        var workbook = new SXSSFWorkbook(new XSSFWorkbook(), 100);
        try
        {
            // The sheet name, document properties and page footer belong to the file format (see Headers).
            var sheet = XlsxStream.CreateSheet(workbook, Messages.Translate(new Message("Admin.AuditSheet"), CultureInfo.GetCultureInfo("zh-CN")));
            var props = workbook.XssfWorkbook.GetProperties();
            props.CoreProperties.Title = "审计日志导出";
            props.CoreProperties.Creator = exportedBy;
            props.CoreProperties.Description = string.Join("\n", watermark);
            props.CoreProperties.Keywords = "chuanyu audit export";
            props.CoreProperties.Created = now.UtcDateTime;
            props.ExtendedProperties.GetUnderlyingProperties().Company = "川渝科技资源共享服务平台";
            // The printed page carries the watermark too: header on every page, footer with page numbers.
            sheet.Header.Center = HeaderText(watermark[0]);
            sheet.Header.Right = HeaderText(watermark[1]);
            sheet.Footer.Left = HeaderText(watermark[1]);
            sheet.Footer.Right = "第 &P 页 / 共 &N 页";

            var bold = workbook.CreateFont();
            bold.IsBold = true;
            var headingStyle = workbook.CreateCellStyle();
            headingStyle.SetFont(bold);
            for (var i = 0; i < ColumnWidths.Length; i++)
            {
                sheet.SetColumnWidth(i, ColumnWidths[i] * 256);
            }
            var r = 0;
            foreach (var line in watermark)
            {
                sheet.CreateRow(r++).CreateCell(0).SetCellValue(line);
            }
            var heading = sheet.CreateRow(r++);
            for (var i = 0; i < Headers.Length; i++)
            {
                var cell = heading.CreateCell(i);
                cell.SetCellValue(Headers[i]);
                cell.CellStyle = headingStyle;
            }
            sheet.CreateFreezePane(0, r);

            var written = 0;
            await foreach (var e in rows.WithCancellation(ct))
            {
                var row = sheet.CreateRow(r++);
                row.CreateCell(0, CellType.Numeric).SetCellValue(e.Seq);
                var values = Values(e);
                for (var i = 1; i < values.Length; i++)
                {
                    row.CreateCell(i, CellType.String).SetCellValue(XmlSafe(values[i]));
                }
                written++;
            }
            XlsxStream.Write(workbook, [sheet], output, now);
            return written;
        }
        finally
        {
            workbook.Dispose();
        }
    }

    /// <summary>
    /// UTF-8 with a byte-order mark, so Excel shows the Chinese; the watermark as leading lines that start with '#',
    /// which Excel shows as text in the first column and CsvHelper skips with <c>CommentPrefix = '#'</c>. Cells that
    /// begin like a formula are escaped with a leading apostrophe (CSV injection: an attacker's "e-mail" on a
    /// failed sign-in must not run as a formula in the auditor's Excel).
    /// </summary>
    private static async Task<int> WriteCsvAsync(Stream output, IAsyncEnumerable<AuditEntry> rows, List<string> watermark, CancellationToken ct)
    {
        var options = new CsvWriterOptions
        {
            CommentPrefix = '#',
            Injection = CsvInjection.Escape,
            WriteByteOrderMark = true,
            NewLine = "\r\n",
        };
        await using var csv = CsvWriter.Create(output, options, leaveOpen: true);
        foreach (var line in watermark)
        {
            // A comment is written as it is: keep each on one line, and without ASCII commas so Excel keeps it in one cell.
            csv.WriteComment(" " + line.Replace(',', '，').Replace('"', '＂').Replace('\r', ' ').Replace('\n', ' '));
        }
        csv.WriteHeader(Headers);
        var written = 0;
        await foreach (var e in rows.WithCancellation(ct))
        {
            csv.WriteRecord(Values(e));
            written++;
        }
        await csv.FlushAsync(ct);
        return written;
    }

    private static string[] Values(AuditEntry e) =>
    [
        e.Seq.ToString(CultureInfo.InvariantCulture),
        Display.DateTime(e.At),
        e.ActorName ?? "",
        e.Action,
        e.Target ?? "",
        e.Outcome == AuditOutcome.Success ? "成功" : "失败", // the file format's values (see Headers)
        e.Detail ?? "",
        e.IpAddress ?? "",
        e.HashAlgorithm,
        e.Hash,
    ];

    /// <summary>The document and its .sig in one zip, with a note on how to check them: one download for a person.</summary>
    private async Task<AuditExportFile> BundleAsync(AuditExportFile document, DateTimeOffset now, string stamp)
    {
        var zip = await SignedBundle.ZipAsync(document.Content, document.FileName, document.Signature, new Message("Admin.AuditBundle.Title"),
            new Message("Admin.AuditBundle.Contents", document.Rows), signer.UnavailableReason, now, CancellationToken.None);
        return new AuditExportFile(zip, $"chuanyu-audit-{stamp}.zip", SignedBundle.ContentType, document.FileName, document.Signature, document.Rows);
    }

    // '&' starts a code in Excel's header and footer (&P page number): a literal one is doubled.
    private static string HeaderText(string s) => s.Replace("&", "&&", StringComparison.Ordinal);

    private static string XmlSafe(string s) => XlsxStream.XmlSafe(s);
}

using System.Globalization;
using System.Security.Cryptography;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using NPOI.SS.UserModel;
using NPOI.XSSF.Streaming;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// A signed export in a temporary file that deletes itself when disposed: its SHA-256 (hex) and the platform's
/// signature over the exact bytes (null when the deployment has no signing key).
/// </summary>
public sealed class SignedExport(Stream content, string fileName, string sha256, string? signature, string title = "") : IDisposable
{
    /// <summary>What the file is, as its first line says (in Chinese, like the file).</summary>
    public string Title { get; } = title;
    public Stream Content { get; } = content;
    public string FileName { get; } = fileName;
    public string Sha256 { get; } = sha256;
    public string? Signature { get; } = signature;

    public void Dispose() => Content.Dispose();
}

/// <summary>One sheet of an export: its name, headings and rows (a <c>long</c> is a number cell, anything else text).</summary>
public sealed record ExportSheet(string Name, IReadOnlyList<string> Headers, IAsyncEnumerable<object?[]> Rows);

/// <summary>
/// The payout batches' and settlement statements' Excel files (docs/vouchers.md, "Settlement"): streamed sheets with a
/// watermark, signed with the platform's document signature (SM2 under the 国密 suite) so either government verifies
/// them offline on /Signatures/Verify. The files are records both governments read: their text is the Chinese of
/// <c>Resources/Messages/VoucherSettlement.resx</c>, whatever the exporter's language, and a file's bytes depend only on
/// what it states and <c>asOf</c>, so a closed quarter's statement exported twice has the same SHA-256.
/// </summary>
public sealed class VoucherExports(DocumentSigner signer)
{
    public const string SignatureHeader = "X-Chuanyu-Signature";
    public const string SignatureStatusHeader = "X-Chuanyu-Signature-Status";
    public const string Sha256Header = "X-Chuanyu-File-Sha256";

    private static readonly CultureInfo FileCulture = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>A text of the file format (VoucherSettlement.Xlsx.*), always in Chinese.</summary>
    public static string Text(string key, params object?[] args) => Messages.Translate(new Message("VoucherSettlement.Xlsx." + key, args), FileCulture);

    /// <summary>Fen as yuan with two decimals, from the integer (no floating point): 333 → "3.33", −5 → "-0.05".</summary>
    public static string Yuan(long fen) =>
        string.Create(CultureInfo.InvariantCulture, $"{(fen < 0 ? "-" : "")}{Math.Abs(fen / 100)}.{Math.Abs(fen % 100):00}");

    /// <summary>The line of the watermark that says how to check the signature, or why the file is unsigned.</summary>
    public string SignatureLine() => signer.CanSign
        ? Text("SignatureLine", signer.CurrentAlgorithm, signer.CurrentKeyId)
        : Text("Unsigned", signer.UnavailableReason);

    public async Task<SignedExport> WriteAsync(string fileName, string title, IReadOnlyList<string> watermark, IReadOnlyList<ExportSheet> sheets,
        DateTimeOffset asOf, CancellationToken ct)
    {
        var file = XlsxStream.TempFile();
        try
        {
            await WriteXlsxAsync(file, title, watermark, sheets, asOf, ct);
            file.Position = 0;
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
            file.Position = 0;
            var signature = signer.CanSign ? signer.Sign(file) : null;
            file.Position = 0;
            return new SignedExport(file, fileName, sha256, signature, title);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The answer of an export endpoint: the file, or with <paramref name="zip"/> the file, its <c>.sig</c> and a README
    /// in one zip (what the pages download: a browser keeps no response header); the file's signature and SHA-256 in
    /// headers either way.
    /// </summary>
    public async Task<IResult> ToHttpAsync(SignedExport file, bool zip, HttpContext context, TimeProvider clock)
    {
        var headers = context.Response.Headers;
        headers[Sha256Header] = file.Sha256;
        headers[SignatureStatusHeader] = file.Signature is null ? "unsigned" : "signed";
        if (file.Signature is not null)
        {
            headers[SignatureHeader] = file.Signature;
        }
        context.Response.RegisterForDispose(file);
        if (!zip)
        {
            return TypedResults.File(file.Content, XlsxStream.ContentType, file.FileName);
        }
        var bundle = await SignedBundle.ZipAsync(file.Content, file.FileName, file.Signature, new Message("VoucherSettlement.Bundle.Title"),
            new Message("VoucherSettlement.Bundle.Contents", file.Title, file.Sha256), signer.UnavailableReason, clock.GetUtcNow(), context.RequestAborted);
        context.Response.RegisterForDisposeAsync(bundle);
        return TypedResults.File(bundle, SignedBundle.ContentType, Path.ChangeExtension(file.FileName, ".zip"));
    }

    private static async Task WriteXlsxAsync(Stream output, string title, IReadOnlyList<string> watermark, IReadOnlyList<ExportSheet> sheets,
        DateTimeOffset asOf, CancellationToken ct)
    {
        var workbook = new SXSSFWorkbook(new XSSFWorkbook(), 100);
        try
        {
            var props = workbook.XssfWorkbook.GetProperties();
            props.CoreProperties.Title = title;
            props.CoreProperties.Creator = Text("Platform");
            props.CoreProperties.Description = string.Join("\n", watermark);
            props.CoreProperties.Created = asOf.UtcDateTime;
            props.CoreProperties.Modified = asOf.UtcDateTime;
            var bold = workbook.CreateFont();
            bold.IsBold = true;
            var headingStyle = workbook.CreateCellStyle();
            headingStyle.SetFont(bold);
            var written = new List<SXSSFSheet>();
            foreach (var s in sheets)
            {
                var sheet = XlsxStream.CreateSheet(workbook, s.Name);
                written.Add(sheet);
                sheet.Header.Center = watermark[0].Replace("&", "&&", StringComparison.Ordinal);
                sheet.Footer.Right = Text("PageFooter");
                for (var i = 0; i < s.Headers.Count; i++)
                {
                    sheet.SetColumnWidth(i, Math.Clamp(s.Headers[i].Length * 2 + 6, 10, 60) * 256);
                }
                var r = 0;
                foreach (var line in watermark)
                {
                    sheet.CreateRow(r++).CreateCell(0).SetCellValue(XlsxStream.XmlSafe(line));
                }
                var heading = sheet.CreateRow(r++);
                for (var i = 0; i < s.Headers.Count; i++)
                {
                    var cell = heading.CreateCell(i);
                    cell.SetCellValue(s.Headers[i]);
                    cell.CellStyle = headingStyle;
                }
                sheet.CreateFreezePane(0, r);
                await foreach (var values in s.Rows.WithCancellation(ct))
                {
                    var row = sheet.CreateRow(r++);
                    for (var i = 0; i < values.Length; i++)
                    {
                        switch (values[i])
                        {
                            case null:
                                break;
                            case long n:
                                row.CreateCell(i, CellType.Numeric).SetCellValue(n);
                                break;
                            case int n:
                                row.CreateCell(i, CellType.Numeric).SetCellValue(n);
                                break;
                            case var v:
                                row.CreateCell(i, CellType.String).SetCellValue(XlsxStream.XmlSafe(Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""));
                                break;
                        }
                    }
                }
            }
            XlsxStream.Write(workbook, written, output, asOf);
        }
        finally
        {
            workbook.Dispose();
        }
    }
}

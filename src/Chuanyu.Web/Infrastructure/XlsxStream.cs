using System.IO.Compression;
using System.Text;
using NPOI.XSSF.Streaming;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Streamed Excel files for the exports (the audit, payout batches, settlement statements): NPOI's streaming workbook
/// keeps a window of rows in memory and spills the rest to a temporary file, and <see cref="Write"/> finishes the file.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is about streamed xlsx files, not a Stream.")]
public static class XlsxStream
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static readonly Lock SheetFiles = new();

    /// <summary>
    /// A new streamed sheet. NPOI 2.4.1 names the sheet's temporary file from <c>new Random(DateTime.Now.Millisecond)</c>
    /// and then creates it with <c>FileMode.CreateNew</c>: two sheets created at once in the same millisecond draw the
    /// same name and the second fails ("already exists"), which parallel exports (and the test hosts seeding the demo)
    /// did. One at a time in this process, the second sees the first's file and draws another name.
    /// </summary>
    public static SXSSFSheet CreateSheet(SXSSFWorkbook workbook, string name)
    {
        lock (SheetFiles)
        {
            return (SXSSFSheet)workbook.CreateSheet(name);
        }
    }

    /// <summary>
    /// SXSSFWorkbook.Write calls a SharpZipLib constructor that the SharpZipLib restorable here (1.4) no longer has,
    /// so the last step is done with System.IO.Compression: NPOI's template workbook (styles, properties, header and
    /// footer) is copied part by part and each sheet's streamed rows are put into its empty &lt;sheetData&gt;.
    /// <paramref name="sheets"/> are the workbook's sheets in the order they were created.
    /// </summary>
    public static void Write(SXSSFWorkbook workbook, IReadOnlyList<SXSSFSheet> sheets, Stream output, DateTimeOffset now)
    {
        using var template = new MemoryStream();
        workbook.XssfWorkbook.Write(template);
        var parts = sheets.Select((s, i) => (Part: $"xl/worksheets/sheet{i + 1}.xml", Sheet: s)).ToDictionary(x => x.Part, x => x.Sheet, StringComparer.Ordinal);
        using var source = new ZipArchive(new MemoryStream(template.ToArray()), ZipArchiveMode.Read);
        using var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var entry in source.Entries)
        {
            var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
            copy.LastWriteTime = now;
            using var to = copy.Open();
            using var from = entry.Open();
            if (!parts.TryGetValue(entry.FullName, out var sheet))
            {
                from.CopyTo(to);
                continue;
            }
            string xml;
            using (var reader = new StreamReader(from, Encoding.UTF8))
            {
                xml = reader.ReadToEnd();
            }
            var empty = xml.Contains("<sheetData/>", StringComparison.Ordinal) ? "<sheetData/>" : "<sheetData></sheetData>";
            var at = xml.IndexOf(empty, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new InvalidOperationException("NPOI's sheet template has no empty sheetData element.");
            }
            var utf8 = new UTF8Encoding(false);
            to.Write(utf8.GetBytes(string.Concat(xml.AsSpan(0, at), "<sheetData>")));
            using (var rows = sheet.getWorksheetXMLInputStream())
            {
                rows.CopyTo(to);
            }
            to.Write(utf8.GetBytes(string.Concat("</sheetData>", xml.AsSpan(at + empty.Length))));
        }
    }

    /// <summary>A temporary file that deletes itself when closed: where an export is written before it is signed and sent.</summary>
    public static FileStream TempFile() =>
        new(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);

    /// <summary>Characters XML 1.0 cannot carry (control characters an attacker typed) become U+FFFD.</summary>
    public static string XmlSafe(string s)
    {
        if (!s.Any(c => c < 0x20 && c is not ('\t' or '\n' or '\r') || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF'))
        {
            return s;
        }
        var b = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                b.Append(c).Append(s[++i]);
            }
            else if ((c < 0x20 && c is not ('\t' or '\n' or '\r')) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
            {
                b.Append('\uFFFD');
            }
            else
            {
                b.Append(c);
            }
        }
        return b.ToString();
    }
}

using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using Chuanyu.Web.Infrastructure;
using CsvHelper;
using NPOI.SS.UserModel;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>
/// One row of an uploaded sheet: its number as the person sees it in Excel (1-based, the header is row 1), the cell
/// texts by column (null when empty) and, rarely, a problem with a cell that has no usable value (a formula error,
/// a formula never calculated).
/// </summary>
public sealed record SheetRow(int Number, string?[] Cells, Message?[]? Problems)
{
    public bool IsEmpty => Cells.All(string.IsNullOrWhiteSpace) && Problems is null;
}

/// <summary>The file cannot be read as a sheet at all (a broken package, unclosed quotes…); <see cref="Reason"/> is for the person.</summary>
public sealed class SheetFormatException(Message reason) : Exception(reason.Key)
{
    public Message Reason { get; } = reason;
}

/// <summary>
/// Reads the first worksheet of an .xlsx as a stream of rows. Streaming with <see cref="XmlReader"/> over the
/// package parts, not NPOI's <c>XSSFWorkbook</c>: that object model holds every cell as XML objects (20,000 rows of
/// 28 columns took about 1 GB and 15 s), so a 100,000-row file would not fit. NPOI's own rules decide which number
/// formats are dates (<see cref="DateUtil.IsADateFormat(int, string)"/>) and convert Excel serial dates.
/// Handles shared strings (with rich-text runs; phonetic runs left out), inline strings, numbers, booleans, dates in
/// date-formatted number cells and ISO date cells, formula cells by their cached value, the 1904 date system, rows
/// and cells without a reference, and empty trailing rows (an empty row is just skipped by the caller).
/// Decompressed parts are capped, and DTDs are refused, so a ZIP or XML bomb cannot exhaust memory.
/// </summary>
public sealed class XlsxSheetReader : IDisposable
{
    /// <summary>Largest decompressed worksheet part; a 50 MB upload of ordinary rows is well below it.</summary>
    public const long MaxSheetBytes = 1L << 30;

    /// <summary>Largest decompressed shared-string table (held in memory).</summary>
    public const long MaxSharedStringBytes = 512L << 20;

    private readonly ZipArchive _zip;
    private readonly string _sheetPath;
    private readonly List<string> _sharedStrings;
    private readonly bool[] _dateStyles;
    private readonly bool _date1904;

    private XlsxSheetReader(ZipArchive zip, string sheetPath, List<string> sharedStrings, bool[] dateStyles, bool date1904)
    {
        _zip = zip;
        _sheetPath = sheetPath;
        _sharedStrings = sharedStrings;
        _dateStyles = dateStyles;
        _date1904 = date1904;
    }

    /// <summary>Opens the package and reads the workbook, its relationships, the styles and the shared strings.</summary>
    public static XlsxSheetReader Open(Stream content)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            throw new SheetFormatException(new Message("Catalog.XlsxZipBroken"));
        }
        try
        {
            var rels = ReadRelationships(zip, "xl/_rels/workbook.xml.rels");
            var (firstSheetRel, date1904) = ReadWorkbook(zip);
            if (firstSheetRel is null || !rels.TryGetValue(firstSheetRel, out var sheet))
            {
                throw new SheetFormatException(new Message("Catalog.XlsxNoSheet"));
            }
            var sharedPath = rels.Values.FirstOrDefault(r => r.Type.EndsWith("/sharedStrings", StringComparison.Ordinal)).Target;
            var stylesPath = rels.Values.FirstOrDefault(r => r.Type.EndsWith("/styles", StringComparison.Ordinal)).Target;
            var shared = sharedPath is null ? [] : ReadSharedStrings(zip, sharedPath);
            var dateStyles = stylesPath is null ? [] : ReadDateStyles(zip, stylesPath);
            return new XlsxSheetReader(zip, sheet.Target, shared, dateStyles, date1904);
        }
        catch (Exception e) when (e is XmlException or InvalidDataException)
        {
            zip.Dispose();
            throw new SheetFormatException(new Message("Catalog.XlsxXmlBroken"));
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    public void Dispose() => _zip.Dispose();

    /// <summary>The rows of the first worksheet in file order, empty ones included (the caller skips them).</summary>
    public IEnumerable<SheetRow> Rows()
    {
        var entry = _zip.GetEntry(_sheetPath) ?? throw new SheetFormatException(new Message("Catalog.XlsxSheetMissing"));
        using var stream = new CappedStream(entry.Open(), MaxSheetBytes);
        using var xml = XmlReader.Create(stream, XmlSettings);
        var lastRow = 0;
        var cells = new List<string?>(32);
        while (true)
        {
            List<Message?>? problems = null;
            int number;
            try
            {
                if (!SeekRow(xml))
                {
                    break;
                }
                number = int.TryParse(xml.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : lastRow + 1;
                lastRow = number;
                cells.Clear();
                ReadRow(xml, cells, ref problems);
            }
            catch (XmlException e)
            {
                throw new SheetFormatException(new Message("Catalog.XlsxSheetXmlError", e.LineNumber));
            }
            yield return new SheetRow(number, [.. cells], problems?.ToArray());
        }
    }

    /// <summary>Moves to the next &lt;row&gt; element, staying on the current node if it is one.</summary>
    private static bool SeekRow(XmlReader xml)
    {
        while (!(xml.NodeType == XmlNodeType.Element && xml.LocalName == "row"))
        {
            if (!xml.Read())
            {
                return false;
            }
        }
        return true;
    }

    // The readers below consume whole elements: each leaves the reader on the node after the element it read, so the
    // loops advance with Read() only when they did not consume anything.
    private void ReadRow(XmlReader xml, List<string?> cells, ref List<Message?>? problems)
    {
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return;
        }
        var depth = xml.Depth;
        xml.Read();
        while (!xml.EOF && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "c")
            {
                if (xml.NodeType == XmlNodeType.Element)
                {
                    xml.Skip();
                }
                else
                {
                    xml.Read();
                }
                continue;
            }
            var column = ColumnIndex(xml.GetAttribute("r")) ?? cells.Count;
            if (column >= 16_384)
            {
                throw new SheetFormatException(new Message("Catalog.XlsxTooManyColumns"));
            }
            var (value, problem) = ReadCell(xml);
            while (cells.Count <= column)
            {
                cells.Add(null);
            }
            cells[column] = value;
            if (problem is not null)
            {
                problems ??= [];
                while (problems.Count <= column)
                {
                    problems.Add(null);
                }
                problems[column] = problem;
            }
        }
    }

    private (string? Value, Message? Problem) ReadCell(XmlReader xml)
    {
        var type = xml.GetAttribute("t");
        var style = int.TryParse(xml.GetAttribute("s"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        string? v = null;
        string? inline = null;
        var formula = false;
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return (null, null);
        }
        var depth = xml.Depth;
        xml.Read();
        while (!xml.EOF && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType != XmlNodeType.Element)
            {
                xml.Read();
                continue;
            }
            switch (xml.LocalName)
            {
                case "v":
                    v = xml.ReadElementContentAsString();
                    break;
                case "f":
                    formula = true;
                    xml.Skip();
                    break;
                case "is":
                    inline = ReadStringItem(xml);
                    break;
                default:
                    xml.Skip();
                    break;
            }
        }
        xml.Read();
        if (type == "inlineStr")
        {
            return (inline, null);
        }
        if (v is null)
        {
            return formula ? (null, new Message("Catalog.XlsxFormulaNotCalculated")) : (null, null);
        }
        switch (type)
        {
            case "s":
                return int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < _sharedStrings.Count
                    ? (_sharedStrings[index], null)
                    : (null, new Message("Catalog.XlsxSharedStringMissing"));
            case "str":
                return (Unescape(v), null);
            case "b":
                return (v == "1" ? "TRUE" : "FALSE", null);
            case "e":
                return (null, new Message("Catalog.XlsxFormulaError", v));
            case "d":
                return (DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var iso) ? iso.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : v, null);
        }
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return (v, null);
        }
        if (style < _dateStyles.Length && _dateStyles[style] && DateUtil.IsValidExcelDate(number))
        {
            return (DateUtil.GetJavaDate(number, _date1904).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null);
        }
        return (NumberText(number), null);
    }

    /// <summary>A number as it is typed: 3200000.5, not 3.2000005E+06, and 0.1+0.2 as 0.3 (Excel shows 15 significant digits).</summary>
    internal static string NumberText(double number)
    {
        try
        {
            var d = decimal.Parse(number.ToString("G15", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
            return d.ToString(CultureInfo.InvariantCulture).Contains('.', StringComparison.Ordinal)
                ? d.ToString(CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.')
                : d.ToString(CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            return number.ToString("R", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>"AB12" → 27; null when the reference is missing or not a cell reference.</summary>
    internal static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }
        var index = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c))
            {
                break;
            }
            index = (index * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
            if (++letters > 3)
            {
                return null;
            }
        }
        return letters == 0 ? null : index - 1;
    }

    /// <summary>The text of a shared or inline string item: its &lt;t&gt; runs, without phonetic (&lt;rPh&gt;) runs. Consumes the item.</summary>
    private static string ReadStringItem(XmlReader xml)
    {
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return "";
        }
        var depth = xml.Depth;
        var b = new StringBuilder();
        xml.Read();
        while (!xml.EOF && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName is "rPh" or "phoneticPr")
            {
                xml.Skip();
            }
            else if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "t")
            {
                b.Append(xml.ReadElementContentAsString());
            }
            else
            {
                xml.Read();
            }
        }
        xml.Read();
        return Unescape(b.ToString());
    }

    /// <summary>Excel writes characters XML cannot carry as _xHHHH_ (and a literal "_x" as _x005F_x).</summary>
    internal static string Unescape(string s)
    {
        if (!s.Contains("_x", StringComparison.Ordinal))
        {
            return s;
        }
        var b = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '_' && i + 6 < s.Length && s[i + 1] == 'x' && s[i + 6] == '_' &&
                int.TryParse(s.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                b.Append((char)code);
                i += 6;
            }
            else
            {
                b.Append(s[i]);
            }
        }
        return b.ToString();
    }

    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    private readonly record struct Relationship(string Type, string Target);

    private static Dictionary<string, Relationship> ReadRelationships(ZipArchive zip, string path)
    {
        var map = new Dictionary<string, Relationship>(StringComparer.Ordinal);
        var entry = zip.GetEntry(path);
        if (entry is null)
        {
            return map;
        }
        using var stream = new CappedStream(entry.Open(), 16L << 20);
        using var xml = XmlReader.Create(stream, XmlSettings);
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "Relationship" && xml.GetAttribute("Id") is { } id && xml.GetAttribute("Target") is { } target)
            {
                if (string.Equals(xml.GetAttribute("TargetMode"), "External", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                // Targets are relative to xl/ unless they start with '/'.
                var full = target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target;
                map[id] = new Relationship(xml.GetAttribute("Type") ?? "", Normalize(full));
            }
        }
        return map;
    }

    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/'))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part.Length > 0 && part != ".")
            {
                parts.Add(part);
            }
        }
        return string.Join('/', parts);
    }

    private static (string? FirstSheetRel, bool Date1904) ReadWorkbook(ZipArchive zip)
    {
        var entry = zip.GetEntry("xl/workbook.xml") ?? throw new SheetFormatException(new Message("Catalog.XlsxWorkbookMissing"));
        using var stream = new CappedStream(entry.Open(), 16L << 20);
        using var xml = XmlReader.Create(stream, XmlSettings);
        var date1904 = false;
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }
            if (xml.LocalName == "workbookPr")
            {
                date1904 = xml.GetAttribute("date1904") is "1" or "true";
            }
            else if (xml.LocalName == "sheet")
            {
                // r:id is in the relationships namespace (transitional or strict); find it by local name.
                for (var i = 0; i < xml.AttributeCount; i++)
                {
                    xml.MoveToAttribute(i);
                    if (xml.LocalName == "id" && xml.NamespaceURI.Length > 0)
                    {
                        return (xml.Value, date1904);
                    }
                }
                return (null, date1904);
            }
        }
        return (null, date1904);
    }

    private static List<string> ReadSharedStrings(ZipArchive zip, string path)
    {
        var list = new List<string>();
        var entry = zip.GetEntry(path);
        if (entry is null)
        {
            return list;
        }
        using var stream = new CappedStream(entry.Open(), MaxSharedStringBytes);
        using var xml = XmlReader.Create(stream, XmlSettings);
        xml.Read();
        while (!xml.EOF)
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "si")
            {
                list.Add(ReadStringItem(xml));
            }
            else
            {
                xml.Read();
            }
        }
        return list;
    }

    /// <summary>For each cell style (cellXfs index), whether its number format shows a date.</summary>
    private static bool[] ReadDateStyles(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry(path);
        if (entry is null)
        {
            return [];
        }
        var custom = new Dictionary<int, string>();
        var styles = new List<bool>();
        using var stream = new CappedStream(entry.Open(), 64L << 20);
        using var xml = XmlReader.Create(stream, XmlSettings);
        var inCellXfs = false;
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "cellXfs")
            {
                inCellXfs = false;
                continue;
            }
            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }
            switch (xml.LocalName)
            {
                case "numFmt" when int.TryParse(xml.GetAttribute("numFmtId"), NumberStyles.None, CultureInfo.InvariantCulture, out var id):
                    custom[id] = xml.GetAttribute("formatCode") ?? "";
                    break;
                case "cellXfs":
                    inCellXfs = !xml.IsEmptyElement;
                    break;
                case "xf" when inCellXfs:
                    var formatId = int.TryParse(xml.GetAttribute("numFmtId"), NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : 0;
                    var format = custom.TryGetValue(formatId, out var code) ? code : BuiltinFormats.GetBuiltinFormat(formatId);
                    styles.Add(DateUtil.IsADateFormat(formatId, format));
                    break;
            }
        }
        return [.. styles];
    }

    /// <summary>Reads at most a set number of decompressed bytes; more means the file is not an ordinary sheet.</summary>
    private sealed class CappedStream(Stream inner, long max) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        private int Count(int n)
        {
            _read += n;
            return _read > max ? throw new SheetFormatException(new Message("Catalog.XlsxTooLargeUnpacked", max / 1024 / 1024)) : n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// Reads a .csv as rows with CsvHelper. UTF-8 with or without a byte-order mark, and GB18030 (a superset of GBK,
/// which Excel uses when a Chinese Windows saves "CSV"): when the bytes are not valid UTF-8 they are decoded as
/// GB18030. Empty lines are kept as rows so row numbers are the ones Excel shows. A leading apostrophe that our own
/// export put before a formula-like value (CSV injection escape) is removed again.
/// </summary>
public static class CsvSheetReader
{
    static CsvSheetReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    /// <summary>Whether the bytes (after a UTF-8 byte-order mark) are UTF-8; otherwise they are read as GB18030.</summary>
    public static bool IsUtf8(ReadOnlySpan<byte> bytes) =>
        System.Text.Unicode.Utf8.IsValid(bytes.StartsWith(Encoding.UTF8.Preamble) ? bytes[3..] : bytes);

    public static IEnumerable<SheetRow> Rows(byte[] bytes)
    {
        var utf16 = bytes.AsSpan().StartsWith(new byte[] { 0xFF, 0xFE }) || bytes.AsSpan().StartsWith(new byte[] { 0xFE, 0xFF });
        long unterminated = 0;
        var options = CsvReaderOptions.Default with
        {
            HasHeader = false,
            SkipEmptyLines = false,
            Encoding = utf16 || IsUtf8(bytes) ? null : Gb18030,
            OnMalformedRecord = m =>
            {
                if (m.Reason == CsvMalformedReason.UnterminatedQuote && unterminated == 0)
                {
                    unterminated = m.RecordNumber;
                }
            },
        };
        return Read(bytes, options, () => unterminated);
    }

    private static IEnumerable<SheetRow> Read(byte[] bytes, CsvReaderOptions options, Func<long> unterminated)
    {
        using var csv = options.Encoding is null && !(bytes.Length >= 2 && (bytes[0] == 0xFF || bytes[0] == 0xFE))
            ? CsvReader.Create(bytes, options)
            : CsvReader.Create(new MemoryStream(bytes, writable: false), options, leaveOpen: false);
        while (true)
        {
            bool more;
            try
            {
                more = csv.Read();
            }
            catch (Exception e) when (e is CsvFormatException or InvalidDataException or DecoderFallbackException)
            {
                throw new SheetFormatException(new Message("Catalog.CsvUnreadable"));
            }
            if (!more)
            {
                break;
            }
            if (unterminated() is > 0 and var at)
            {
                throw new SheetFormatException(new Message("Catalog.CsvUnclosedQuote", at));
            }
            var cells = new string?[csv.FieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                var value = csv.GetString(i);
                cells[i] = string.IsNullOrEmpty(value) ? null : Unescape(value);
            }
            yield return new SheetRow(checked((int)csv.RowNumber), cells, null);
        }
    }

    /// <summary>Removes the apostrophe the export puts before = + - @ tab or CR.</summary>
    internal static string Unescape(string value) =>
        value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? value[1..] : value;
}

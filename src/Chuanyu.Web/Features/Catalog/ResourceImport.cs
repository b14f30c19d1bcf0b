using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Catalog;

/// <summary><see cref="DryRun"/>: check only, import nothing. <see cref="Publish"/>: publish at once instead of leaving drafts.</summary>
public sealed record ImportOptions(bool DryRun = false, bool Publish = false);

/// <summary>
/// One problem: the row as Excel numbers it, the column (its header, or its letter when it has none) and the reason, as
/// messages said in the reader's language; <see cref="Column"/> is the column as said now.
/// </summary>
public sealed record ImportError(int Row, Message ColumnName, Message Reason)
{
    public ImportError(int row, string header, Message reason) : this(row, Header(header), reason) { }

    public string Column => ColumnName.ToString();

    /// <summary>A column by its header: the file's own word, the same in every language (the template's format).</summary>
    public static Message Header(string header) => new("Catalog.ImportColumnHeader", header);

    /// <summary>A column without a header, by its letter.</summary>
    public static Message Letter(string letter) => new("Catalog.ImportColumnLetter", letter);
}

/// <summary>Why nothing was imported; <see cref="None"/> when the import (or the dry run) went through.</summary>
public enum ImportFailure
{
    None,

    /// <summary>The upload itself: empty, not a spreadsheet, unreadable (400).</summary>
    File,

    /// <summary>Over the size limit (413).</summary>
    TooLarge,

    /// <summary>The header or rows are wrong: every problem is in <see cref="ImportResult.Errors"/> (422).</summary>
    Rows,

    /// <summary>Publishing was asked for an organisation that is not verified (409).</summary>
    Conflict,
}

/// <summary>Seconds spent in each phase, for the benchmark: reading the file, checking the rows, writing them.</summary>
public sealed record ImportTimings(TimeSpan Parse, TimeSpan Validate, TimeSpan Write);

public sealed record ImportResult(
    bool Applied, int Rows, int Created, ImportFailure Failure, Message? Message, IReadOnlyList<ImportError> Errors, int ErrorCount, ImportTimings Timings)
{
    public bool Truncated => ErrorCount > Errors.Count;
}

/// <summary>
/// Bulk import of catalogue records from .xlsx or .csv into one organisation (issue 4, point 4). All or nothing:
/// every row is checked first, with the same field rules as <see cref="CatalogService"/>, and every problem is
/// reported with its row, column and reason; only a file without any problem is written, in one transaction, in
/// batches (change detection off, the change tracker cleared between batches, no query per row) with one audit row.
/// The caller has checked that the person may manage the organisation.
/// </summary>
public sealed class ResourceImporter(AppDbContext db, OrganizationDirectory organizations, RegionDirectory divisions, AuditLog audit, TimeProvider clock)
{
    public const long MaxFileBytes = 50L * 1024 * 1024;

    /// <summary>The multipart envelope and the option fields on top of the file.</summary>
    public const long MaxRequestBytes = MaxFileBytes + (64 * 1024);

    public const int MaxRows = 100_000;

    /// <summary>Problems listed in one answer; the count says how many there were in all.</summary>
    public const int MaxReportedErrors = 10_000;

    public const int BatchSize = 1_000;

    public async Task<ImportResult> ImportAsync(Stream content, long length, string? fileName, Guid organizationId, Guid actorId, string? actorName,
        ImportOptions options, CancellationToken ct)
    {
        var noTime = new ImportTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        var (upload, fileError) = await Uploads.CheckAsync(fileName, content, length, UploadKind.Spreadsheet, MaxFileBytes, ct);
        if (upload is null)
        {
            return Failed(length > MaxFileBytes ? ImportFailure.TooLarge : ImportFailure.File, fileError!, noTime);
        }
        var org = await organizations.Organizations().Where(o => o.Id == organizationId).Select(o => new { o.Name, o.Status }).FirstOrDefaultAsync(ct);
        if (org is null)
        {
            return Failed(ImportFailure.Conflict, new Message("Catalog.OrganizationMissing"), noTime);
        }
        if (options.Publish && org.Status != OrganizationStatus.Verified)
        {
            return Failed(ImportFailure.Conflict, new Message("Catalog.ImportPublishNotVerified"), noTime);
        }

        var started = Stopwatch.GetTimestamp();
        var rules = await ImportRules.LoadAsync(db, divisions, organizationId, org.Name, ChinaTime.Today(clock), ct);
        var checking = new RowChecker(rules);
        long parseTicks = 0;
        var resources = new List<Resource>();
        var now = clock.GetUtcNow();
        var status = options.Publish ? ResourceStatus.Published : ResourceStatus.Draft;
        var dataRows = 0;
        try
        {
            using var xlsx = upload.Extension == ".xlsx" ? XlsxSheetReader.Open(content) : null;
            IEnumerable<SheetRow> rows;
            if (xlsx is not null)
            {
                rows = xlsx.Rows();
            }
            else
            {
                var bytes = new byte[length];
                await content.ReadExactlyAsync(bytes, ct);
                rows = CsvSheetReader.Rows(bytes);
            }
            using var e = rows.GetEnumerator();
            while (true)
            {
                var t = Stopwatch.GetTimestamp();
                var more = e.MoveNext();
                parseTicks += Stopwatch.GetTimestamp() - t;
                if (!more)
                {
                    break;
                }
                var row = e.Current;
                if (row.IsEmpty)
                {
                    continue;
                }
                if (!checking.HasHeader)
                {
                    if (!checking.ReadHeader(row))
                    {
                        break;
                    }
                    continue;
                }
                if (++dataRows > MaxRows)
                {
                    checking.Add(new ImportError(row.Number, "", new Message("Catalog.ImportTooManyRows", MaxRows)));
                    dataRows--;
                    break;
                }
                var input = checking.Check(row, out var regionCode);
                if (input is not null && checking.ErrorCount == 0)
                {
                    var resource = new Resource
                    {
                        Id = Guid.CreateVersion7(),
                        OrganizationId = organizationId,
                        Status = status,
                        CreatedBy = actorId,
                        CreatedAt = now,
                        UpdatedBy = actorId,
                        UpdatedAt = now,
                        PublishedAt = options.Publish ? now : null,
                    };
                    CatalogService.Apply(resource, input, regionCode!);
                    resources.Add(resource);
                }
                else if (checking.ErrorCount > 0)
                {
                    resources.Clear();
                }
            }
        }
        catch (SheetFormatException ex)
        {
            return Failed(ImportFailure.File, ex.Reason, noTime);
        }
        catch (InvalidDataException)
        {
            // A damaged deflate stream inside the package, found while reading the rows.
            return Failed(ImportFailure.File, new Message("Catalog.FileDamaged"), noTime);
        }
        var parse = Stopwatch.GetElapsedTime(0, parseTicks);
        var validate = Stopwatch.GetElapsedTime(started) - parse;
        if (!checking.HasHeader)
        {
            checking.Add(new ImportError(1, "", new Message("Catalog.ImportNoHeader")));
        }
        else if (dataRows == 0 && checking.ErrorCount == 0)
        {
            checking.Add(new ImportError(checking.HeaderRow + 1, "", new Message("Catalog.ImportNoRows")));
        }
        if (checking.ErrorCount > 0)
        {
            return new ImportResult(false, dataRows, 0, ImportFailure.Rows, new Message("Catalog.ImportRowsFailed", checking.ErrorCount),
                checking.Errors, checking.ErrorCount, new ImportTimings(parse, validate, TimeSpan.Zero));
        }
        if (options.DryRun)
        {
            return new ImportResult(false, dataRows, 0, ImportFailure.None, new Message("Catalog.ImportChecked", dataRows), [], 0,
                new ImportTimings(parse, validate, TimeSpan.Zero));
        }

        var writing = Stopwatch.GetTimestamp();
        await WriteAsync(resources, organizationId, upload.FileName, options, actorId, actorName, ct);
        return new ImportResult(true, dataRows, resources.Count, ImportFailure.None, new Message("Catalog.ImportDone", resources.Count), [], 0,
            new ImportTimings(parse, validate, Stopwatch.GetElapsedTime(writing)));
    }

    private async Task WriteAsync(List<Resource> resources, Guid organizationId, string fileName, ImportOptions options, Guid actorId, string? actorName,
        CancellationToken ct)
    {
        var detectChanges = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            for (var i = 0; i < resources.Count; i += BatchSize)
            {
                // Add marks the record, its fees and certifications as new; nothing is compared, and the tracker is
                // emptied after each batch so it never holds more than one batch.
                db.AddRange(resources.Skip(i).Take(BatchSize));
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            db.ChangeTracker.AutoDetectChangesEnabled = detectChanges;
            await audit.RecordAsync("resource.import", $"organization:{organizationId}",
                detail: $"count={resources.Count}; status={(options.Publish ? "published" : "draft")}; file={fileName}", actorId: actorId, actorName: actorName, ct: ct);
            await tx.CommitAsync(ct);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detectChanges;
        }
    }

    private static ImportResult Failed(ImportFailure failure, Message message, ImportTimings timings) =>
        new(false, 0, 0, failure, message, [], 0, timings);
}

/// <summary>What the checks need from the database, loaded once per file: districts, the organisation's name and its existing records' keys.</summary>
internal sealed class ImportRules
{
    public required Dictionary<string, (string RegionCode, string Name)> Districts { get; init; }

    /// <summary>District name (and "prefecture name + name") → codes; more than one code means the name is ambiguous.</summary>
    public required Dictionary<string, List<string>> DistrictNames { get; init; }

    public required string OrganizationName { get; init; }
    public required HashSet<string> ExistingKeys { get; init; }
    public required DateOnly Today { get; init; }

    public static async Task<ImportRules> LoadAsync(AppDbContext db, RegionDirectory divisions, Guid organizationId, string organizationName, DateOnly today,
        CancellationToken ct)
    {
        var districts = await divisions.Districts().Select(d => new { d.Code, d.Name, d.RegionCode, d.ParentCode }).ToListAsync(ct);
        var byCode = districts.ToDictionary(d => d.Code, d => (d.RegionCode, d.Name), StringComparer.Ordinal);
        var names = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void AddName(string name, string code)
        {
            if (!names.TryGetValue(name, out var list))
            {
                names[name] = list = [];
            }
            if (!list.Contains(code))
            {
                list.Add(code);
            }
        }
        foreach (var d in districts)
        {
            AddName(d.Name, d.Code);
            if (d.ParentCode is { } p && byCode.TryGetValue(p, out var parent))
            {
                AddName(parent.Name + d.Name, d.Code);
            }
        }
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var r in db.Set<Resource>().AsNoTracking().Where(r => r.OrganizationId == organizationId)
                           .Select(r => new { r.Name, r.Model, r.Address }).AsAsyncEnumerable().WithCancellation(ct))
        {
            existing.Add(RowChecker.DuplicateKey(r.Name, r.Model, r.Address));
        }
        return new ImportRules { Districts = byCode, DistrictNames = names, OrganizationName = organizationName, ExistingKeys = existing, Today = today };
    }
}

/// <summary>Reads the header, then turns each row into a <see cref="ResourceInput"/> and collects every problem with its column.</summary>
internal sealed class RowChecker(ImportRules rules)
{
    private static readonly Dictionary<string, int> ColumnByHeader = ResourceSheet.Columns
        .Select((c, i) => (Key: ResourceSheet.NormalizeHeader(c.Header), i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);

    private static readonly Dictionary<string, string> HeaderByField = ResourceSheet.Columns.ToDictionary(c => c.Field, c => c.Header, StringComparer.Ordinal);

    private const int NoColumn = -1;
    private readonly List<ImportError> _errors = [];
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    /// <summary>For each sheet column (by <see cref="ResourceSheet.Columns"/> index) the file's column index.</summary>
    private readonly int[] _at = Enumerable.Repeat(NoColumn, ResourceSheet.Columns.Count).ToArray();
    private int _organizationAt = NoColumn;
    private string?[] _fileHeaders = [];

    public bool HasHeader { get; private set; }
    public int HeaderRow { get; private set; }
    public int ErrorCount { get; private set; }
    public IReadOnlyList<ImportError> Errors => _errors;

    public void Add(ImportError error)
    {
        ErrorCount++;
        if (_errors.Count < ResourceImporter.MaxReportedErrors)
        {
            _errors.Add(error);
        }
    }

    /// <summary>Maps the header; false (with the problems added) when a column is missing, unknown or repeated.</summary>
    public bool ReadHeader(SheetRow row)
    {
        HasHeader = true;
        HeaderRow = row.Number;
        _fileHeaders = row.Cells;
        var before = ErrorCount;
        for (var i = 0; i < row.Cells.Length; i++)
        {
            var given = row.Cells[i];
            var key = ResourceSheet.NormalizeHeader(given);
            if (key.Length == 0)
            {
                continue;
            }
            if (key == ResourceSheet.OrganizationHeader)
            {
                _organizationAt = _organizationAt == NoColumn ? i : _organizationAt;
                continue;
            }
            if (!ColumnByHeader.TryGetValue(key, out var column))
            {
                Add(new ImportError(row.Number, given!.Trim(), new Message("Catalog.ImportUnknownHeader", given.Trim(), Letter(i))));
            }
            else if (_at[column] != NoColumn)
            {
                Add(new ImportError(row.Number, ResourceSheet.Columns[column].Header,
                    new Message("Catalog.ImportRepeatedHeader", ResourceSheet.Columns[column].Header, Letter(_at[column]), Letter(i))));
            }
            else
            {
                _at[column] = i;
            }
        }
        for (var c = 0; c < _at.Length; c++)
        {
            if (_at[c] == NoColumn)
            {
                Add(new ImportError(row.Number, ResourceSheet.Columns[c].Header, new Message("Catalog.ImportMissingHeader", ResourceSheet.Columns[c].Header)));
            }
        }
        return ErrorCount == before;
    }

    /// <summary>"A", "B" … "AA": the column letter Excel shows.</summary>
    internal static string Letter(int index)
    {
        var s = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            s = (char)('A' + ((n - 1) % 26)) + s;
        }
        return s;
    }

    /// <summary>The row as service input (null when a cell could not even be read); problems are added as they are found.</summary>
    public ResourceInput? Check(SheetRow row, out string? regionCode)
    {
        regionCode = null;
        var before = ErrorCount;
        var failed = new HashSet<Message>();
        var reported = new HashSet<(Message, Message)>();
        void Fail(Message column, Message reason)
        {
            failed.Add(column);
            // Two fees without a unit give the service's message twice; the person needs it once.
            if (reported.Add((column, reason)))
            {
                Add(new ImportError(row.Number, column, reason));
            }
        }

        // Cells the header does not name, and cells without a usable value.
        for (var i = 0; i < row.Cells.Length; i++)
        {
            if (!string.IsNullOrWhiteSpace(row.Cells[i]) && (i >= _fileHeaders.Length || string.IsNullOrWhiteSpace(_fileHeaders[i])))
            {
                Fail(ImportError.Letter(Letter(i)), new Message("Catalog.ImportUnnamedColumn", Letter(i)));
            }
        }
        Message Header(int column) => ImportError.Header(ResourceSheet.Columns[column].Header);
        string? Cell(int column)
        {
            var at = _at[column];
            if (row.Problems is { } problems && at < problems.Length && problems[at] is { } problem)
            {
                Fail(Header(column), problem);
                return null;
            }
            var value = at < row.Cells.Length ? row.Cells[at] : null;
            // The platform's rule for input text (InputText): a control or bidi character makes the row a bad row.
            if (InputText.Find(value) is { } refusal)
            {
                Fail(Header(column), Refused(refusal));
                return null;
            }
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }
        var cells = Enumerable.Range(0, ResourceSheet.Columns.Count).Select(Cell).ToArray();

        var name = cells[0];
        if (name is not null && name.StartsWith(ResourceSheet.ExampleMarker, StringComparison.Ordinal))
        {
            Fail(Header(0), new Message("Catalog.ImportExampleRow"));
        }
        if (_organizationAt != NoColumn && _organizationAt < row.Cells.Length && InputText.Find(row.Cells[_organizationAt]) is { } ownerRefusal)
        {
            Fail(ImportError.Header(ResourceSheet.OrganizationHeader), Refused(ownerRefusal));
        }
        else if (_organizationAt != NoColumn && _organizationAt < row.Cells.Length && row.Cells[_organizationAt] is { } owner && !string.IsNullOrWhiteSpace(owner) &&
            !string.Equals(Normalize(owner), Normalize(rules.OrganizationName), StringComparison.Ordinal))
        {
            Fail(ImportError.Header(ResourceSheet.OrganizationHeader),
                new Message("Catalog.ImportOtherOrganization", owner.Trim(), rules.OrganizationName, ResourceSheet.OrganizationHeader));
        }

        ResourceKind? kind = null;
        if (cells[2] is null)
        {
            Fail(Header(2), new Message("Catalog.ImportKindRequired", Allowed(ResourceSheet.KindNames.Values)));
        }
        else if ((kind = ResourceSheet.ParseKind(cells[2]!)) is null)
        {
            Fail(Header(2), new Message("Catalog.ImportKindInvalid", cells[2], Allowed(ResourceSheet.KindNames.Values)));
        }

        string? category = null;
        if (cells[6] is not null && (category = ResolveCategory(cells[6]!, kind, out var categoryError)) is null)
        {
            Fail(Header(6), categoryError!);
        }

        decimal? Money(int column)
        {
            if (cells[column] is not { } text)
            {
                return null;
            }
            var value = ParseMoney(text);
            if (value is null)
            {
                Fail(Header(column), new Message("Catalog.ImportNotMoney", Short(text)));
            }
            return value;
        }
        DateOnly? Date(int column)
        {
            if (cells[column] is not { } text)
            {
                return null;
            }
            var value = ParseDate(text);
            if (value is null)
            {
                Fail(Header(column), new Message("Catalog.ImportNotDate", Short(text)));
            }
            return value;
        }
        var originalValue = Money(7);
        var purchaseDate = Date(8);

        string? district = null;
        if (cells[13] is null)
        {
            Fail(Header(13), new Message("Catalog.ImportDistrictRequired"));
        }
        else
        {
            district = ResolveDistrict(cells[13]!, out var districtError);
            if (district is null)
            {
                Fail(Header(13), districtError!);
            }
            else
            {
                regionCode = rules.Districts[district].RegionCode;
            }
        }

        SharingStatus? sharing = null;
        if (cells[15] is not null && (sharing = ResourceSheet.ParseSharing(cells[15]!)) is null)
        {
            Fail(Header(15), new Message("Catalog.ImportSharingInvalid", cells[15], Allowed(ResourceSheet.SharingNames.Values)));
        }

        var fees = new List<FeeInput>();
        var feeColumns = new List<int>();
        for (var f = 0; f < ResourceSheet.FeeColumns.Count; f++)
        {
            var column = 19 + f;
            if (Money(column) is { } price)
            {
                fees.Add(new FeeInput(ResourceSheet.FeeColumns[f].UserType, price, cells[23], null));
                feeColumns.Add(column);
            }
        }
        var certifications = new List<CertificationInput>();
        var certificationColumns = new List<int>();
        foreach (var (type, numberColumn) in new[] { (CertificationType.Cma, 24), (CertificationType.Cnas, 26) })
        {
            var expires = Date(numberColumn + 1);
            if (cells[numberColumn] is not null || cells[numberColumn + 1] is not null)
            {
                certifications.Add(new CertificationInput(type, cells[numberColumn], expires));
                certificationColumns.Add(numberColumn);
            }
        }

        var input = new ResourceInput(kind, name, cells[1], Guid.Empty, district, cells[14], sharing, category, cells[3], cells[4], cells[5],
            originalValue, purchaseDate, cells[9], cells[10], cells[11], cells[12], cells[16], cells[17], cells[18], fees, certifications);

        // The service's own rules, with the districts and the organisation already known; its field names map back to columns.
        var invalid = CatalogService.Validate(input, organizationKnown: true, districtKnown: district is not null, rules.Today);
        foreach (var (field, reasons) in invalid)
        {
            var header = ImportError.Header(ColumnOf(field, feeColumns, certificationColumns));
            if (failed.Contains(header))
            {
                continue;
            }
            foreach (var reason in reasons)
            {
                Fail(header, reason);
            }
        }

        if (name is not null)
        {
            var key = DuplicateKey(name, cells[3], cells[14]);
            if (rules.ExistingKeys.Contains(key))
            {
                Fail(Header(0), new Message("Catalog.ImportDuplicateExisting"));
            }
            else if (_seen.TryGetValue(key, out var first))
            {
                Fail(Header(0), new Message("Catalog.ImportDuplicateRow", first));
            }
            else
            {
                _seen[key] = row.Number;
            }
        }
        return ErrorCount == before ? input : null;
    }

    private static string ColumnOf(string field, List<int> feeColumns, List<int> certificationColumns)
    {
        if (HeaderByField.TryGetValue(field, out var header))
        {
            return header;
        }
        var at = field.IndexOf('[', StringComparison.Ordinal);
        var index = at < 0 ? -1 : int.Parse(field.AsSpan(at + 1, field.IndexOf(']', StringComparison.Ordinal) - at - 1), CultureInfo.InvariantCulture);
        return field switch
        {
            _ when field.StartsWith("fees[", StringComparison.Ordinal) && field.EndsWith(".unit", StringComparison.Ordinal) => HeaderByField["fees.unit"],
            _ when field.StartsWith("fees[", StringComparison.Ordinal) => ResourceSheet.Columns[feeColumns[index]].Header,
            _ when field.StartsWith("certifications[", StringComparison.Ordinal) => ResourceSheet.Columns[certificationColumns[index]].Header,
            _ => field,
        };
    }

    /// <summary>A class code from a 6-digit code, a name, "010102 扫描电镜" or a path "分析仪器 › 电子光学仪器 › 扫描电镜".</summary>
    private static string? ResolveCategory(string value, ResourceKind? kind, out Message? error)
    {
        error = null;
        var v = Normalize(value);
        var code = v.Length >= 6 && v[..6].All(char.IsAsciiDigit) && (v.Length == 6 || !char.IsAsciiDigit(v[6])) ? v[..6] : null;
        if (code is not null)
        {
            if (InstrumentClasses.Find(code) is { } c)
            {
                return c.Code;
            }
            error = new Message("Catalog.ImportClassCodeUnknown", code);
            return null;
        }
        InstrumentClass? found;
        var parts = v.Split(['›', '>', '＞'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 1)
        {
            found = InstrumentClasses.TopLevel.FirstOrDefault(t => t.Name == parts[0]) ?? InstrumentClasses.FindByName(parts[0]);
            for (var i = 1; i < parts.Length && found is not null; i++)
            {
                var parent = found;
                found = InstrumentClasses.ChildrenOf(parent.Code).FirstOrDefault(c => c.Name == parts[i]);
            }
        }
        else
        {
            found = InstrumentClasses.FindByName(v);
        }
        if (found is not null)
        {
            return found.Code;
        }
        if (kind == ResourceKind.Instrument)
        {
            error = new Message("Catalog.ImportClassUnknown", Short(value));
            return null;
        }
        // Other kinds may carry their own classification; the service limits its length.
        return value.Trim();
    }

    private string? ResolveDistrict(string value, out Message? error)
    {
        error = null;
        var v = Normalize(value).Replace(" ", "", StringComparison.Ordinal);
        if (v.Length == 6 && v.All(char.IsAsciiDigit))
        {
            if (rules.Districts.ContainsKey(v))
            {
                return v;
            }
            error = new Message("Catalog.ImportDistrictCodeUnknown", v);
            return null;
        }
        if (rules.DistrictNames.TryGetValue(v, out var codes))
        {
            if (codes.Count == 1)
            {
                return codes[0];
            }
            error = new Message("Catalog.ImportDistrictAmbiguous", v, Allowed(codes));
            return null;
        }
        error = new Message("Catalog.ImportDistrictUnknown", Short(value));
        return null;
    }

    /// <summary>The platform's rule for input text, said by the catalogue: the character and where it is.</summary>
    private static Message Refused(InputTextRefusal refusal) => new("Catalog.ControlCharacter", refusal.CodePointText, refusal.Position);

    /// <summary>Values a cell may take, as the file writes them (the template's words), in one list.</summary>
    private static string Allowed(IEnumerable<string> values) => string.Join("、", values);

    /// <summary>Yuan: "3200000", "3,200,000.50", "¥800", "800元"; full-width digits too. Null when it is not a number.</summary>
    internal static decimal? ParseMoney(string text)
    {
        var s = Normalize(text).Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).TrimStart('¥', '￥');
        if (s.EndsWith('元'))
        {
            s = s[..^1];
        }
        return decimal.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private static readonly string[] DateFormats = ["yyyy-M-d", "yyyyMMdd"];

    /// <summary>2019-06-18, 2019/6/18, 2019.6.18, 2019年6月18日, 20190618, also with a time after a space ("2019/6/18 0:00").</summary>
    internal static DateOnly? ParseDate(string text)
    {
        var s = Normalize(text);
        var space = s.IndexOfAny([' ', 'T']);
        if (space > 0)
        {
            s = s[..space];
        }
        s = s.Replace('/', '-').Replace('.', '-').Replace('年', '-').Replace('月', '-').TrimEnd('日');
        return DateOnly.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
    }

    /// <summary>The duplicate key: name, model and address compared after NFKC, case folding and collapsing spaces.</summary>
    internal static string DuplicateKey(string name, string? model, string? address) =>
        string.Join('\u001f', Fold(name), Fold(model), Fold(address));

    private static string Fold(string? s) =>
        string.IsNullOrWhiteSpace(s) ? "" : string.Join(' ', Normalize(s).ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string Normalize(string s) => s.Normalize(NormalizationForm.FormKC).Trim();

    private static string Short(string s) => s.Length > 30 ? s[..30] + "…" : s;
}

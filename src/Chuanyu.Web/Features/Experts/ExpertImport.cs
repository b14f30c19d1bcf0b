using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Experts;

/// <summary>One column of the import sheet, from <c>Data/Reference/expert-import-columns.csv</c> (a file format: its headers are not translated).</summary>
public sealed record ExpertImportColumn(string Field, string Header, bool Required, string Help, string Example);

/// <summary>A bad cell: the sheet's row number, the column's header and the reason.</summary>
public sealed record ExpertImportError(int Row, string Column, Message Reason);

public sealed record ExpertImportResult(bool Applied, int Rows, IReadOnlyList<ExpertImportError> Errors, Message? FileProblem = null);

/// <summary>
/// The region administrators' .xlsx import of experts, as the catalogue import does it (docs/catalogue-import.md): every
/// row checked by the same rules as the form (<see cref="ExpertPool.CheckAsync"/>), a duplicate ID number in the file
/// or in the pool refused with its row and column, and then all rows written in one transaction — or none, with a
/// report of every bad row.
/// </summary>
public sealed class ExpertImport(AppDbContext db, ExpertPool pool, OrganizationDirectory organizations, AuditLog audit)
{
    public const int MaxRows = 5_000;
    public const long MaxFileBytes = 10L << 20;

    public static IReadOnlyList<ExpertImportColumn> Columns { get; } = LoadColumns("expert-import-columns.csv");

    /// <summary>The columns of an upload format from its embedded <c>Data/Reference/{file}</c> (field,header,required,help,example).</summary>
    internal static List<ExpertImportColumn> LoadColumns(string file)
    {
        using var stream = typeof(ExpertImport).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference." + file)
            ?? throw new InvalidOperationException(file + " is not embedded.");
        using var reader = new StreamReader(stream);
        reader.ReadLine();
        var list = new List<ExpertImportColumn>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var f = line.Split(',', 5);
            list.Add(new ExpertImportColumn(f[0], f[1], f[2] == "1", f[3], f[4]));
        }
        return list;
    }

    /// <summary>The template: the header row (required columns marked *), an example row, and a sheet of explanations.</summary>
    public static byte[] Template() => Template(Columns, "experts");

    /// <summary>The template of an upload format: the header row (required columns marked *), an example row, a sheet of explanations.</summary>
    internal static byte[] Template(IReadOnlyList<ExpertImportColumn> columns, string sheetName)
    {
        var workbook = new XSSFWorkbook();
        var sheet = workbook.CreateSheet(sheetName);
        var header = sheet.CreateRow(0);
        var example = sheet.CreateRow(1);
        for (var i = 0; i < columns.Count; i++)
        {
            header.CreateCell(i).SetCellValue(columns[i].Required ? columns[i].Header + "*" : columns[i].Header);
            example.CreateCell(i).SetCellValue(columns[i].Example);
            sheet.SetColumnWidth(i, 16 * 256);
        }
        var help = workbook.CreateSheet("help");
        for (var i = 0; i < columns.Count; i++)
        {
            var row = help.CreateRow(i);
            row.CreateCell(0).SetCellValue(columns[i].Header);
            row.CreateCell(1).SetCellValue(columns[i].Help);
        }
        using var output = new MemoryStream();
        workbook.Write(output, leaveOpen: true);
        return output.ToArray();
    }

    internal static string NormalizeHeader(string? h) => (h ?? "").Normalize(System.Text.NormalizationForm.FormKC).Replace("*", "", StringComparison.Ordinal).Trim();

    /// <summary>A labelled enum value from its Chinese label (正高, 技术类 …), its English label or its member name.</summary>
    private static bool TryEnum<T>(string? cell, out T value) where T : struct, Enum
    {
        var text = cell?.Trim() ?? "";
        foreach (var v in Enum.GetValues<T>())
        {
            var label = Messages.Label(v);
            if (text.Equals(v.ToString(), StringComparison.OrdinalIgnoreCase)
                || text == Messages.Translate(label, CultureInfo.GetCultureInfo("zh-CN"))
                || text.Equals(Messages.Translate(label, CultureInfo.GetCultureInfo("en")), StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Reads, checks and (when every row is good) writes the experts of an .xlsx file into <paramref name="region"/>'s pool.</summary>
    public async Task<(ExpertImportResult? Result, ServiceResult Refused)> ImportAsync(Stream content, string? region, CancellationToken ct)
    {
        if (pool.ManagedRegions.Count == 0 || (region is not null && !pool.CanManage(region)))
        {
            return (null, new ServiceResult.Forbidden());
        }
        var (data, index, problem) = await ReadSheetAsync(content, Columns, MaxRows, new Message("Experts.ImportEmpty"), ct);
        if (problem is not null)
        {
            return (new ExpertImportResult(false, data.Count, [], problem), new ServiceResult.Ok());
        }

        var byName = Columns.ToDictionary(c => c.Field);
        string? Cell(SheetRow r, string field) => index[field] is var i and >= 0 && i < r.Cells.Length ? r.Cells[i]?.Trim() : null;
        var orgNames = data.Select(r => Cell(r, "organization")).Where(n => !string.IsNullOrEmpty(n)).Distinct().ToList();
        var orgs = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in orgNames.Chunk(500))
        {
            foreach (var o in await organizations.Organizations().Where(o => chunk.Contains(o.Name) && o.Status == OrganizationStatus.Verified)
                .Select(o => new { o.Name, o.Id }).ToListAsync(ct))
            {
                orgs.TryAdd(o.Name, o.Id);
            }
        }

        var errors = new List<ExpertImportError>();
        var staged = new List<(Expert Expert, CheckedDisciplines Disciplines)>();
        var seenKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in data)
        {
            var rowErrors = new FieldErrors();
            T? Parse<T>(string field, string reasonKey) where T : struct, Enum
            {
                var text = Cell(r, field);
                if (string.IsNullOrEmpty(text))
                {
                    return null;
                }
                if (TryEnum<T>(text, out var v))
                {
                    return v;
                }
                rowErrors.Add(field, new Message(reasonKey));
                return null;
            }
            int? Number(string field)
            {
                var text = Cell(r, field);
                if (string.IsNullOrEmpty(text))
                {
                    return null;
                }
                if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d) && d is >= 0 and < 10_000)
                {
                    return (int)d;
                }
                rowErrors.Add(field, new Message("Experts.ImportNumber"));
                return null;
            }
            var highText = Cell(r, "highLevel");
            bool? high = string.IsNullOrEmpty(highText) ? false : TryYesNo(highText);
            if (high is null)
            {
                rowErrors.Add("highLevel", new Message("Experts.ImportYesNo"));
            }
            var orgName = Cell(r, "organization");
            Guid? orgId = string.IsNullOrEmpty(orgName) ? null : orgs.TryGetValue(orgName, out var id) ? id : Guid.Empty;
            var codes = (Cell(r, "disciplines") ?? "").Split(['、', ',', '，', ';', '；', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var input = new ExpertInput(
                Name: Cell(r, "name"), Gender: Parse<ExpertGender>("gender", "Experts.GenderRequired"), BirthYear: Number("birthYear"),
                TitleLevel: Parse<TitleLevel>("titleLevel", "Experts.TitleRequired"), Position: Cell(r, "position"), OrganizationId: orgId, RegionCode: region,
                Category: Parse<ExpertCategory>("category", "Experts.CategoryRequired"), EntryRoute: Parse<ExpertEntryRoute>("entryRoute", "Experts.EntryRouteRequired"),
                YearsInField: Number("yearsInField"), HighLevel: high ?? false, Disciplines: codes, PrimaryDiscipline: codes.FirstOrDefault(),
                IndustryFields: Cell(r, "industryFields"), Keywords: Cell(r, "keywords"), Languages: Cell(r, "languages"),
                Phone: Cell(r, "phone"), Email: Cell(r, "email"), IdNumber: Cell(r, "idNumber"));
            var (expert, disciplines, checkErrors) = rowErrors.Count == 0 ? await pool.CheckAsync(input, null, ct) : (null, null, rowErrors);
            if (expert is not null)
            {
                // The same person twice in one file: the second row is the duplicate.
                if (seenKeys.TryGetValue(expert.IdNumberKey, out var first))
                {
                    checkErrors.Add("idNumber", new Message("Experts.ImportDuplicateInFile", first));
                }
                else
                {
                    seenKeys[expert.IdNumberKey] = r.Number;
                    staged.Add((expert, disciplines!));
                }
            }
            foreach (var (field, reasons) in checkErrors)
            {
                var column = field switch { "organizationId" => "organization", "primaryDiscipline" => "disciplines", _ => field };
                var header = byName.TryGetValue(column, out var c) ? c.Header : column;
                errors.AddRange(reasons.Select(reason => new ExpertImportError(r.Number, header, reason)));
            }
        }
        if (errors.Count > 0)
        {
            return (new ExpertImportResult(false, data.Count, errors), new ServiceResult.Ok());
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var (expert, disciplines) in staged)
        {
            db.Add(expert);
            await pool.StageDisciplinesAsync(expert, disciplines, isNew: true, ct);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A duplicate written by someone else meanwhile: nothing of this file is kept.
            db.ChangeTracker.Clear();
            return (null, new ServiceResult.Conflict(new Message("Experts.ChangedMeanwhile")));
        }
        await audit.RecordAsync("expert.import", $"region:{staged[0].Expert.RegionCode}", detail: $"rows={staged.Count}", ct: ct);
        await tx.CommitAsync(ct);
        return (new ExpertImportResult(true, staged.Count, []), new ServiceResult.Ok());
    }

    /// <summary>
    /// Reads an uploaded sheet of an all-or-nothing upload: the data rows (empty ones left out) and each field's column
    /// (-1 when absent), or the file's problem — not an .xlsx (a zip package), unreadable, a required column missing,
    /// more than <paramref name="maxRows"/> rows, or no data row (<paramref name="empty"/>).
    /// </summary>
    internal static async Task<(List<SheetRow> Data, Dictionary<string, int> Index, Message? Problem)> ReadSheetAsync(Stream content,
        IReadOnlyList<ExpertImportColumn> columns, int maxRows, Message empty, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        if (buffer.Length < 4 || buffer.GetBuffer() is not [(byte)'P', (byte)'K', 3, 4, ..])
        {
            return ([], [], new Message("Experts.ImportNotXlsx"));
        }
        buffer.Position = 0;
        List<SheetRow> rows;
        try
        {
            using var reader = XlsxSheetReader.Open(buffer);
            rows = reader.Rows().Take(maxRows + 2).ToList();
        }
        catch (SheetFormatException e)
        {
            return ([], [], e.Reason);
        }
        if (rows.Count == 0)
        {
            return ([], [], empty);
        }
        var headers = rows[0].Cells.Select(NormalizeHeader).ToList();
        var index = columns.ToDictionary(c => c.Field, c => headers.IndexOf(c.Header));
        var missing = columns.Where(c => c.Required && index[c.Field] < 0).Select(c => c.Header).ToList();
        if (missing.Count > 0)
        {
            return ([], index, new Message("Experts.ImportColumnsMissing", string.Join("、", missing)));
        }
        var data = rows.Skip(1).Where(r => !r.IsEmpty).ToList();
        if (data.Count > maxRows)
        {
            return (data, index, new Message("Experts.ImportTooManyRows", maxRows));
        }
        return (data, index, data.Count == 0 ? empty : null);
    }

    private static bool? TryYesNo(string text)
    {
        var zh = CultureInfo.GetCultureInfo("zh-CN");
        if (text == Messages.Translate(new Message("Experts.Yes"), zh) || text.Equals("yes", StringComparison.OrdinalIgnoreCase) || text == "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (text == Messages.Translate(new Message("Experts.No"), zh) || text.Equals("no", StringComparison.OrdinalIgnoreCase) || text == "0" || text.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return null;
    }
}

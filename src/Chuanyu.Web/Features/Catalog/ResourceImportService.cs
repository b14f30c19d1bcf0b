using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NPOI.SS.UserModel;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Catalog;

public enum SheetFormat
{
    Xlsx,
    Csv,
}

/// <summary>A finished download in a temporary file that deletes itself when disposed.</summary>
public sealed class SheetFile(Stream content, string fileName, string contentType, int rows) : IDisposable
{
    public Stream Content { get; } = content;
    public string FileName { get; } = fileName;
    public string ContentType { get; } = contentType;
    public int Rows { get; } = rows;

    public void Dispose() => Content.Dispose();
}

/// <summary>One element of the core-metadata form of a record: 元数据项, 标识 (short name), 值, and what the name rests on.</summary>
public sealed record CoreMetadataElement(string Element, string Identifier, string? Value, string Basis);

public sealed record CoreMetadata(Guid ResourceId, string Standard, IReadOnlyList<CoreMetadataElement> Elements);

/// <summary>
/// Import, export and the core-metadata form for people and the API: who may import into which organisation
/// (the same rule as <see cref="CatalogService.CanManage"/>: 404 for an organisation the caller cannot see, 403 for
/// one they see but do not manage), the organisations a person manages, and the downloads.
/// </summary>
public sealed class ResourceImportService(AppDbContext db, CurrentUser me, CatalogService catalog, OrganizationDirectory organizations, RegionDirectory divisions, ResourceImporter importer,
    AuditLog audit, TimeProvider clock, LinkGenerator links)
{
    /// <summary>Null when the caller may import into the organisation; otherwise NotFound or Forbidden.</summary>
    public async Task<ServiceResult?> AuthorizeImportAsync(Guid organizationId, CancellationToken ct)
    {
        if (catalog.CanManage(organizationId))
        {
            return null;
        }
        return await organizations.Visible().AnyAsync(o => o.Id == organizationId, ct) ? new ServiceResult.Forbidden() : new ServiceResult.NotFound();
    }

    public sealed record ManagedOrganization(Guid Id, string Name, OrganizationStatus Status);

    /// <summary>The organisations whose records the caller manages (instrument manager or organisation admin), by name.</summary>
    public async Task<IReadOnlyList<ManagedOrganization>> ManagedOrganizationsAsync(CancellationToken ct)
    {
        var ids = organizations.MyOrganizationIds().Where(catalog.CanManage).ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var orgs = await organizations.Organizations().Where(o => ids.Contains(o.Id)).Select(o => new ManagedOrganization(o.Id, o.Name, o.Status)).ToListAsync(ct);
        return [.. orgs.OrderBy(o => o.Name, StringComparer.Ordinal)];
    }

    /// <summary>Authorises, then imports; the result is null when the caller may not (see the refusal).</summary>
    public async Task<(ImportResult? Result, ServiceResult? Refused)> ImportAsync(Guid organizationId, Stream content, long length, string? fileName,
        ImportOptions options, CancellationToken ct)
    {
        if (await AuthorizeImportAsync(organizationId, ct) is { } refused)
        {
            return (null, refused);
        }
        return (await importer.ImportAsync(content, length, fileName, organizationId, me.Id!.Value, me.Email, options, ct), null);
    }

    /// <summary>The import template; the .xlsx lists the districts of both regions from the database.</summary>
    public async Task<SheetFile> TemplateAsync(SheetFormat format, CancellationToken ct)
    {
        var file = TempFile();
        try
        {
            if (format == SheetFormat.Xlsx)
            {
                var regions = await divisions.Regions().OrderBy(r => r.SortOrder).ToListAsync(ct);
                var districts = await divisions.Districts().ToListAsync(ct);
                ResourceSheet.WriteTemplateXlsx(file, regions, districts);
            }
            else
            {
                await ResourceSheet.WriteTemplateCsvAsync(file, ct);
            }
            file.Position = 0;
            return new SheetFile(file, $"chuanyu-resource-import-template.{Extension(format)}", ContentType(format), 1);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// An organisation's records that the caller may see, in the import layout (so the file imports again), at most
    /// <see cref="ResourceImporter.MaxRows"/>; null when the organisation is not visible to the caller.
    /// </summary>
    public async Task<SheetFile?> ExportAsync(Guid organizationId, SheetFormat format, CancellationToken ct)
    {
        var org = await organizations.Organizations().Where(o => o.Id == organizationId).Select(o => new { o.Id, o.Name }).FirstOrDefaultAsync(ct);
        if (org is null || (!catalog.CanManage(organizationId) && !await organizations.Visible().AnyAsync(o => o.Id == organizationId, ct)))
        {
            return null;
        }
        var names = new Dictionary<Guid, string> { [org.Id] = org.Name };
        var file = TempFile();
        try
        {
            var rows = format == SheetFormat.Xlsx
                ? await ResourceSheet.WriteXlsxAsync(file, RecordsAsync(organizationId, ct), names, ct)
                : await ResourceSheet.WriteCsvAsync(file, RecordsAsync(organizationId, ct), names, ct);
            file.Position = 0;
            await audit.RecordAsync("resource.export", $"organization:{organizationId}", detail: $"format={Extension(format)}; rows={rows}", ct: ct);
            var stamp = clock.GetUtcNow().ToOffset(Display.ChinaStandardTime).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            return new SheetFile(file, $"chuanyu-resources-{stamp}.{Extension(format)}", ContentType(format), rows);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The records with these ids, in this order (ids of no record are skipped), in the catalogue sheet layout (.xlsx):
    /// the search's export, whose ids the search found for the caller. Read 500 at a time with fees and certifications.
    /// </summary>
    public async Task WriteXlsxAsync(Stream output, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var resources = new List<Resource>(ids.Count);
        foreach (var chunk in ids.Chunk(500))
        {
            var batch = await db.Set<Resource>().AsNoTracking().Include(r => r.Fees).Include(r => r.Certifications).AsSplitQuery()
                .Where(r => chunk.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
            resources.AddRange(chunk.Where(batch.ContainsKey).Select(id => batch[id]));
        }
        var names = await organizations.NamesAsync(resources.Select(r => r.OrganizationId), ct);
        await ResourceSheet.WriteXlsxAsync(output, resources, names, ct);
    }

    /// <summary>The visible records of one organisation with fees and certifications, read a page at a time.</summary>
    private async IAsyncEnumerable<Resource> RecordsAsync(Guid organizationId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        const int page = 2_000;
        var query = catalog.Visible().Where(r => r.OrganizationId == organizationId).OrderBy(r => r.Id);
        for (var skip = 0; skip < ResourceImporter.MaxRows; skip += page)
        {
            var batch = await query.Skip(skip).Take(Math.Min(page, ResourceImporter.MaxRows - skip))
                .Include(r => r.Fees).Include(r => r.Certifications).AsSplitQuery().ToListAsync(ct);
            foreach (var r in batch)
            {
                yield return r;
            }
            if (batch.Count < page)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// One record in the core-metadata form (docs/catalogue-metadata.md): the GB/T 30523-2023 elements whose names
    /// were seen in the standard, then the proposed ones and the national instrument record's fields. Null when the
    /// record is not visible to the caller.
    /// </summary>
    public async Task<CoreMetadata?> CoreMetadataAsync(Guid id, CancellationToken ct)
    {
        if (await catalog.GetAsync(id, ct) is not { } r)
        {
            return null;
        }
        var district = await divisions.Districts().Where(d => d.Code == r.DistrictCode).Select(d => d.Name).FirstOrDefaultAsync(ct);
        var region = await divisions.Regions().Where(x => x.Code == r.RegionCode).Select(x => x.Name).FirstOrDefaultAsync(ct);
        // The standard's form, not sentences for the reader: element names, values and bases stay as GB/T 30523 and the
        // national instrument record write them (in Chinese); each element's identifier is its English name.
        const string Seen = "GB/T 30523-2023 ";
        const string Proposed = "拟定（docs/catalogue-metadata.md）";
        const string National = "国家大型科研仪器记录";
        static string? Date(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        static string Money(decimal v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        var classPath = InstrumentClasses.PathOf(r.CategoryCode);
        var fees = string.Join("；", r.Fees.Select(f => $"{FeeUserName(f.UserType)} {Money(f.Price)} 元/{f.Unit}"));
        var certs = r.Certifications.ToDictionary(c => c.Type);
        string? Cert(CertificationType t) => certs.TryGetValue(t, out var c) ? c.Number + (c.ExpiresOn is { } e ? $"（有效期至 {Date(e)}）" : "") : null;
        List<CoreMetadataElement> elements =
        [
            new("标识符", "identifier", $"urn:chuanyu:resource:{r.Id}", Seen + "5.2.1"),
            new("资源名称", "resourceName", r.Name, Seen + "5.2.2"),
            new("描述", "description", r.MainFunctions, Seen + "5.2.3"),
            new("关键词", "keywords", r.Keywords, Seen + "5.2.4"),
            new("生成日期", "createdOn", Date(r.PurchaseDate), Seen + "5.2.5（取购置日期）"),
            new("注册日期", "registeredOn", Display.Date(r.CreatedAt), Seen + "5.2.6"),
            new("英文名称", "resourceNameEn", r.EnglishName, National),
            new("资源分类", "classCode", r.CategoryCode is null ? null : classPath is null ? r.CategoryCode : $"{r.CategoryCode} {classPath}", Proposed),
            new("资源类型", "resourceKind", ResourceSheet.KindNames[r.Kind], Proposed),
            new("资源提供者", "providerOrganization", r.OrganizationName, Proposed),
            new("联系人", "contactName", r.ContactName, Proposed),
            new("联系电话", "contactPhone", r.ContactPhone, Proposed),
            new("电子邮箱", "contactEmail", r.ContactEmail, Proposed),
            new("所在地区划代码", "divisionCode", r.DistrictCode, Proposed + "，GB/T 2260"),
            new("所在地", "location", string.Join(" ", new[] { region, district }.Where(x => x is not null)), Proposed),
            new("安放地址", "address", r.Address, National),
            new("共享方式", "sharingMode", ResourceSheet.SharingNames[r.SharingStatus], Proposed),
            new("在线链接", "onlineUrl", links.EndpointPath(CatalogApi.ResourceEndpoint, new { id = r.Id }), Proposed),
            new("元数据更新时间", "metadataUpdatedAt", Display.DateTime(r.UpdatedAt), Proposed),
            new("规格型号", "modelNumber", r.Model, National),
            new("生产制造商", "manufacturer", r.Manufacturer, National),
            new("产地国别", "countryOfOrigin", r.CountryOfOrigin, National),
            new("原值（元）", "originalValue", r.OriginalValue is { } v ? Money(v) : null, National + "（国家表以万元填报）"),
            new("是否大型科研仪器", "isLargeInstrument", r.IsLargeInstrument ? "是" : "否", "原值 50 万元及以上"),
            new("购置日期", "purchaseDate", Date(r.PurchaseDate), Proposed),
            new("主要技术指标", "technicalSpecifications", r.TechnicalIndicators, National),
            new("主要功能", "mainFunctions", r.MainFunctions, National),
            new("应用领域", "applicationFields", r.ApplicationFields, Proposed),
            new("参考收费标准", "feeSchedule", fees.Length == 0 ? null : fees, National),
            new("CMA 资质认定证书", "cmaCertificate", Cert(CertificationType.Cma), Proposed),
            new("CNAS 认可证书", "cnasCertificate", Cert(CertificationType.Cnas), Proposed),
        ];
        return new CoreMetadata(r.Id, "GB/T 30523-2023《科技资源核心元数据》（元素名称见 docs/catalogue-metadata.md；未见标准全文的元素为拟定）", elements);
    }

    /// <summary>A fee's user type as the sheet's fee column names it (the file format's word).</summary>
    public static string FeeUserName(FeeUserType t) => ResourceSheet.FeeColumns.First(c => c.UserType == t).Header.Replace("（元）", "", StringComparison.Ordinal);

    /// <summary>The core-metadata form as a one-sheet .xlsx (元数据项 / 标识 / 值 / 依据).</summary>
    public static byte[] CoreMetadataXlsx(CoreMetadata metadata)
    {
        var workbook = new XSSFWorkbook();
        // The standard's form as a sheet: its names stay as the standard writes them, like the JSON form's.
        var sheet = workbook.CreateSheet("核心元数据");
        var bold = workbook.CreateFont();
        bold.IsBold = true;
        var header = workbook.CreateCellStyle();
        header.SetFont(bold);
        var r = 0;
        var title = sheet.CreateRow(r++).CreateCell(0, CellType.String);
        title.SetCellValue(metadata.Standard);
        var head = sheet.CreateRow(r++);
        string[] headers = ["元数据项", "标识", "值", "依据"];
        for (var i = 0; i < headers.Length; i++)
        {
            var cell = head.CreateCell(i, CellType.String);
            cell.SetCellValue(headers[i]);
            cell.CellStyle = header;
        }
        foreach (var e in metadata.Elements)
        {
            var row = sheet.CreateRow(r++);
            row.CreateCell(0, CellType.String).SetCellValue(e.Element);
            row.CreateCell(1, CellType.String).SetCellValue(e.Identifier);
            // Always a string cell: a value that starts with '=' is text, never a formula.
            row.CreateCell(2, CellType.String).SetCellValue(ResourceSheet.XmlSafe(e.Value ?? ""));
            row.CreateCell(3, CellType.String).SetCellValue(e.Basis);
        }
        sheet.SetColumnWidth(0, 20 * 256);
        sheet.SetColumnWidth(1, 26 * 256);
        sheet.SetColumnWidth(2, 70 * 256);
        sheet.SetColumnWidth(3, 36 * 256);
        using var buffer = new MemoryStream();
        workbook.Write(buffer);
        return buffer.ToArray();
    }

    public static string Extension(SheetFormat format) => format == SheetFormat.Xlsx ? "xlsx" : "csv";

    public static string ContentType(SheetFormat format) => format == SheetFormat.Xlsx ? ResourceSheet.XlsxContentType : ResourceSheet.CsvContentType;

    private static FileStream TempFile() =>
        new(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
}

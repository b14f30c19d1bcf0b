using System.Globalization;
using System.Text;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using CsvHelper;
using NPOI.SS.UserModel;
using NPOI.SS.Util;
using NPOI.XSSF.Streaming;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>What a column holds, for the cell type written and the parsing on import.</summary>
public enum SheetValueKind
{
    Text,
    Money,
    Date,
}

/// <summary>
/// One column of the import/export sheet: the Chinese header (named after the core metadata element, see
/// docs/catalogue-metadata.md), the <see cref="CatalogService"/> field its value goes to (for mapping the service's
/// field errors back to the column), whether it is required, and the help and example the template shows.
/// </summary>
public sealed record SheetColumn(string Header, string Field, SheetValueKind Kind, bool Required, string Help, string Example);

/// <summary>
/// The catalogue sheet: the column layout shared by the import template, the import and the export (so an export
/// imports again), the Chinese names of the enumerations, and the writers for .xlsx (NPOI) and .csv (CsvHelper).
/// </summary>
public static class ResourceSheet
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string CsvContentType = "text/csv; charset=utf-8";
    // The file format people fill in and upload again: sheet names, headers, the enumerations' names, the help and the
    // guide sheet stay in Chinese, whatever the language of the page that offers the template.
    public const string DataSheetName = "资源";
    public const string GuideSheetName = "填写说明";

    /// <summary>An informational column of exports (not of the template): the owner. On import it must name the target organisation.</summary>
    public const string OrganizationHeader = "所属单位";

    /// <summary>The template's example row starts its name with this; the import refuses such a row so it is not imported by mistake.</summary>
    public const string ExampleMarker = "【示例】";

    public static readonly IReadOnlyDictionary<ResourceKind, string> KindNames = new Dictionary<ResourceKind, string>
    {
        [ResourceKind.Instrument] = "大型科研仪器",
        [ResourceKind.Facility] = "科研设施",
        [ResourceKind.TestingService] = "检验检测服务",
        [ResourceKind.DataSet] = "科学数据",
        [ResourceKind.Literature] = "科技文献",
        [ResourceKind.GermplasmResource] = "生物种质资源",
        [ResourceKind.Material] = "实验材料",
        [ResourceKind.InnovationPlatform] = "创新平台",
        [ResourceKind.Incubator] = "孵化载体",
        [ResourceKind.PopularScience] = "科普资源",
    };

    public static readonly IReadOnlyDictionary<SharingStatus, string> SharingNames = new Dictionary<SharingStatus, string>
    {
        [SharingStatus.OpenToAll] = "对外开放",
        [SharingStatus.WithinRegion] = "区域内开放",
        [SharingStatus.InternalOnly] = "仅内部使用",
        [SharingStatus.UnderMaintenance] = "维护中",
    };

    /// <summary>The fee columns in sheet order, one per user type; one 计价单位 applies to all of them.</summary>
    public static readonly IReadOnlyList<(FeeUserType UserType, string Header)> FeeColumns =
    [
        (FeeUserType.Internal, "校内/单位内部价（元）"),
        (FeeUserType.SameRegion, "同区域价（元）"),
        (FeeUserType.OtherRegion, "跨区域价（元）"),
        (FeeUserType.Enterprise, "企业价（元）"),
    ];

    /// <summary>The columns of the template, the import and the export, in the template's order.</summary>
    public static readonly IReadOnlyList<SheetColumn> Columns =
    [
        new("资源名称", "name", SheetValueKind.Text, true, "资源的中文名称，不超过 200 字。", ExampleMarker + "场发射扫描电子显微镜"),
        new("英文名称", "englishName", SheetValueKind.Text, false, "不超过 200 个字符。", "Field emission scanning electron microscope"),
        new("资源类型", "kind", SheetValueKind.Text, true, "见下方“资源类型”表，填中文名称或英文代码。", "大型科研仪器"),
        new("规格型号", "model", SheetValueKind.Text, false, "不超过 100 个字符。", "Gemini 300"),
        new("生产制造商", "manufacturer", SheetValueKind.Text, false, "制造商全称，不超过 200 字。", "Carl Zeiss"),
        new("产地国别", "countryOfOrigin", SheetValueKind.Text, false, "如 中国、德国，不超过 50 字。", "德国"),
        new("仪器分类", "categoryCode", SheetValueKind.Text, false, "国家大型科学仪器分类：填分类名称（如 扫描电镜）或 6 位代码（如 010102）；大型科研仪器必须是已知分类。", "010102"),
        new("原值（元）", "originalValue", SheetValueKind.Money, false, "单位：元，最多两位小数；50 万元及以上的仪器计为大型科研仪器。", "3200000.00"),
        new("购置日期", "purchaseDate", SheetValueKind.Date, false, "格式 2019-06-18（也接受 2019/6/18、2019年6月18日 或 Excel 日期单元格）。", "2019-06-18"),
        new("技术指标", "technicalIndicators", SheetValueKind.Text, false, "主要技术指标，不超过 4000 字。", "分辨率 0.7 nm@15 kV；放大倍数 12–2,000,000×"),
        new("主要功能", "mainFunctions", SheetValueKind.Text, false, "不超过 4000 字。", "材料表面形貌观察与微区成分分析"),
        new("应用领域", "applicationFields", SheetValueKind.Text, false, "不超过 1000 字。", "材料科学；地质；生物医学"),
        new("关键词", "keywords", SheetValueKind.Text, false, "以分号或空格分隔，不超过 500 字。", "扫描电镜；SEM；形貌"),
        new("所在区县", "districtCode", SheetValueKind.Text, true, "安放地点所在区县：GB/T 2260 六位代码或名称（见下方“所在区县”表）；重名的区县（如 市中区）请填代码。", "500106"),
        new("安放地址", "address", SheetValueKind.Text, false, "不超过 300 字。", "重庆大学 分析测试中心 201 室"),
        new("共享方式", "sharingStatus", SheetValueKind.Text, false, "见下方“共享方式”表；留空为“对外开放”。", "对外开放"),
        new("联系人", "contactName", SheetValueKind.Text, false, "对外服务联系人，不超过 50 字。", "张老师"),
        new("联系电话", "contactPhone", SheetValueKind.Text, false, "对外服务电话（值班电话），只填一个号码：带区号的座机（可加分机）、11 位手机或 400/800 电话；将在详情页公开。", "023-65100000"),
        new("联系邮箱", "contactEmail", SheetValueKind.Text, false, "实验室或服务平台的公共邮箱，如 testing@example.edu.cn；将在详情页公开。", "testing@example.edu.cn"),
        new(FeeColumns[0].Header, "fees.Internal", SheetValueKind.Money, false, "本单位（校内）用户的价格，单位：元；留空表示不列此项。", "300"),
        new(FeeColumns[1].Header, "fees.SameRegion", SheetValueKind.Money, false, "本区域（川或渝）外单位用户的价格。", "500"),
        new(FeeColumns[2].Header, "fees.OtherRegion", SheetValueKind.Money, false, "川渝另一区域用户的价格。", "500"),
        new(FeeColumns[3].Header, "fees.Enterprise", SheetValueKind.Money, false, "企业用户的价格。", "800.50"),
        new("计价单位", "fees.unit", SheetValueKind.Text, false, "如 小时、样品、项，不超过 20 字；填写了任一价格时必填。", "小时"),
        new("CMA证书编号", "certifications.Cma.number", SheetValueKind.Text, false, "检验检测机构资质认定（CMA）证书编号，不超过 50 个字符。", "162312050001"),
        new("CMA有效期至", "certifications.Cma.expiresOn", SheetValueKind.Date, false, "格式同购置日期。", "2027-12-31"),
        new("CNAS证书编号", "certifications.Cnas.number", SheetValueKind.Text, false, "CNAS 实验室认可证书编号，不超过 50 个字符。", "CNAS L1234"),
        new("CNAS有效期至", "certifications.Cnas.expiresOn", SheetValueKind.Date, false, "格式同购置日期。", "2026-08-31"),
    ];

    private static readonly int[] ColumnWidths = [30, 30, 14, 16, 20, 10, 12, 14, 12, 40, 40, 24, 20, 10, 30, 12, 10, 16, 24, 14, 14, 14, 14, 10, 18, 14, 18, 14];

    public static IReadOnlyList<string> Headers { get; } = Columns.Select(c => c.Header).ToList();

    /// <summary>Header text as it is compared: NFKC (full-width brackets are half-width), no spaces, no required-marker asterisks.</summary>
    public static string NormalizeHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return "";
        }
        var s = header.Normalize(NormalizationForm.FormKC);
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (!char.IsWhiteSpace(c) && c is not ('*' or '\uFEFF'))
            {
                b.Append(c);
            }
        }
        return b.ToString();
    }

    public static ResourceKind? ParseKind(string value) => ParseEnum(value, KindNames);

    public static SharingStatus? ParseSharing(string value) => ParseEnum(value, SharingNames);

    private static T? ParseEnum<T>(string value, IReadOnlyDictionary<T, string> names) where T : struct, Enum
    {
        var v = value.Trim();
        foreach (var (key, name) in names)
        {
            if (string.Equals(name, v, StringComparison.Ordinal))
            {
                return key;
            }
        }
        // Only a member's own name: Enum.TryParse would also take numbers and "A, B" combinations.
        var member = Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, v, StringComparison.OrdinalIgnoreCase));
        return member is null ? null : Enum.Parse<T>(member);
    }

    // ---- values of one record, in column order ----

    /// <summary>The cells of one record in column order: text as string, money as decimal, dates as DateOnly; null when empty.</summary>
    public static object?[] ValuesOf(Resource r) => Values(r.Kind, r.Name, r.EnglishName, r.Model, r.Manufacturer, r.CountryOfOrigin, r.CategoryCode,
        r.OriginalValueFen is { } fen ? fen / 100m : null, r.PurchaseDate, r.TechnicalIndicators, r.MainFunctions, r.ApplicationFields, r.Keywords,
        r.DistrictCode, r.Address, r.SharingStatus, r.ContactName, r.ContactPhone, r.ContactEmail,
        r.Fees.Select(f => (f.UserType, f.PriceFen / 100m, f.Unit)).ToList(), r.Certifications.Select(c => (c.Type, c.Number, c.ExpiresOn)).ToList());

    public static object?[] ValuesOf(ResourceDto r) => Values(r.Kind, r.Name, r.EnglishName, r.Model, r.Manufacturer, r.CountryOfOrigin, r.CategoryCode,
        r.OriginalValue, r.PurchaseDate, r.TechnicalIndicators, r.MainFunctions, r.ApplicationFields, r.Keywords,
        r.DistrictCode, r.Address, r.SharingStatus, r.ContactName, r.ContactPhone, r.ContactEmail,
        r.Fees.Select(f => (f.UserType, f.Price, f.Unit)).ToList(), r.Certifications.Select(c => (c.Type, c.Number, c.ExpiresOn)).ToList());

    private static object?[] Values(ResourceKind kind, string name, string? englishName, string? model, string? manufacturer, string? country, string? category,
        decimal? originalValue, DateOnly? purchaseDate, string? technical, string? functions, string? fields, string? keywords, string district, string? address,
        SharingStatus sharing, string? contactName, string? contactPhone, string? contactEmail, List<(FeeUserType Type, decimal Price, string Unit)> fees,
        List<(CertificationType Type, string Number, DateOnly? ExpiresOn)> certifications)
    {
        decimal? Fee(FeeUserType t) => fees.Where(f => f.Type == t).Select(f => (decimal?)f.Price).FirstOrDefault();
        var units = fees.OrderBy(f => f.Type).Select(f => f.Unit).Distinct(StringComparer.Ordinal).ToList();
        var cma = certifications.FirstOrDefault(c => c.Type == CertificationType.Cma);
        var cnas = certifications.FirstOrDefault(c => c.Type == CertificationType.Cnas);
        return
        [
            name, englishName, KindNames[kind], model, manufacturer, country, category, originalValue, purchaseDate, technical, functions, fields, keywords,
            district, address, SharingNames[sharing], contactName, contactPhone, contactEmail,
            Fee(FeeUserType.Internal), Fee(FeeUserType.SameRegion), Fee(FeeUserType.OtherRegion), Fee(FeeUserType.Enterprise),
            units.Count == 0 ? null : string.Join('/', units),
            cma.Number, cma.ExpiresOn, cnas.Number, cnas.ExpiresOn,
        ];
    }

    /// <summary>A cell as text, as the CSV carries it (money with two decimals, dates as yyyy-MM-dd).</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        decimal d => d.ToString("0.00", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    // ---- export ----

    /// <summary>
    /// Writes records as .xlsx in the sheet layout (plus the 所属单位 column), streaming (NPOI keeps 100 rows in memory):
    /// text as string cells (so a value that looks like a formula stays text), money as numbers, dates as date cells.
    /// The records need their fees and certifications loaded. Returns the number of rows written.
    /// </summary>
    public static async Task<int> WriteXlsxAsync(Stream output, IAsyncEnumerable<Resource> resources, IReadOnlyDictionary<Guid, string> organizationNames,
        CancellationToken ct = default) =>
        await WriteXlsxRowsAsync(output, Rows(resources, organizationNames, ct), ct);

    public static Task<int> WriteXlsxAsync(Stream output, IEnumerable<Resource> resources, IReadOnlyDictionary<Guid, string> organizationNames,
        CancellationToken ct = default) =>
        WriteXlsxRowsAsync(output, Rows(resources.ToAsyncEnumerable(), organizationNames, ct), ct);

    /// <summary>The same for records as the API returns them (they carry their organisation's name).</summary>
    public static Task<int> WriteXlsxAsync(Stream output, IEnumerable<ResourceDto> resources, CancellationToken ct = default) =>
        WriteXlsxRowsAsync(output, resources.Select(r => (object?[])[.. ValuesOf(r), r.OrganizationName]).ToAsyncEnumerable(), ct);

    /// <summary>
    /// Writes records as .csv: UTF-8 with a byte-order mark (so Excel shows the Chinese), and a cell that starts like a
    /// formula (= + - @, tab, CR) gets a leading apostrophe (CSV injection); the import removes that apostrophe again.
    /// </summary>
    public static async Task<int> WriteCsvAsync(Stream output, IAsyncEnumerable<Resource> resources, IReadOnlyDictionary<Guid, string> organizationNames,
        CancellationToken ct = default)
    {
        await using var csv = CsvWriter.Create(output, CsvOptions, leaveOpen: true);
        csv.WriteRecord([.. Headers, OrganizationHeader]);
        var written = 0;
        await foreach (var values in Rows(resources, organizationNames, ct))
        {
            // Values stored before the input rule may hold control or bidi characters: the file shows U+FFFD instead of
            // carrying a raw control byte or a hidden direction change, and imports again.
            csv.WriteRecord(values.Select(v => InputText.ReplaceRefused(Text(v))).ToArray());
            written++;
        }
        await csv.FlushAsync(ct);
        return written;
    }

    private static readonly CsvWriterOptions CsvOptions = new()
    {
        Injection = CsvInjection.Escape,
        WriteByteOrderMark = true,
        NewLine = "\r\n",
    };

    private static async IAsyncEnumerable<object?[]> Rows(IAsyncEnumerable<Resource> resources, IReadOnlyDictionary<Guid, string> organizationNames,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var r in resources.WithCancellation(ct))
        {
            yield return [.. ValuesOf(r), organizationNames.GetValueOrDefault(r.OrganizationId)];
        }
    }

    private static async Task<int> WriteXlsxRowsAsync(Stream output, IAsyncEnumerable<object?[]> rows, CancellationToken ct)
    {
        var workbook = new SXSSFWorkbook(new XSSFWorkbook(), 100);
        try
        {
            var sheet = XlsxStream.CreateSheet(workbook, DataSheetName);
            var styles = new Styles(workbook);
            WriteHeader(sheet, styles, [.. Headers, OrganizationHeader]);
            var r = 1;
            await foreach (var values in rows.WithCancellation(ct))
            {
                WriteRow(sheet.CreateRow(r++), values, styles);
            }
            XlsxStream.Write(workbook, [sheet], output, DateTimeOffset.UtcNow);
            return r - 1;
        }
        finally
        {
            workbook.Dispose();
        }
    }

    private sealed class Styles
    {
        public Styles(IWorkbook workbook)
        {
            var format = workbook.CreateDataFormat();
            var bold = workbook.CreateFont();
            bold.IsBold = true;
            Header = workbook.CreateCellStyle();
            Header.SetFont(bold);
            Header.FillForegroundColor = NPOI.HSSF.Util.HSSFColor.LightCornflowerBlue.Index;
            Header.FillPattern = FillPattern.SolidForeground;
            Required = workbook.CreateCellStyle();
            Required.CloneStyleFrom(Header);
            var red = workbook.CreateFont();
            red.IsBold = true;
            red.Color = NPOI.HSSF.Util.HSSFColor.DarkRed.Index;
            Required.SetFont(red);
            Text = workbook.CreateCellStyle();
            Text.DataFormat = format.GetFormat("@");
            Money = workbook.CreateCellStyle();
            Money.DataFormat = format.GetFormat("0.00");
            Date = workbook.CreateCellStyle();
            Date.DataFormat = format.GetFormat("yyyy-mm-dd");
        }

        public ICellStyle Header { get; }
        public ICellStyle Required { get; }
        public ICellStyle Text { get; }
        public ICellStyle Money { get; }
        public ICellStyle Date { get; }
    }

    private static void WriteHeader(ISheet sheet, Styles styles, IReadOnlyList<string> headers)
    {
        var row = sheet.CreateRow(0);
        for (var i = 0; i < headers.Count; i++)
        {
            var cell = row.CreateCell(i, CellType.String);
            cell.SetCellValue(headers[i]);
            cell.CellStyle = i < Columns.Count && Columns[i].Required ? styles.Required : styles.Header;
            sheet.SetColumnWidth(i, (i < ColumnWidths.Length ? ColumnWidths[i] : 24) * 256);
        }
        sheet.CreateFreezePane(0, 1);
    }

    private static void WriteRow(IRow row, object?[] values, Styles styles)
    {
        for (var i = 0; i < values.Length; i++)
        {
            switch (values[i])
            {
                case null:
                    // A blank cell, not a gap: NPOI 2.4.1's streaming row stops writing at the first missing cell.
                    row.CreateCell(i, CellType.Blank);
                    break;
                case decimal d:
                    var money = row.CreateCell(i, CellType.Numeric);
                    money.SetCellValue((double)d);
                    money.CellStyle = styles.Money;
                    break;
                case DateOnly d:
                    var date = row.CreateCell(i, CellType.Numeric);
                    // As an Excel serial number: NPOI 2.4.1's streaming cell does not implement SetCellValue(DateTime).
                    date.SetCellValue(DateUtil.GetExcelDate(d.ToDateTime(TimeOnly.MinValue)));
                    date.CellStyle = styles.Date;
                    break;
                default:
                    // A string cell is never evaluated, so "=cmd|..." stays text in Excel and WPS.
                    var text = row.CreateCell(i, CellType.String);
                    // Every character the input rule refuses, which includes what XML cannot carry (see WriteCsvAsync).
                    text.SetCellValue(InputText.ReplaceRefused(Text(values[i])));
                    text.CellStyle = styles.Text;
                    break;
            }
        }
    }

    // ---- template ----

    /// <summary>
    /// The import template as .xlsx: sheet 资源 with the header and one example row (text columns formatted as text
    /// so Excel keeps leading zeros and long numbers, drop-down lists for 资源类型 and 共享方式), and sheet 填写说明 with
    /// every column's rule, the allowed values, the 15 top-level instrument classes and the districts of both regions.
    /// </summary>
    public static void WriteTemplateXlsx(Stream output, IReadOnlyList<RegionRef> regions, IReadOnlyList<DistrictRef> districts)
    {
        var workbook = new XSSFWorkbook();
        var styles = new Styles(workbook);
        var sheet = workbook.CreateSheet(DataSheetName);
        WriteHeader(sheet, styles, Headers);
        for (var i = 0; i < Columns.Count; i++)
        {
            sheet.SetDefaultColumnStyle(i, Columns[i].Kind switch
            {
                SheetValueKind.Money => styles.Money,
                SheetValueKind.Date => styles.Date,
                _ => styles.Text,
            });
        }
        object?[] example = [.. Columns.Select(c => c.Kind switch
        {
            SheetValueKind.Money => decimal.Parse(c.Example, CultureInfo.InvariantCulture),
            SheetValueKind.Date => DateOnly.ParseExact(c.Example, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => (object)c.Example,
        })];
        WriteRow(sheet.CreateRow(1), example, styles);
        var validation = new XSSFDataValidationHelper((XSSFSheet)sheet);
        foreach (var (column, values) in new[] { ("资源类型", KindNames.Values.ToArray()), ("共享方式", SharingNames.Values.ToArray()) })
        {
            var index = Headers.ToList().IndexOf(column);
            var rule = validation.CreateValidation(validation.CreateExplicitListConstraint(values), new CellRangeAddressList(1, ResourceImporter.MaxRows, index, index));
            // A drop-down, not a lock: the English codes are accepted too, and the import checks every value anyway.
            rule.ShowErrorBox = false;
            sheet.AddValidationData(rule);
        }
        WriteGuide(workbook.CreateSheet(GuideSheetName), styles, regions, districts);
        using var buffer = new MemoryStream();
        workbook.Write(buffer);
        output.Write(buffer.ToArray());
    }

    private static void WriteGuide(ISheet sheet, Styles styles, IReadOnlyList<RegionRef> regions, IReadOnlyList<DistrictRef> districts)
    {
        var r = 0;
        void Line(ICellStyle? style, params string[] cells)
        {
            var row = sheet.CreateRow(r++);
            for (var i = 0; i < cells.Length; i++)
            {
                var cell = row.CreateCell(i, CellType.String);
                cell.SetCellValue(cells[i]);
                if (style is not null)
                {
                    cell.CellStyle = style;
                }
            }
        }
        sheet.SetColumnWidth(0, 22 * 256);
        sheet.SetColumnWidth(1, 26 * 256);
        sheet.SetColumnWidth(2, 70 * 256);
        sheet.SetColumnWidth(3, 30 * 256);
        Line(styles.Header, "川渝科技资源共享服务平台 资源批量导入模板 填写说明");
        Line(null, $"在“{DataSheetName}”工作表中每行填写一条资源；第一行是表头，请勿修改列名（列的顺序可以调整）。示例行（资源名称以“{ExampleMarker}”开头）导入前请删除。");
        Line(null, $"每个文件最多 {ResourceImporter.MaxRows} 行、{ResourceImporter.MaxFileBytes / 1024 / 1024} MB；支持 .xlsx 和 .csv（UTF-8 或 Excel 另存的 GB18030/GBK 编码）。");
        Line(null, "导入是“全部或全不”：只要有一行有错，就不导入任何一行，并列出每个错误的行号、列和原因；改正后重新上传即可。");
        Line(null, "重复判定：同一文件内，或与本单位已有资源相比，资源名称、规格型号、安放地址三者都相同即视为重复。");
        Line(null, "导入的资源默认为草稿，检查无误后再发布；也可以选择“导入后直接发布”（所属单位须已通过审核）。");
        r++;
        Line(styles.Header, "一、列", "是否必填", "说明", "示例");
        foreach (var c in Columns)
        {
            Line(null, c.Header, c.Required ? "必填" : "选填", c.Help, c.Example);
        }
        r++;
        Line(styles.Header, "二、资源类型", "代码（也可填写）");
        foreach (var (kind, name) in KindNames)
        {
            Line(null, name, kind.ToString());
        }
        r++;
        Line(styles.Header, "三、共享方式", "代码（也可填写）", "说明");
        string[] sharingHelp = ["所有注册用户均可预约使用", "仅本区域（川或渝）的用户可预约", "仅本单位内部使用，不对外公开", "暂停服务"];
        var k = 0;
        foreach (var (status, name) in SharingNames)
        {
            Line(null, name, status.ToString(), sharingHelp[k++]);
        }
        r++;
        Line(styles.Header, "四、仪器分类（大类）", "代码", "说明");
        foreach (var c in InstrumentClasses.TopLevel)
        {
            Line(null, c.Name, c.Code, "也可填写中类、小类的名称或 6 位代码，如 扫描电镜 或 010102");
        }
        r++;
        Line(styles.Header, "五、所在区县", "代码（GB/T 2260）", "所属");
        foreach (var d in districts.OrderBy(d => d.Code, StringComparer.Ordinal))
        {
            var region = regions.FirstOrDefault(x => x.Code == d.RegionCode)?.Name ?? d.RegionCode;
            var parent = d.ParentCode is null ? null : districts.FirstOrDefault(x => x.Code == d.ParentCode)?.Name;
            Line(null, d.Name, d.Code, parent is null ? region : $"{region} {parent}");
        }
        sheet.CreateFreezePane(0, 1);
    }

    /// <summary>The import template as .csv: UTF-8 with a byte-order mark, the header and the example row.</summary>
    public static async Task WriteTemplateCsvAsync(Stream output, CancellationToken ct = default)
    {
        await using var csv = CsvWriter.Create(output, CsvOptions, leaveOpen: true);
        csv.WriteRecord(Headers.ToArray());
        csv.WriteRecord(Columns.Select(c => c.Example).ToArray());
        await csv.FlushAsync(ct);
    }

    /// <summary>Characters XML 1.0 cannot carry (control characters) become U+FFFD, so a stored value can always be exported.</summary>
    internal static string XmlSafe(string s)
    {
        if (!s.Any(c => (c < 0x20 && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF' || char.IsSurrogate(c)))
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
            else
            {
                b.Append((c < 0x20 && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF' || char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return b.ToString();
    }
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Chuanyu.Web.Features.Catalog;
using NPOI.SS.UserModel;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Tests.Catalog;

/// <summary>A formula cell; NPOI evaluates it and stores the cached value, as Excel does on save.</summary>
public sealed record Formula(string Text);

/// <summary>Import files written with the real libraries: NPOI for .xlsx, plain text in the chosen encoding for .csv.</summary>
internal static class ImportFiles
{
    public static IReadOnlyList<string> Headers => ResourceSheet.Headers;

    /// <summary>A valid row (header → value) of a large instrument at 重庆大学, with two fees and both certifications.</summary>
    public static Dictionary<string, object?> Row(string name, string model = "Gemini 300", string address = "重庆大学 分析测试中心 201 室") => new()
    {
        ["资源名称"] = name,
        ["英文名称"] = "Field emission scanning electron microscope",
        ["资源类型"] = "大型科研仪器",
        ["规格型号"] = model,
        ["生产制造商"] = "Carl Zeiss",
        ["产地国别"] = "德国",
        ["仪器分类"] = "扫描电镜",
        ["原值（元）"] = "3200000.00",
        ["购置日期"] = "2019-06-18",
        ["技术指标"] = "分辨率 0.7 nm@15 kV",
        ["主要功能"] = "材料表面形貌观察与微区成分分析",
        ["应用领域"] = "材料科学；地质",
        ["关键词"] = "扫描电镜；SEM",
        ["所在区县"] = "500106",
        ["安放地址"] = address,
        ["共享方式"] = "对外开放",
        ["联系人"] = "张老师",
        ["联系电话"] = "023-65100000",
        ["联系邮箱"] = "testing@example.edu.cn",
        ["校内/单位内部价（元）"] = "300",
        ["同区域价（元）"] = null,
        ["跨区域价（元）"] = null,
        ["企业价（元）"] = "800.50",
        ["计价单位"] = "小时",
        ["CMA证书编号"] = "162312050001",
        ["CMA有效期至"] = "2027-12-31",
        ["CNAS证书编号"] = "CNAS L1234",
        ["CNAS有效期至"] = "2026-08-31",
    };

    public static object?[] Cells(Dictionary<string, object?> row, IReadOnlyList<string>? headers = null) =>
        [.. (headers ?? Headers).Select(h => row.GetValueOrDefault(h))];

    public static byte[] Xlsx(IEnumerable<Dictionary<string, object?>> rows, IReadOnlyList<string>? headers = null) =>
        Xlsx(headers ?? Headers, rows.Select(r => Cells(r, headers)));

    public static byte[] Xlsx(IReadOnlyList<string> headers, IEnumerable<object?[]> rows)
    {
        var workbook = new XSSFWorkbook();
        var sheet = workbook.CreateSheet("资源");
        var dateStyle = workbook.CreateCellStyle();
        dateStyle.DataFormat = workbook.CreateDataFormat().GetFormat("yyyy/m/d");
        var header = sheet.CreateRow(0);
        for (var i = 0; i < headers.Count; i++)
        {
            header.CreateCell(i).SetCellValue(headers[i]);
        }
        var r = 1;
        foreach (var values in rows)
        {
            var row = sheet.CreateRow(r++);
            for (var i = 0; i < values.Length; i++)
            {
                switch (values[i])
                {
                    case null:
                        break;
                    case string s:
                        row.CreateCell(i, CellType.String).SetCellValue(s);
                        break;
                    case Formula f:
                        row.CreateCell(i, CellType.Formula).SetCellFormula(f.Text);
                        break;
                    case DateOnly d:
                        var date = row.CreateCell(i, CellType.Numeric);
                        date.SetCellValue(d.ToDateTime(TimeOnly.MinValue));
                        date.CellStyle = dateStyle;
                        break;
                    case var n:
                        row.CreateCell(i, CellType.Numeric).SetCellValue(Convert.ToDouble(n, CultureInfo.InvariantCulture));
                        break;
                }
            }
        }
        // Excel stores a formula's last result with it; so does NPOI after evaluating.
        XSSFFormulaEvaluator.EvaluateAllFormulaCells(workbook);
        using var buffer = new MemoryStream();
        workbook.Write(buffer);
        return buffer.ToArray();
    }

    public static byte[] Csv(IEnumerable<Dictionary<string, object?>> rows, Encoding? encoding = null, bool bom = false, IReadOnlyList<string>? headers = null) =>
        Csv(headers ?? Headers, rows.Select(r => Cells(r, headers)), encoding, bom);

    public static byte[] Csv(IReadOnlyList<string> headers, IEnumerable<object?[]> rows, Encoding? encoding = null, bool bom = false)
    {
        static string Field(object? v)
        {
            var s = v switch
            {
                null => "",
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
            };
            return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
        }
        var text = new StringBuilder();
        text.Append(string.Join(',', headers.Select(Field))).Append("\r\n");
        foreach (var row in rows)
        {
            text.Append(string.Join(',', row.Select(Field))).Append("\r\n");
        }
        encoding ??= new UTF8Encoding(false);
        var bytes = encoding.GetBytes(text.ToString());
        return bom ? [.. encoding.GetPreamble(), .. bytes] : bytes;
    }

    public static async Task<HttpResponseMessage> ImportAsync(HttpClient client, Guid organizationId, byte[] file, string fileName,
        bool dryRun = false, bool publish = false)
    {
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv" : ResourceSheet.XlsxContentType);
        content.Add(part, "file", fileName);
        content.Add(new StringContent(dryRun ? "true" : "false"), "dryRun");
        content.Add(new StringContent(publish ? "true" : "false"), "publish");
        return await client.PostAsync($"/api/v1/organizations/{organizationId}/resources/import", content);
    }
}

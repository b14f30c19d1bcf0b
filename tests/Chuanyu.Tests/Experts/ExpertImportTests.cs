using System.Net;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Experts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NPOI.SS.UserModel;
using NPOI.XSSF.UserModel;
using static Chuanyu.Tests.Booking.BookingTestData;
using static Chuanyu.Tests.Experts.ExpertTestData;

namespace Chuanyu.Tests.Experts;

/// <summary>The region administrators' .xlsx import: a real workbook made here, all rows or none, every bad row reported with its column.</summary>
public sealed class ExpertImportTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private readonly ChuanyuFactory _factory = new();
    private readonly WebApplicationFactory<Program> _host;

    public ExpertImportTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(new ManualClock(T0))));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private static string[] Headers => [.. ExpertImport.Columns.Select(c => c.Required ? c.Header + "*" : c.Header)];

    /// <summary>A row by field name (the template's columns), the rest filled with a valid expert of 重庆大学.</summary>
    internal static Dictionary<string, string> Row(string name, string idNumber, Dictionary<string, string>? changes = null)
    {
        var row = ExpertImport.Columns.ToDictionary(c => c.Field, c => c.Example);
        row["name"] = name;
        row["idNumber"] = idNumber;
        foreach (var (k, v) in changes ?? [])
        {
            row[k] = v;
        }
        return row;
    }

    internal static byte[] Xlsx(IEnumerable<Dictionary<string, string>> rows)
    {
        var workbook = new XSSFWorkbook();
        var sheet = workbook.CreateSheet("experts");
        var header = sheet.CreateRow(0);
        for (var i = 0; i < Headers.Length; i++)
        {
            header.CreateCell(i).SetCellValue(Headers[i]);
        }
        var r = 1;
        foreach (var values in rows)
        {
            var row = sheet.CreateRow(r++);
            for (var i = 0; i < ExpertImport.Columns.Count; i++)
            {
                var value = values[ExpertImport.Columns[i].Field];
                // Numbers as numbers, as Excel stores what people type.
                if (ExpertImport.Columns[i].Field is "birthYear" or "yearsInField" && int.TryParse(value, out var n))
                {
                    row.CreateCell(i, CellType.Numeric).SetCellValue(n);
                }
                else
                {
                    row.CreateCell(i, CellType.String).SetCellValue(value);
                }
            }
        }
        using var output = new MemoryStream();
        workbook.Write(output, leaveOpen: true);
        return output.ToArray();
    }

    internal static Task<HttpResponseMessage> ImportAsync(HttpClient client, byte[] file) =>
        client.PostAsync("/api/v1/experts/import", new MultipartFormDataContent { { new ByteArrayContent(file), "file", "experts.xlsx" } });

    private Task<int> CountAsync(string prefix) => WithDbAsync(_host, db => db.Set<Expert>().CountAsync(e => e.Name.StartsWith(prefix)));

    [Fact]
    public async Task AGoodFileImportsEveryRow_IntoTheAdminsRegion_WithItsDisciplinesAndEncryptedIds()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var first = NewIdNumber();
        var file = Xlsx([Row("导入甲", first), Row("导入乙", NewIdNumber(), new() { ["titleLevel"] = "副高", ["highLevel"] = "是", ["birthYear"] = "1958", ["disciplines"] = "52020;520" })]);
        var response = await ImportAsync(cq, file);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(2, (await response.ReadJsonAsync()).GetProperty("rows").GetInt32());

        var imported = await WithDbAsync(_host, db => db.Set<Expert>().AsNoTracking().Where(e => e.Name.StartsWith("导入")).OrderBy(e => e.Name).ToListAsync());
        Assert.Equal(2, imported.Count);
        Assert.All(imported, e => Assert.Equal("500000", e.RegionCode));
        Assert.All(imported, e => Assert.DoesNotContain(first, e.IdNumberProtected, StringComparison.Ordinal));
        var second = imported.Single(e => e.Name == "导入乙");
        Assert.Equal(TitleLevel.AssociateSenior, second.TitleLevel);
        Assert.True(second.HighLevel);
        Assert.Equal("52020", second.PrimaryDiscipline);
        Assert.Equal(2, await WithDbAsync(_host, db => db.Set<ExpertDiscipline>().CountAsync(d => d.ExpertId == second.Id)));
        Assert.True(await WithDbAsync(_host, db => db.AuditEntries.AnyAsync(a => a.Action == "expert.import" && a.Detail == "rows=2")));
    }

    [Fact]
    public async Task ABadFileImportsNothing_AndReportsEveryBadRowWithItsColumn()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var cqu = await OrgAsync(_host, "重庆大学");
        var inPool = NewIdNumber();
        await CreatedAsync(cq, Expert(cqu, inPool, name: "已在库专家"));
        var twice = NewIdNumber();
        var file = Xlsx([
            Row("坏行好行", NewIdNumber()),                                            // row 2: good, but the file fails as a whole
            Row("坏行学科", NewIdNumber(), new() { ["disciplines"] = "43025、99999" }),  // row 3: not a GB/T 13745 code
            Row("坏行年龄", NewIdNumber(), new() { ["birthYear"] = "1950" }),           // row 4: 76, not high-level
            Row("坏行在库", inPool),                                                  // row 5: the pool has this person
            Row("坏行重复一", twice),                                                 // row 6
            Row("坏行重复二", twice),                                                 // row 7: the same person as row 6
            Row("坏行单位", NewIdNumber(), new() { ["organization"] = "不存在的大学", ["titleLevel"] = "教授" }), // row 8: two bad cells
        ]);
        var response = await ImportAsync(cq, file);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var errors = body.GetProperty("errors").EnumerateArray()
            .Select(e => (Row: e.GetProperty("row").GetInt32(), Column: e.GetProperty("column").GetString(), Code: e.GetProperty("code").GetString())).ToList();
        Assert.Contains((3, "学科代码", "Experts.DisciplineUnknown"), errors);
        Assert.Contains((4, "出生年份", "Experts.TooOld"), errors);
        Assert.Contains((5, "身份证号码", "Experts.DuplicateIdNumber"), errors);
        Assert.Contains((7, "身份证号码", "Experts.ImportDuplicateInFile"), errors);
        Assert.Contains((8, "职称级别", "Experts.TitleRequired"), errors);
        Assert.DoesNotContain(errors, e => e.Row is 2 or 6);
        Assert.Equal(0, await CountAsync("坏行"));

        // The other region's administrator cannot import into Chongqing's pool; a member cannot import at all.
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        var good = Xlsx([Row("越权导入", NewIdNumber())]);
        var form = new MultipartFormDataContent { { new ByteArrayContent(good), "file", "experts.xlsx" }, { new StringContent("500000"), "region" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.PostAsync("/api/v1/experts/import", form)).StatusCode);
        var engineer = await SignedInAsync(_host, "engineer@chuanyu.demo");
        Assert.Equal(HttpStatusCode.Forbidden, (await ImportAsync(engineer, good)).StatusCode);
        Assert.Equal(0, await CountAsync("越权"));

        // Not a workbook at all: a field error on the file.
        Assert.Equal(HttpStatusCode.BadRequest, (await ImportAsync(cq, "name,id\n"u8.ToArray())).StatusCode);
    }

    [Fact]
    public async Task TheTemplateHasEveryColumn_AndItsExampleRowIsValidOnceGivenAnIdNumber()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var template = await cq.GetByteArrayAsync("/api/v1/experts/import-template");
        var sheet = new XSSFWorkbook(new MemoryStream(template)).GetSheetAt(0);
        Assert.Equal(Headers, sheet.GetRow(0).Cells.Select(c => c.StringCellValue).ToArray());
        Assert.Equal("学科代码*", sheet.GetRow(0).GetCell(ExpertImport.Columns.ToList().FindIndex(c => c.Field == "disciplines")).StringCellValue);
        var response = await ImportAsync(cq, Xlsx([Row("模板示例", NewIdNumber())]));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}

using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using NPOI.SS.UserModel;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Tests.Catalog;

/// <summary>
/// Bulk import and export of catalogue records through the real API on both engines: files written by NPOI, by hand
/// and by LibreOffice, read back with NPOI and CsvHelper; all or nothing; every bad row with its row and column.
/// </summary>
public sealed class ResourceImportTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private Task<Guid> OrgAsync(string name) => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    private Task<Guid> CquAsync() => OrgAsync("重庆大学");

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    private Task<int> CountAsync(string namePart) =>
        factory.WithDbAsync(db => db.Set<Resource>().CountAsync(r => r.Name.Contains(namePart)));

    private Task<Guid> IdAsync(string name) => factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Name == name).Select(r => r.Id).SingleAsync());

    private static async Task<List<(int Row, string Column, string Reason)>> ErrorsAsync(HttpResponseMessage response)
    {
        var body = await response.AssertProblemAsync(422);
        return [.. body.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("column").GetString()!, e.GetProperty("reason").GetString()!))];
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Templates_ReadBackWithNpoiAndCsvHelper_AndTheExampleRowIsNotImportedByMistake()
    {
        var client = factory.CreateClient();
        var xlsx = await client.GetAsync("/api/v1/resources/import-template?format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal(ResourceSheet.XlsxContentType, xlsx.Content.Headers.ContentType!.MediaType);
        var bytes = await xlsx.Content.ReadAsByteArrayAsync();
        var workbook = new XSSFWorkbook(new MemoryStream(bytes));
        var data = workbook.GetSheetAt(0);
        Assert.Equal("资源", data.SheetName);
        var header = data.GetRow(0);
        Assert.Equal(ResourceSheet.Headers, Enumerable.Range(0, header.LastCellNum).Select(i => header.GetCell(i).StringCellValue));
        Assert.Equal(28, ResourceSheet.Headers.Count);
        var example = data.GetRow(1);
        Assert.StartsWith("【示例】", example.GetCell(0).StringCellValue, StringComparison.Ordinal);
        Assert.Equal(3_200_000d, example.GetCell(7).NumericCellValue);
        Assert.True(DateUtil.IsCellDateFormatted(example.GetCell(8)));
        Assert.Equal(new DateTime(2019, 6, 18), example.GetCell(8).DateCellValue);

        var guide = workbook.GetSheet("填写说明");
        var guideText = string.Join("\n", Enumerable.Range(0, guide.LastRowNum + 1).Select(guide.GetRow).Where(r => r is not null)
            .Select(r => string.Join("|", r.Cells.Select(c => c.StringCellValue))));
        Assert.Contains("大型科研仪器|Instrument", guideText, StringComparison.Ordinal);
        Assert.Contains("区域内开放|WithinRegion", guideText, StringComparison.Ordinal);
        Assert.Contains("维护中|UnderMaintenance", guideText, StringComparison.Ordinal);
        foreach (var top in InstrumentClasses.TopLevel)
        {
            Assert.Contains($"{top.Name}|{top.Code}", guideText, StringComparison.Ordinal);
        }
        Assert.Equal(15, InstrumentClasses.TopLevel.Count);
        Assert.Contains("沙坪坝区|500106|重庆市", guideText, StringComparison.Ordinal);
        Assert.Contains("武侯区|510107|四川省 成都市", guideText, StringComparison.Ordinal);

        var csv = await client.GetAsync("/api/v1/resources/import-template?format=csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var csvBytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.True(csvBytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "the CSV template starts with a UTF-8 BOM so Excel shows Chinese");
        using (var reader = CsvReader.Create(csvBytes, CsvReaderOptions.Default with { Separator = ',' }))
        {
            Assert.Equal(ResourceSheet.Headers, reader.Headers);
            Assert.True(reader.Read());
            Assert.StartsWith("【示例】", reader.GetString("资源名称"), StringComparison.Ordinal);
            Assert.Equal("500106", reader.GetString("所在区县"));
            Assert.False(reader.Read());
        }
        await (await client.GetAsync("/api/v1/resources/import-template?format=pdf")).AssertFieldErrorAsync("format");

        // Uploading the template unchanged is refused on the example row, and writes nothing.
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var before = await CountAsync("【示例】");
        foreach (var (file, name) in new[] { (bytes, "template.xlsx"), (csvBytes, "template.csv") })
        {
            var errors = await ErrorsAsync(await ImportFiles.ImportAsync(manager, await CquAsync(), file, name));
            Assert.Contains(errors, e => e.Row == 2 && e.Column == "资源名称" && e.Reason.Contains("示例行", StringComparison.Ordinal));
        }
        Assert.Equal(before, await CountAsync("【示例】"));
    }

    [Fact]
    public async Task Xlsx_RoundTrip_NumbersDatesFormulasFeesAndCertificates_AppearThroughTheApi_AndTheExportImportsAgain()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var sem = ImportFiles.Row($"场发射扫描电子显微镜 {tag}");
        sem["原值（元）"] = 3_200_000.5;                          // a number cell
        sem["购置日期"] = new DateOnly(2019, 6, 18);              // a date-formatted cell
        sem["校内/单位内部价（元）"] = new Formula("200+100");     // a formula with its cached value
        sem["CMA证书编号"] = 162312050001d;                        // a long number typed into a text column
        var xrd = ImportFiles.Row($"X射线衍射仪 {tag}", model: "D8 ADVANCE");
        xrd["仪器分类"] = "010301";
        xrd["所在区县"] = "渝中区";
        xrd["共享方式"] = "WithinRegion";
        xrd["资源类型"] = "Instrument";
        xrd["CNAS证书编号"] = null;
        xrd["CNAS有效期至"] = null;
        var service = ImportFiles.Row($"材料成分检测服务 {tag}", model: "");
        service["资源类型"] = "检验检测服务";
        service["仪器分类"] = "金属材料检测";                       // other kinds keep their own classification
        service["所在区县"] = "乐山市市中区";
        service["共享方式"] = "维护中";
        service["原值（元）"] = null;
        service["同区域价（元）"] = "¥1,200";
        var response = await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Xlsx([sem, xrd, service]), $"仪器清单-{tag}.xlsx");
        var body = await OkAsync(response);
        Assert.True(body.GetProperty("applied").GetBoolean());
        Assert.Equal(3, body.GetProperty("rows").GetInt32());
        Assert.Equal(3, body.GetProperty("created").GetInt32());

        var detail = await (await manager.GetAsync($"/api/v1/resources/{await IdAsync($"场发射扫描电子显微镜 {tag}")}")).ReadJsonAsync();
        Assert.Equal("Instrument", detail.GetProperty("kind").GetString());
        Assert.Equal("Draft", detail.GetProperty("status").GetString());
        Assert.Equal("Gemini 300", detail.GetProperty("model").GetString());
        Assert.Equal("010102", detail.GetProperty("categoryCode").GetString());
        Assert.Equal(3_200_000.50m, detail.GetProperty("originalValue").GetDecimal());
        Assert.True(detail.GetProperty("isLargeInstrument").GetBoolean());
        Assert.Equal("2019-06-18", detail.GetProperty("purchaseDate").GetString());
        Assert.Equal("500106", detail.GetProperty("districtCode").GetString());
        Assert.Equal("500000", detail.GetProperty("regionCode").GetString());
        Assert.Equal("OpenToAll", detail.GetProperty("sharingStatus").GetString());
        var fees = detail.GetProperty("fees").EnumerateArray().ToList();
        Assert.Equal(2, fees.Count);
        Assert.Equal(("Internal", 300m, "小时"), (fees[0].GetProperty("userType").GetString(), fees[0].GetProperty("price").GetDecimal(), fees[0].GetProperty("unit").GetString()));
        Assert.Equal(("Enterprise", 800.50m), (fees[1].GetProperty("userType").GetString(), fees[1].GetProperty("price").GetDecimal()));
        var certs = detail.GetProperty("certifications").EnumerateArray().ToList();
        Assert.Equal(("Cma", "162312050001", "2027-12-31"), (certs[0].GetProperty("type").GetString(), certs[0].GetProperty("number").GetString(), certs[0].GetProperty("expiresOn").GetString()));
        Assert.Equal(("Cnas", "CNAS L1234"), (certs[1].GetProperty("type").GetString(), certs[1].GetProperty("number").GetString()));

        var x = await (await manager.GetAsync($"/api/v1/resources/{await IdAsync($"X射线衍射仪 {tag}")}")).ReadJsonAsync();
        Assert.Equal(("010301", "500103", "WithinRegion"), (x.GetProperty("categoryCode").GetString(), x.GetProperty("districtCode").GetString(), x.GetProperty("sharingStatus").GetString()));
        Assert.Single(x.GetProperty("certifications").EnumerateArray());
        var s = await (await manager.GetAsync($"/api/v1/resources/{await IdAsync($"材料成分检测服务 {tag}")}")).ReadJsonAsync();
        Assert.Equal(("TestingService", "金属材料检测", "511102", "510000", "UnderMaintenance"),
            (s.GetProperty("kind").GetString(), s.GetProperty("categoryCode").GetString(), s.GetProperty("districtCode").GetString(), s.GetProperty("regionCode").GetString(), s.GetProperty("sharingStatus").GetString()));
        Assert.Equal(JsonValueKind.Null, s.GetProperty("model").ValueKind);
        Assert.Equal(1200m, s.GetProperty("fees").EnumerateArray().Single(f => f.GetProperty("userType").GetString() == "SameRegion").GetProperty("price").GetDecimal());

        // One audit row for the whole import, naming the count and the file.
        var audits = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "resource.import" && e.Detail!.Contains(tag)).ToListAsync());
        var audit = Assert.Single(audits);
        Assert.Equal($"organization:{cqu}", audit.Target);
        Assert.Contains("count=3", audit.Detail, StringComparison.Ordinal);
        Assert.Contains($"仪器清单-{tag}.xlsx", audit.Detail, StringComparison.Ordinal);

        // The export (streamed .xlsx, inline strings) reads back with NPOI and imports again: every row is now a duplicate.
        var export = await manager.GetAsync($"/api/v1/organizations/{cqu}/resources/export?format=xlsx");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var exported = await export.Content.ReadAsByteArrayAsync();
        var sheet = new XSSFWorkbook(new MemoryStream(exported)).GetSheetAt(0);
        Assert.Equal([.. ResourceSheet.Headers, "所属单位"], Enumerable.Range(0, sheet.GetRow(0).LastCellNum).Select(i => sheet.GetRow(0).GetCell(i).StringCellValue));
        var semRow = Enumerable.Range(1, sheet.LastRowNum).Select(sheet.GetRow).Single(r => r.GetCell(0).StringCellValue == $"场发射扫描电子显微镜 {tag}");
        Assert.Equal(3_200_000.5, semRow.GetCell(7).NumericCellValue);
        Assert.Equal(new DateTime(2019, 6, 18), semRow.GetCell(8).DateCellValue);
        Assert.Equal("重庆大学", semRow.GetCell(28).StringCellValue);
        var again = await ErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, exported, "export.xlsx", dryRun: true));
        Assert.Contains(again, e => e.Column == "资源名称" && e.Reason.Contains("本单位已有相同的资源", StringComparison.Ordinal));
        Assert.DoesNotContain(again, e => e.Column != "资源名称");

        var csvExport = await manager.GetAsync($"/api/v1/organizations/{cqu}/resources/export?format=csv");
        var csvBytes = await csvExport.Content.ReadAsByteArrayAsync();
        Assert.True(csvBytes.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        using var reader = CsvReader.Create(csvBytes, CsvReaderOptions.Default with { Separator = ',' });
        var found = false;
        while (reader.Read())
        {
            if (reader.GetString("资源名称") == $"X射线衍射仪 {tag}")
            {
                found = true;
                Assert.Equal("区域内开放", reader.GetString("共享方式"));
                Assert.Equal("800.50", reader.GetString("企业价（元）"));
                Assert.Equal("2019-06-18", reader.GetString("购置日期"));
            }
        }
        Assert.True(found);
        var csvAgain = await ErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, csvBytes, "export.csv", dryRun: true));
        Assert.DoesNotContain(csvAgain, e => e.Column != "资源名称");
    }

    [Fact]
    public async Task Csv_Utf8WithoutBom_ImportsAndPublishes_ForEveryone()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var row = ImportFiles.Row($"透射电子显微镜 {tag}", model: "JEM-2100F");
        row["技术指标"] = "点分辨率 0.23 nm, 线分辨率 0.14 nm\r\n加速电压 200 kV \"场发射\"";
        row["购置日期"] = "2018/3/5";
        row["原值（元）"] = "6,800,000";
        var body = await OkAsync(await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Csv([row]), "list.csv", publish: true));
        Assert.Equal(1, body.GetProperty("created").GetInt32());
        var anonymous = await (await factory.CreateClient().GetAsync($"/api/v1/resources/{await IdAsync($"透射电子显微镜 {tag}")}")).ReadJsonAsync();
        Assert.Equal("Published", anonymous.GetProperty("status").GetString());
        Assert.Equal("点分辨率 0.23 nm, 线分辨率 0.14 nm\r\n加速电压 200 kV \"场发射\"", anonymous.GetProperty("technicalIndicators").GetString());
        Assert.Equal("2018-03-05", anonymous.GetProperty("purchaseDate").GetString());
        Assert.Equal(6_800_000m, anonymous.GetProperty("originalValue").GetDecimal());
    }

    [Fact]
    public async Task Csv_InGb18030_AsExcelInChinaSavesIt_Imports()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var row = ImportFiles.Row($"电感耦合等离子体质谱仪 {tag}", model: "iCAP RQ");
        row["仪器分类"] = "无机质谱仪";
        row["所在区县"] = "武侯区";
        row["生产制造商"] = "赛默飞世尔科技（中国）有限公司";
        var bytes = ImportFiles.Csv([row], Encoding.GetEncoding("GB18030"));
        Assert.False(System.Text.Unicode.Utf8.IsValid(bytes));
        await OkAsync(await ImportFiles.ImportAsync(manager, cqu, bytes, "excel-gbk.csv"));
        var r = await (await manager.GetAsync($"/api/v1/resources/{await IdAsync($"电感耦合等离子体质谱仪 {tag}")}")).ReadJsonAsync();
        Assert.Equal("赛默飞世尔科技（中国）有限公司", r.GetProperty("manufacturer").GetString());
        Assert.Equal(("010202", "510107", "510000"), (r.GetProperty("categoryCode").GetString(), r.GetProperty("districtCode").GetString(), r.GetProperty("regionCode").GetString()));
    }

    [Fact]
    public async Task WrongHeader_NamesTheColumn_AndWritesNothing()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var row = ImportFiles.Row($"表头错误 {tag}");

        var missing = ImportFiles.Headers.Where(h => h != "联系邮箱").ToList();
        var errors = await ErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Xlsx([row], missing), "missing.xlsx"));
        var e = Assert.Single(errors);
        Assert.Equal((1, "联系邮箱"), (e.Row, e.Column));
        Assert.Contains("缺少列“联系邮箱”", e.Reason, StringComparison.Ordinal);

        var renamed = ImportFiles.Headers.Select(h => h == "规格型号" ? "型号" : h).ToList();
        row["型号"] = "X";
        errors = await ErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Csv([row], headers: renamed), "renamed.csv"));
        Assert.Contains(errors, x => x.Row == 1 && x.Column == "型号" && x.Reason.Contains("无法识别的列名“型号”（D 列）", StringComparison.Ordinal));
        Assert.Contains(errors, x => x.Row == 1 && x.Column == "规格型号" && x.Reason.Contains("缺少列", StringComparison.Ordinal));

        // Columns may be reordered, and full-width brackets or spaces in a header do not matter.
        var reordered = ImportFiles.Headers.Reverse().Select(h => h == "原值（元）" ? " 原值(元) " : h).ToList();
        row[" 原值(元) "] = row["原值（元）"];
        errors = await ErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Xlsx([row, row], reordered), "reordered.xlsx"));
        Assert.Equal([(3, "资源名称")], errors.Select(x => (x.Row, x.Column)));

        var junk = await ImportFiles.ImportAsync(manager, cqu, Encoding.UTF8.GetBytes("this is not a table\r\n"), "junk.csv");
        Assert.Contains(await ErrorsAsync(junk), x => x.Row == 1 && x.Column == "this is not a table");
        Assert.Equal(0, await CountAsync(tag));
    }

    [Fact]
    public async Task WrongTypes_AreEachReportedWithRowAndColumn_AndNothingIsWritten()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var rows = Enumerable.Range(1, 7).Select(i => ImportFiles.Row($"类型错误 {tag} {i}")).ToList();
        rows[0]["原值（元）"] = "三百二十万";
        rows[1]["购置日期"] = "2019-13-45";
        rows[2]["所在区县"] = "火星区";
        rows[3]["仪器分类"] = "时间机器";
        rows[4]["资源类型"] = "宇宙飞船";
        rows[5]["企业价（元）"] = "-5";
        rows[5]["计价单位"] = null;
        rows[6]["购置日期"] = "2999-01-01";
        rows[6]["所在区县"] = "市中区";
        rows[6]["资源名称"] = new string('长', 201);
        foreach (var (file, name) in new[] { (ImportFiles.Xlsx(rows), "types.xlsx"), (ImportFiles.Csv(rows), "types.csv") })
        {
            var errors = await ErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, file, name));
            bool Has(int row, string column, string text) => errors.Any(e => e.Row == row && e.Column == column && e.Reason.Contains(text, StringComparison.Ordinal));
            Assert.True(Has(2, "原值（元）", "不是金额"), string.Join("\n", errors));
            Assert.True(Has(3, "购置日期", "不是有效的日期"));
            Assert.True(Has(4, "所在区县", "未知的区县“火星区”"));
            Assert.True(Has(5, "仪器分类", "未知的仪器分类“时间机器”"));
            Assert.True(Has(6, "资源类型", "资源类型“宇宙飞船”无效"));
            Assert.True(Has(7, "企业价（元）", "价格须为 0 至 1000 万元"));
            Assert.True(Has(7, "计价单位", "请填写计价单位"));
            Assert.True(Has(8, "购置日期", "不能晚于今天"));
            Assert.True(Has(8, "所在区县", "不唯一"));
            Assert.True(Has(8, "资源名称", "不能超过 200 个字"));
            Assert.Equal(10, errors.Count);
        }
        Assert.Equal(0, await CountAsync(tag));
    }

    [Fact]
    public async Task DuplicateRows_InTheFile_AreReported()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var a = ImportFiles.Row($"重复 {tag}");
        var b = ImportFiles.Row($"重复 {tag}", model: "Gemini 450");
        var c = ImportFiles.Row($"重复  {tag}".Replace("  ", " ", StringComparison.Ordinal));
        c["规格型号"] = "ＧＥＭＩＮＩ 300";  // full-width and another case: still the same instrument
        var errors = await ErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Xlsx([a, b, c]), "dup.xlsx"));
        var e = Assert.Single(errors);
        Assert.Equal((4, "资源名称"), (e.Row, e.Column));
        Assert.Contains("与第 2 行重复", e.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(tag));
    }

    [Fact]
    public async Task FileOver50Mb_IsRefusedWith413_AndNothingIsWritten()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var head = ImportFiles.Csv([ImportFiles.Row($"超大文件 {tag}")]);
        var big = new byte[ResourceImporter.MaxFileBytes + 1024];
        head.CopyTo(big, 0);
        big.AsSpan(head.Length).Fill((byte)' ');
        var response = await ImportFiles.ImportAsync(manager, cqu, big, "big.csv");
        var problem = await response.AssertProblemAsync(413);
        Assert.Contains("50 MB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(tag));

        // Not a spreadsheet at all: 400 on the file field.
        var exe = await ImportFiles.ImportAsync(manager, cqu, [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00], "list.xlsx");
        Assert.Contains("不符", (await exe.AssertFieldErrorAsync("file"))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DamagedWorkbook_IsA400OnTheFile()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var broken = HandWrittenXlsx("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" <<<</sheetData>");
        var reasons = await (await ImportFiles.ImportAsync(manager, await CquAsync(), broken, "broken.xlsx")).AssertFieldErrorAsync("file");
        Assert.Contains("无法读取", reasons[0], StringComparison.Ordinal);
        var dtd = HandWrittenXlsx("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]><worksheet><sheetData/></worksheet>");
        await (await ImportFiles.ImportAsync(manager, await CquAsync(), dtd, "dtd.xlsx")).AssertFieldErrorAsync("file");
    }

    [Fact]
    public async Task AnotherOrganisationsId_IsRefused_AndNothingIsWritten()
    {
        var scu = await OrgAsync("四川大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var file = ImportFiles.Xlsx([ImportFiles.Row($"冒名导入 {tag}")]);
        await (await ImportFiles.ImportAsync(manager, scu, file, "x.xlsx")).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.NotFound, (await ImportFiles.ImportAsync(manager, Guid.NewGuid(), file, "x.xlsx")).StatusCode);
        // A member of the organisation who is not its manager may not import either.
        var member = await factory.ApiClientAsync(Demo.ScuResearcher);
        await (await ImportFiles.ImportAsync(member, scu, file, "x.xlsx")).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ImportFiles.ImportAsync(factory.CreateClient(), scu, file, "x.xlsx")).StatusCode);
        Assert.Equal(0, await CountAsync(tag));
    }

    [Fact]
    public async Task PendingOrganisation_ImportsDrafts_ButCannotPublish()
    {
        // Whoever registers an organisation administers it while it waits for verification.
        var founder = await factory.ApiClientAsync(Demo.Engineer);
        var created = await founder.PostAsJsonAsync("/api/v1/organizations", new
        {
            name = $"待审核检测有限公司-{Tag()}",
            kind = "Enterprise",
            creditCode = Web.Seeding.DemoData.MakeCreditCode("91", "510107", Random.Shared.Next(2_000_000, 9_000_000)),
            districtCode = "510107",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var org = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        founder = await factory.ApiClientAsync(Demo.Engineer);
        var tag = Tag();
        var file = ImportFiles.Csv([ImportFiles.Row($"待审核单位的仪器 {tag}")]);
        var refused = await (await ImportFiles.ImportAsync(founder, org, file, "p.csv", publish: true)).AssertProblemAsync(409);
        Assert.Contains("尚未通过审核", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(tag));
        await OkAsync(await ImportFiles.ImportAsync(founder, org, file, "p.csv"));
        Assert.Equal(ResourceStatus.Draft, await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Name.Contains(tag)).Select(r => r.Status).SingleAsync()));
    }

    [Fact]
    public async Task DryRun_ChecksEverything_AndWritesNothing()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var auditsBefore = await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "resource.import"));
        var file = ImportFiles.Xlsx(Enumerable.Range(1, 5).Select(i => ImportFiles.Row($"仅检查 {tag} {i}")));
        var body = await OkAsync(await ImportFiles.ImportAsync(manager, cqu, file, "check.xlsx", dryRun: true));
        Assert.False(body.GetProperty("applied").GetBoolean());
        Assert.Equal(5, body.GetProperty("rows").GetInt32());
        Assert.Equal(0, body.GetProperty("created").GetInt32());
        Assert.Equal(0, await CountAsync(tag));
        Assert.Equal(auditsBefore, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "resource.import")));
    }

    [Fact]
    public async Task OnlyRow57Of60Bad_WritesNothing()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var rows = Enumerable.Range(2, 60).Select(n => ImportFiles.Row($"批量 {tag} 第{n}行")).ToList();
        rows[57 - 2]["CMA有效期至"] = "下个月";
        var errors = await ErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Xlsx(rows), "sixty.xlsx"));
        var e = Assert.Single(errors);
        Assert.Equal((57, "CMA有效期至"), (e.Row, e.Column));
        Assert.Equal(0, await CountAsync(tag));

        rows[57 - 2]["CMA有效期至"] = "2028-01-01";
        var body = await OkAsync(await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Xlsx(rows), "sixty.xlsx"));
        Assert.Equal(60, body.GetProperty("created").GetInt32());
        Assert.Equal(60, await CountAsync(tag));
    }

    [Fact]
    public async Task InjectionLookingText_IsStoredAsPlainText_AndExportedSafely()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        const string Sql = "'; DROP TABLE resources;--";
        const string Formula = "=cmd|' /C calc'!A0";
        var row = ImportFiles.Row($"{Formula} {tag}");
        row["技术指标"] = Sql;
        row["关键词"] = "@SUM(1+1)";
        row["联系人"] = "+1-2";
        row["规格型号"] = "-2+3";
        foreach (var (file, name) in new[] { (ImportFiles.Csv([row]), "inj.csv") })
        {
            await OkAsync(await ImportFiles.ImportAsync(manager, cqu, file, name));
        }
        var id = await IdAsync($"{Formula} {tag}");
        var stored = await (await manager.GetAsync($"/api/v1/resources/{id}")).ReadJsonAsync();
        Assert.Equal(Sql, stored.GetProperty("technicalIndicators").GetString());
        Assert.Equal("@SUM(1+1)", stored.GetProperty("keywords").GetString());
        Assert.Equal("-2+3", stored.GetProperty("model").GetString());
        Assert.True(await factory.WithDbAsync(db => db.Set<Resource>().AnyAsync()), "the resources table is still there");

        // CSV export: formula-like cells get a leading apostrophe, so Excel shows them as text.
        var csv = Encoding.UTF8.GetString(await (await manager.GetAsync($"/api/v1/organizations/{cqu}/resources/export?format=csv")).Content.ReadAsByteArrayAsync());
        var line = csv.Split("\r\n").Single(l => l.Contains(tag, StringComparison.Ordinal));
        Assert.StartsWith($"\"'{Formula} {tag}\"", line, StringComparison.Ordinal);
        Assert.Contains("'@SUM(1+1)", line, StringComparison.Ordinal);
        Assert.Contains("'+1-2", line, StringComparison.Ordinal);
        Assert.Contains("'-2+3", line, StringComparison.Ordinal);
        Assert.Contains(Sql, line, StringComparison.Ordinal);

        // .xlsx export: string cells, no formula anywhere in the sheet.
        var xlsx = await (await manager.GetAsync($"/api/v1/organizations/{cqu}/resources/export?format=xlsx")).Content.ReadAsByteArrayAsync();
        var sheet = new XSSFWorkbook(new MemoryStream(xlsx)).GetSheetAt(0);
        var cell = Enumerable.Range(1, sheet.LastRowNum).Select(sheet.GetRow).Select(r => r.GetCell(0)).Single(c => c.StringCellValue.Contains(tag, StringComparison.Ordinal));
        Assert.Equal(CellType.String, cell.CellType);
        Assert.Equal($"{Formula} {tag}", cell.StringCellValue);
        using (var zip = new ZipArchive(new MemoryStream(xlsx)))
        using (var sheetXml = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open()))
        {
            Assert.DoesNotContain("<f>", await sheetXml.ReadToEndAsync(), StringComparison.Ordinal);
        }
        // The core-metadata export writes the name as a string cell too.
        var meta = new XSSFWorkbook(new MemoryStream(await (await manager.GetAsync($"/api/v1/resources/{id}/core-metadata?format=xlsx")).Content.ReadAsByteArrayAsync())).GetSheetAt(0);
        var nameCell = Enumerable.Range(0, meta.LastRowNum + 1).Select(meta.GetRow).Single(r => r.GetCell(1)?.StringCellValue == "resourceName").GetCell(2);
        Assert.Equal((CellType.String, $"{Formula} {tag}"), (nameCell.CellType, nameCell.StringCellValue));

        // Re-importing the CSV export reads the apostrophe away again: the row is recognised as the same record.
        var again = await ErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, Encoding.UTF8.GetBytes(csv), "again.csv", dryRun: true));
        Assert.DoesNotContain(again, e => e.Column != "资源名称");
    }

    [Fact]
    public async Task LibreOfficeWrittenXlsx_Imports()
    {
        // Fixtures/libreoffice-import.xlsx was made once with LibreOffice 7 (see Fixtures/README.md):
        //   soffice --headless --convert-to xlsx libreoffice-import.csv
        // LibreOffice typed the cells itself: numbers and dates became number cells with its own date style, text
        // shared strings. CI has no LibreOffice, so the file is committed and this test only reads it.
        var path = Path.Combine(AppContext.BaseDirectory, "Catalog", "Fixtures", "libreoffice-import.xlsx");
        var bytes = await File.ReadAllBytesAsync(path);
        using (var zip = new ZipArchive(new MemoryStream(bytes)))
        using (var meta = new StreamReader(zip.GetEntry("docProps/app.xml")!.Open()))
        {
            Assert.Contains("LibreOffice", await meta.ReadToEndAsync(), StringComparison.Ordinal);
        }
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var body = await OkAsync(await ImportFiles.ImportAsync(manager, cqu, bytes, "libreoffice-import.xlsx"));
        Assert.Equal(3, body.GetProperty("created").GetInt32());
        var r = await (await manager.GetAsync($"/api/v1/resources/{await IdAsync("LibreOffice 导入 激光共聚焦显微镜")}")).ReadJsonAsync();
        Assert.Equal("LSM 980", r.GetProperty("model").GetString());
        Assert.Equal(4_850_000m, r.GetProperty("originalValue").GetDecimal());
        Assert.Equal("2021-09-01", r.GetProperty("purchaseDate").GetString());
        Assert.Equal("023-68250000", r.GetProperty("contactPhone").GetString());
        Assert.Equal(450m, r.GetProperty("fees")[0].GetProperty("price").GetDecimal());
        Assert.Equal("2027-05-20", r.GetProperty("certifications")[0].GetProperty("expiresOn").GetString());
    }

    [Fact]
    public async Task CoreMetadata_FollowsTheElementList_AndRespectsVisibility()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        await OkAsync(await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Xlsx([ImportFiles.Row($"核心元数据 {tag}")]), "meta.xlsx"));
        var id = await IdAsync($"核心元数据 {tag}");
        var json = await (await manager.GetAsync($"/api/v1/resources/{id}/core-metadata")).ReadJsonAsync();
        var elements = json.GetProperty("elements").EnumerateArray().ToDictionary(e => e.GetProperty("identifier").GetString()!, e => e);
        Assert.Equal("资源名称", elements["resourceName"].GetProperty("element").GetString());
        Assert.Equal($"核心元数据 {tag}", elements["resourceName"].GetProperty("value").GetString());
        Assert.Equal($"urn:chuanyu:resource:{id}", elements["identifier"].GetProperty("value").GetString());
        Assert.StartsWith("010102 分析仪器", elements["classCode"].GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Equal("重庆大学", elements["providerOrganization"].GetProperty("value").GetString());
        Assert.Contains("企业价 800.50 元/小时", elements["feeSchedule"].GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("name", elements.Keys);
        // A draft is not visible to the public, in this form either.
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync($"/api/v1/resources/{id}/core-metadata")).StatusCode);
    }

    [Fact]
    public void XlsxReader_HandlesHandWrittenParts_RichAndInlineStrings_FormulaResults_1904Dates_AndMissingReferences()
    {
        // A package written by hand, as other tools do: no r attributes on some rows and cells, a rich-text shared
        // string with a phonetic run, an inline string, a cached formula string, a boolean, an error, an ISO date
        // cell, a 1904-based date and escaped control characters.
        var bytes = HandWrittenXlsx();
        using var reader = XlsxSheetReader.Open(new MemoryStream(bytes));
        var all = reader.Rows().ToList();
        Assert.Equal([1, 2, 3, 5, 6, 7], all.Select(r => r.Number));
        var rows = all.Where(r => !r.IsEmpty).ToList();
        Assert.Equal([1, 2, 3, 7], rows.Select(r => r.Number));
        Assert.Equal(["资源名称", "原值（元）", "购置日期"], rows[0].Cells.Select(c => c!));
        Assert.Equal("扫描电镜", rows[1].Cells[0]);       // runs joined, phonetic run left out
        Assert.Equal("3200000.5", rows[1].Cells[1]);
        Assert.Equal("2019-06-18", rows[1].Cells[2]);     // 1904 system: serial 42172 is 2019-06-18 (in the 1900 system it would be 2015-06-17)
        Assert.Equal("行内\r\n字符串", rows[2].Cells[0]);
        Assert.Equal("1.5", rows[2].Cells[1]);            // cached result of a formula
        Assert.Equal("2021-02-03", rows[2].Cells[2]);     // t="d"
        Assert.Equal("TRUE", rows[3].Cells[0]);
        Assert.NotNull(rows[3].Problems![1]);              // #DIV/0!
        Assert.Equal("公式文本", rows[3].Cells[2]);
    }

    private static byte[] HandWrittenXlsx(string? sheetXml = null)
    {
        const string Ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        var parts = new Dictionary<string, string>
        {
            ["[Content_Types].xml"] = """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>""",
            ["_rels/.rels"] = """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""",
            ["xl/workbook.xml"] = $"""<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{Ns}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="资源" sheetId="1" r:id="rId7"/></sheets></workbook>""",
            ["xl/_rels/workbook.xml.rels"] = """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>""",
            ["xl/strings.xml"] = $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Ns}"><si><t>资源名称</t></si><si><t>原值（元）</t></si><si><t>购置日期</t></si><si><r><rPr><b/></rPr><t>扫描</t></r><r><t>电镜</t></r><rPh sb="0" eb="2"><t>サウサ</t></rPh></si></sst>""",
            ["xl/styles.xml"] = $"""<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{Ns}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>""",
            ["xl/worksheets/data.xml"] = $"""
                <?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{Ns}"><sheetData>
                <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>
                <row><c t="s"><v>3</v></c><c><v>3200000.5</v></c><c s="1"><v>42172</v></c></row>
                <row r="3"><c r="A3" t="inlineStr"><is><t>行内_x000D_
                字符串</t></is></c><c r="B3"><f>3/2</f><v>1.5</v></c><c r="C3" t="d"><v>2021-02-03T00:00:00</v></c></row>
                <row r="5"/><row r="6"><c r="A6"/></row>
                <row r="7"><c r="A7" t="b"><v>1</v></c><c r="B7" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C7" t="str"><f>"公式"&amp;"文本"</f><v>公式文本</v></c></row>
                </sheetData></worksheet>
                """.Replace("\r\n", "\n", StringComparison.Ordinal),
        };
        if (sheetXml is not null)
        {
            parts["xl/worksheets/data.xml"] = sheetXml;
        }
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, xml) in parts)
            {
                using var w = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                w.Write(xml);
            }
        }
        return buffer.ToArray();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Catalog;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Security;

/// <summary>
/// Issue 20, point 4: control and bidirectional characters in names, titles and free text are refused by one rule
/// (<see cref="InputText"/>) on every way in — API, pages, bulk import — and never leave through an export, while
/// emoji (with their joiners) and supplementary-plane CJK stay accepted.
/// </summary>
public sealed class ControlCharacterTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    /// <summary>The name from the security test report.</summary>
    private const string ReportedName = "RTL\u202Egpj.exe 零\u200B宽 NUL\u0000end";

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    private static string Text(int codePoint) => codePoint is >= 0xD800 and <= 0xDFFF ? ((char)codePoint).ToString() : char.ConvertFromUtf32(codePoint);

    private Task<Guid> CquAsync() => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync());

    private Task<List<Resource>> ResourcesNamedAsync(string part) =>
        factory.WithDbAsync(db => db.Set<Resource>().AsNoTracking().Where(r => r.Name.Contains(part)).ToListAsync());

    private static object Body(Guid organizationId, string name, string unit = "小时") => new
    {
        kind = "Instrument",
        name,
        organizationId,
        districtCode = "500106",
        address = "重庆大学 分析测试中心",
        mainFunctions = "形貌观察\r\n成分分析\t（多行文字）",
        fees = new object[] { new { userType = "Internal", price = 300m, unit = "小时" }, new { userType = "Enterprise", price = 800m, unit } },
    };

    // ---- the rule ----

    [Theory]
    [InlineData(0x0000)] // NUL
    [InlineData(0x0001)]
    [InlineData(0x001B)] // ESC
    [InlineData(0x007F)] // DEL
    [InlineData(0x0085)] // C1 next line
    [InlineData(0x009F)]
    [InlineData(0x202A)]
    [InlineData(0x202E)] // right-to-left override
    [InlineData(0x2066)] // left-to-right isolate
    [InlineData(0x2069)]
    [InlineData(0x200E)] // LRM
    [InlineData(0x200F)] // RLM
    [InlineData(0x061C)] // Arabic letter mark
    [InlineData(0x200B)] // zero width space
    [InlineData(0x200C)]
    [InlineData(0x2060)] // word joiner
    [InlineData(0xFEFF)] // zero width no-break space / BOM
    [InlineData(0xFFFE)]
    [InlineData(0xFFFF)]
    [InlineData(0xD800)] // a high surrogate alone
    [InlineData(0xDC00)] // a low surrogate alone
    [InlineData(0x1FFFE)] // a noncharacter outside the BMP
    [InlineData(0xE0041)] // a tag character outside a flag: hidden ASCII
    public void Rule_RefusesTheCharacter_NamingItsCodePointAndPosition(int codePoint)
    {
        var refusal = InputText.Find("扫描电镜" + Text(codePoint) + "SEM");

        Assert.NotNull(refusal);
        Assert.Equal(codePoint, refusal.Value.CodePoint);
        Assert.Equal(5, refusal.Value.Position);
        Assert.Contains($"U+{codePoint:X4}", refusal.Value.Message.Zh(), StringComparison.Ordinal);
        Assert.Contains("第 5 个字符", refusal.Value.Message.Zh(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("场发射扫描电子显微镜")]
    [InlineData("显微镜 🔬")]
    [InlineData("👩\u200D🔬 科研人员")]          // U+200D between two emoji
    [InlineData("👩🏽\u200D🔬")]                  // with a skin tone
    [InlineData("🏳\uFE0F\u200D🌈")]             // after a variation selector
    [InlineData("🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F")] // Scotland: tags after 🏴
    [InlineData("𠀀 𪚥 中文扩展区")]          // supplementary-plane CJK
    [InlineData("葛\U000E0100")]                // an ideographic variation sequence
    [InlineData("第一行\r\n第二行\t制表")]    // TAB, CR, LF in free text
    [InlineData("Café Ünïcödé, non\u00A0breaking, ＡＢＣ全角, \uFFFD")]
    [InlineData("")]
    public void Rule_AcceptsOrdinaryText_EmojiAndSupplementaryCjk(string text)
    {
        Assert.Null(InputText.Find(text));
        Assert.Same(text, InputText.ReplaceRefused(text));
    }

    [Fact]
    public void Rule_JoinerOutsideEmoji_IsRefused_AndPositionsCountCharactersNotUtf16Units()
    {
        Assert.Equal((0x200D, 2), At(InputText.Find("零\u200D宽")));
        Assert.Equal((0x200D, 2), At(InputText.Find("🔬\u200D")));
        Assert.Equal((0x200D, 3), At(InputText.Find("a \u200D🔬")));
        // 𠀀 is two UTF-16 units but one character.
        Assert.Equal((0x202E, 3), At(InputText.Find("𠀀🔬\u202E")));
        Assert.Equal((0x202E, 4), At(InputText.Find(ReportedName)));

        static (int, int) At(InputTextRefusal? r) => (r!.Value.CodePoint, r.Value.Position);
    }

    [Fact]
    public void ReplaceRefused_MakesEveryRefusedCharacterVisible_AndKeepsEmoji()
    {
        Assert.Equal("RTL\uFFFDgpj.exe 零\uFFFD宽 NUL\uFFFDend", InputText.ReplaceRefused(ReportedName));
        Assert.Equal("a\uFFFDb 👩\u200D🔬 𠀀 \uFFFD", InputText.ReplaceRefused("a\u0085b 👩\u200D🔬 𠀀 \uD800"));
    }

    [Fact]
    public void Walker_NamesNestedFields_InJsonAndFormSpelling_AndSurvivesCycles()
    {
        var input = new ResourceInput(ResourceKind.Instrument, "RTL\u202Egpj.exe", null, null, "500106", "地址", null, null, null, null, null, null, null,
            null, null, null, null, null, null, null,
            [new FeeInput(FeeUserType.Internal, 1m, "小时", null), new FeeInput(FeeUserType.Enterprise, 1m, "小\u200B时", null)],
            [new CertificationInput(CertificationType.Cma, "CMA\u0000", null)]);
        var json = new Dictionary<string, string[]>();
        InputText.Collect(input, "", InputText.Naming.Json, json);
        Assert.Equal(["certifications[0].number", "fees[1].unit", "name"], json.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("U+200B", json["fees[1].unit"][0], StringComparison.Ordinal);

        var form = new Dictionary<string, string[]>();
        InputText.Collect(new ResourceForm { Name = "ok", Fees = [new FeeRowForm(), new FeeRowForm { Note = "备注\u2066" }] }, "Form", InputText.Naming.Form, form);
        Assert.Equal(["Form.Fees[1].Note"], form.Keys);

        var loop = new Node { Text = "环\u0085" };
        loop.Next = loop;
        var found = new Dictionary<string, string[]>();
        InputText.Collect(loop, "", InputText.Naming.Json, found);
        Assert.Equal(["text"], found.Keys);
    }

    public sealed class Node
    {
        public string? Text { get; set; }
        public Node? Next { get; set; }
    }

    // ---- the API ----

    [Fact]
    public async Task Api_RefusesTheReportedName_NamingTheField_AndStoresNothing()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);

        var reasons = await (await manager.PostAsJsonAsync("/api/v1/resources", Body(cqu, ReportedName))).AssertFieldErrorAsync("name");
        Assert.Contains("U+202E", Assert.Single(reasons), StringComparison.Ordinal);
        Assert.Contains("第 4 个字符", reasons[0], StringComparison.Ordinal);
        Assert.Empty(await ResourcesNamedAsync("gpj.exe"));

        // A nested field is named by its JSON path; a C1 control is as unwelcome as a bidi override.
        var tag = Tag();
        var nested = await manager.PostAsJsonAsync("/api/v1/resources", Body(cqu, $"嵌套字段 {tag}", unit: "小\u0085时"));
        Assert.Contains("U+0085", Assert.Single(await nested.AssertFieldErrorAsync("fees[1].unit")), StringComparison.Ordinal);
        Assert.Empty(await ResourcesNamedAsync(tag));

        // An update is refused the same way and leaves the record as it was.
        var created = await manager.PostAsJsonAsync("/api/v1/resources", Body(cqu, $"待修改 {tag}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        var update = JsonSerializer.SerializeToNode(Body(cqu, $"待修改 {tag}"))!.AsObject();
        update["mainFunctions"] = "隐藏\u2066文字\u2069";
        update["version"] = 0;
        await (await manager.PutAsJsonAsync($"/api/v1/resources/{id}", update)).AssertFieldErrorAsync("mainFunctions");
        var stored = Assert.Single(await ResourcesNamedAsync($"待修改 {tag}"));
        Assert.Equal("形貌观察\r\n成分分析\t（多行文字）", stored.MainFunctions);
        Assert.Equal(0, stored.Version);

        // Query string values too.
        await (await factory.CreateClient().GetAsync("/api/v1/search?q=" + Uri.EscapeDataString("扫描\u202E电镜"))).AssertFieldErrorAsync("q");
    }

    [Fact]
    public async Task Api_AcceptsEmojiAndSupplementaryCjk_AndStoresThemAsSent()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var name = $"𠀀 扫描电镜 🔬 👩\u200D🔬 {Tag()}";

        var created = await manager.PostAsJsonAsync("/api/v1/resources", Body(cqu, name));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(name, (await created.ReadJsonAsync()).GetProperty("name").GetString());
        Assert.Equal(name, Assert.Single(await ResourcesNamedAsync(name)).Name);
    }

    [Fact]
    public void EveryApiEndpoint_GoesThroughTheCheck()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true).ToList();

        Assert.True(endpoints.Count > 50, $"only {endpoints.Count} API endpoints found");
        Assert.All(endpoints, e => Assert.True(e.Metadata.GetMetadata<InputTextChecked>() is not null, $"{e.RoutePattern.RawText} is mapped outside the checked root group"));
    }

    // ---- the pages ----

    [Fact]
    public async Task ResourceForm_WithABidiOverride_IsRefusedNamingTheField_AndNothingIsStored()
    {
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(Demo.CquInstrumentManager)).StatusCode);
        var tag = Tag();
        var fields = new Dictionary<string, string>
        {
            ["Form.Name"] = $"RTL\u202Egpj.exe {tag}",
            ["Form.DistrictCode"] = "500106",
            ["Form.CategoryCode"] = "010102",
            ["Form.MainFunctions"] = "第一行\r\n第二行",
        };

        var refused = await session.SubmitAsync("/Me/Resources/New", fields, "form[data-testid=resource-form]");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var doc = new HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
        var problem = doc.QuerySelector("[data-testid=input-text-refused] [data-field='Form.Name']");
        Assert.NotNull(problem);
        Assert.Contains("U+202E", problem.TextContent, StringComparison.Ordinal);
        Assert.Contains("第 4 个字符", problem.TextContent, StringComparison.Ordinal);
        Assert.Single(doc.QuerySelectorAll("[data-testid=input-text-refused] li"));
        Assert.Empty(await ResourcesNamedAsync(tag));

        // The same form with emoji and 𠀀 instead goes through and is stored as typed.
        fields["Form.Name"] = $"𠀀 显微镜 🔬 {tag}";
        var created = await session.SubmitAsync("/Me/Resources/New", fields, "form[data-testid=resource-form]");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var stored = Assert.Single(await ResourcesNamedAsync(tag));
        Assert.Equal($"𠀀 显微镜 🔬 {tag}", stored.Name);

        // Editing it with a C1 control in a fee row is refused on that row's field; the record keeps its version.
        var edit = await session.SubmitAsync($"/Me/Resources/{stored.Id}/Edit", new Dictionary<string, string> { ["Form.Fees[0].Unit"] = "小\u0085时", ["Form.Fees[0].Price"] = "10" },
            "form[data-testid=resource-form]");
        Assert.Equal(HttpStatusCode.BadRequest, edit.StatusCode);
        var editDoc = new HtmlParser().ParseDocument(await edit.Content.ReadAsStringAsync());
        Assert.NotNull(editDoc.QuerySelector("[data-testid=input-text-refused] [data-field='Form.Fees[0].Unit']"));
        var after = Assert.Single(await ResourcesNamedAsync(tag));
        Assert.Equal(0, after.Version);
        Assert.Empty(await factory.WithDbAsync(db => db.Set<ResourceFee>().Where(f => f.ResourceId == stored.Id).ToListAsync()));
    }

    // ---- bulk import and export ----

    private static async Task<List<(int Row, string Column, string Reason)>> ImportErrorsAsync(HttpResponseMessage response)
    {
        var body = await response.AssertProblemAsync(422);
        return [.. body.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("column").GetString()!, e.GetProperty("reason").GetString()!))];
    }

    [Fact]
    public async Task Import_ReportsEveryRowWithSuchCharacters_AndImportsNothing()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        var good = ImportFiles.Row($"正常的一行 {tag}");
        var bidi = ImportFiles.Row($"RTL\u202Egpj.exe {tag}", model: "B-1");
        var c0 = ImportFiles.Row($"控制字符 {tag}", model: "C-1");
        c0["技术指标"] = "分辨率\u0001 0.7 nm";

        var csv = await ImportErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Csv([good, bidi, c0], bom: true), $"清单-{tag}.csv"));
        Assert.Equal(2, csv.Count);
        Assert.Contains(csv, e => e.Row == 3 && e.Column == "资源名称" && e.Reason.Contains("U+202E", StringComparison.Ordinal));
        Assert.Contains(csv, e => e.Row == 4 && e.Column == "技术指标" && e.Reason.Contains("U+0001", StringComparison.Ordinal));
        Assert.Empty(await ResourcesNamedAsync(tag));

        // In .xlsx Excel writes a control character as _xHHHH_; the reader decodes it and the row is refused.
        var nul = ImportFiles.Row($"NUL_x0000_end {tag}", model: "D-1");
        var xlsx = await ImportErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, ImportFiles.Xlsx([good, nul]), $"清单-{tag}.xlsx"));
        var error = Assert.Single(xlsx);
        Assert.Equal((3, "资源名称"), (error.Row, error.Column));
        Assert.Contains("U+0000", error.Reason, StringComparison.Ordinal);
        Assert.Empty(await ResourcesNamedAsync(tag));
    }

    [Fact]
    public async Task CsvWriter_NeverEmitsARawControlByte()
    {
        var resource = new Resource
        {
            Id = Guid.NewGuid(),
            Kind = ResourceKind.Instrument,
            Name = ReportedName,
            DistrictCode = "500106",
            SharingStatus = SharingStatus.OpenToAll,
            MainFunctions = "C1\u0085 DEL\u007F ESC\u001B 换行\r\n保留",
            Address = "=1+1\u0000",
        };
        using var output = new MemoryStream();

        await ResourceSheet.WriteCsvAsync(output, new[] { resource }.ToAsyncEnumerable(), new Dictionary<Guid, string>());

        var bytes = output.ToArray();
        Assert.DoesNotContain(bytes, b => b < 0x20 && b is not ((byte)'\t' or (byte)'\r' or (byte)'\n'));
        var text = Encoding.UTF8.GetString(bytes.AsSpan(Encoding.UTF8.Preamble.Length));
        Assert.Null(InputText.Find(text));
        Assert.Contains("RTL\uFFFDgpj.exe 零\uFFFD宽 NUL\uFFFDend", text, StringComparison.Ordinal);
        Assert.Contains("换行\r\n保留", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_OfRowsStoredBeforeTheRule_CarriesNoSuchCharacter_AndImportsAgain()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var tag = Tag();
        // Two records as they could have been stored before the rule (written past it, straight into the database).
        // PostgreSQL cannot store NUL in text at all, so the legacy values use the other controls.
        foreach (var (name, model) in new[] { ($"旧数据 {tag} RTL\u202Egpj.exe 零\u200B宽", "L-1"), ($"旧数据 {tag} ESC\u001Bend", "L-2") })
        {
            var body = JsonSerializer.SerializeToNode(Body(cqu, $"clean {model} {tag}"))!.AsObject();
            body["model"] = model;
            var created = await manager.PostAsJsonAsync("/api/v1/resources", body);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            // Raw SQL: a set-based write of indexed columns through EF is refused (it would leave the search index stale).
            await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync(
                $"UPDATE resources SET name = {name}, main_functions = {"C1\u0085 DEL\u007F 隐藏\u2066文字\u2069"} WHERE name = {$"clean {model} {tag}"}"));
        }
        Assert.Equal(2, (await ResourcesNamedAsync($"旧数据 {tag}")).Count(r => InputText.Find(r.Name) is not null));

        var csvExport = await manager.GetAsync($"/api/v1/organizations/{cqu}/resources/export?format=csv");
        Assert.Equal(HttpStatusCode.OK, csvExport.StatusCode);
        var csvBytes = await csvExport.Content.ReadAsByteArrayAsync();
        Assert.DoesNotContain(csvBytes, b => b < 0x20 && b is not ((byte)'\t' or (byte)'\r' or (byte)'\n'));
        var csvText = Encoding.UTF8.GetString(csvBytes.AsSpan(Encoding.UTF8.Preamble.Length));
        Assert.Null(InputText.Find(csvText));
        Assert.Contains($"旧数据 {tag} RTL\uFFFDgpj.exe 零\uFFFD宽", csvText, StringComparison.Ordinal);

        // The whole export checks again: the only complaints are the records that are already there.
        var again = await ImportErrorsAsync(await ImportFiles.ImportAsync(manager, cqu, csvBytes, "export.csv", dryRun: true));
        Assert.NotEmpty(again);
        Assert.All(again, e => Assert.Contains("本单位已有相同的资源", e.Reason, StringComparison.Ordinal));

        // The legacy rows of that export (header and their lines, bytes as exported) import for real, as visible U+FFFD.
        var lines = csvText.Split("\r\n");
        var legacy = lines.Where(l => l.Contains($"旧数据 {tag}", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, legacy.Count);
        var file = Encoding.UTF8.GetBytes(string.Join("\r\n", [lines[0], .. legacy, ""]));
        var imported = await ImportFiles.ImportAsync(manager, cqu, [.. Encoding.UTF8.Preamble, .. file], "legacy.csv");
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
        Assert.Equal(2, (await imported.ReadJsonAsync()).GetProperty("created").GetInt32());
        var reimported = (await ResourcesNamedAsync($"旧数据 {tag}")).Where(r => r.Name.Contains('\uFFFD', StringComparison.Ordinal)).ToList();
        Assert.Equal(2, reimported.Count);
        Assert.All(reimported, r => Assert.Null(InputText.Find(r.Name + r.MainFunctions)));

        // The .xlsx export makes the same characters visible.
        var xlsx = await (await manager.GetAsync($"/api/v1/organizations/{cqu}/resources/export?format=xlsx")).Content.ReadAsByteArrayAsync();
        var sheet = new NPOI.XSSF.UserModel.XSSFWorkbook(new MemoryStream(xlsx)).GetSheetAt(0);
        var names = Enumerable.Range(1, sheet.LastRowNum).Select(i => sheet.GetRow(i).GetCell(0).StringCellValue).Where(n => n.Contains($"旧数据 {tag}", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, names.Count);
        Assert.All(names, n => Assert.Null(InputText.Find(n)));
    }
}

using System.Net;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Features.Search;
using Microsoft.EntityFrameworkCore;
using NPOI.XSSF.UserModel;
using static Chuanyu.Tests.Experts.ExpertTestData;

namespace Chuanyu.Tests.Experts;

/// <summary>
/// The expert pool's server-rendered pages (issue 16 point 10) and experts as a type of the unified search: the public
/// list and its filters, the public profile without personal data, the region administrators' pages (another region's
/// expert is a 404, the reveal is audited, the import is all or nothing, the export a real workbook) and the expert's own page.
/// </summary>
public sealed class ExpertPagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private const string Phone = "13800138000";
    private const string Email = "expert.test@example.org";

    private static readonly string[] Materials = ["43025"];
    private static readonly string[] Genetics = ["18031"];

    // 78060 专门考古: a discipline no demo expert has, so its name finds only the experts of the test.
    private static readonly string[] ArchaeologyAndMaterials = ["78060", "43025"];

    private async Task<Guid> CqOrgAsync() =>
        await factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync());

    /// <summary>A Chongqing expert made by the region's administrator through the API, with <paramref name="change"/> applied.</summary>
    private async Task<(Guid Id, string IdNumber)> ExpertAsync(string name, Action<Dictionary<string, object?>>? change = null)
    {
        var admin = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        var idNumber = NewIdNumber();
        var expert = Expert(await CqOrgAsync(), idNumber, name: name);
        change?.Invoke(expert);
        return (await CreatedAsync(admin, expert), idNumber);
    }

    private async Task<PageSession> SessionAsync(string? email)
    {
        var session = new PageSession(factory);
        if (email is not null)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email)).StatusCode);
        }
        return session;
    }

    private static List<string> RowNames(IHtmlDocument doc, string table = "experts") =>
        [.. doc.QuerySelectorAll($"[data-testid={table}] tbody tr td:first-child").Select(td => td.TextContent.Trim())];

    [Fact]
    public async Task PublicList_FiltersByDisciplineTitleRegionAndText_WithoutPersonalData()
    {
        const string Tag = "潮汐声呐阵列";
        await ExpertAsync("页面甲", e => { e["keywords"] = Tag + "、材料表征"; e["disciplines"] = Materials; });
        await ExpertAsync("页面乙", e => { e["keywords"] = Tag; e["disciplines"] = Genetics; e["titleLevel"] = "AssociateSenior"; });
        var anonymous = await SessionAsync(null);
        var q = "/Experts?Q=" + Uri.EscapeDataString(Tag);

        var (response, all) = await anonymous.GetAsync(q);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["页面甲", "页面乙"], RowNames(all));
        Assert.Contains("2", all.QuerySelector("[data-testid=expert-count]")!.TextContent, StringComparison.Ordinal);
        var row = all.QuerySelector("[data-testid=experts] tbody tr")!.TextContent;
        Assert.Contains("重庆大学", row, StringComparison.Ordinal);
        Assert.Contains("43025", row, StringComparison.Ordinal);
        Assert.Contains("材料检测与分析技术", row, StringComparison.Ordinal);
        var html = all.DocumentElement.OuterHtml;
        Assert.DoesNotContain(Phone, html, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, html, StringComparison.Ordinal);
        Assert.DoesNotContain("138****", html, StringComparison.Ordinal);

        // The first level offers its second level (no JavaScript needed): 430 → 43025 among the choices.
        var (_, top) = await anonymous.GetAsync(q + "&Top=430");
        Assert.Equal(["页面甲"], RowNames(top));
        Assert.NotNull(top.QuerySelector("select#Discipline option[value='43025']"));
        Assert.Equal(["页面乙"], RowNames((await anonymous.GetAsync(q + "&Discipline=18031")).Document));
        Assert.Equal(["页面乙"], RowNames((await anonymous.GetAsync(q + "&Title=AssociateSenior")).Document));
        Assert.Empty(RowNames((await anonymous.GetAsync(q + "&Region=510000")).Document));
        Assert.NotNull((await anonymous.GetAsync(q + "&Region=510000")).Document.QuerySelector("[data-testid=no-experts]"));
    }

    [Fact]
    public async Task Profile_HidesPersonalData_AndOffersManagementOnlyToTheRegionsAdministrators()
    {
        var (id, idNumber) = await ExpertAsync("页面丙");
        var (response, doc) = await (await SessionAsync(null)).GetAsync($"/Experts/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("页面丙", doc.QuerySelector("h1")!.TextContent.Trim());
        Assert.Contains("材料检测与分析技术", doc.QuerySelector("[data-testid=expert-disciplines]")!.TextContent, StringComparison.Ordinal);
        var html = doc.DocumentElement.OuterHtml;
        foreach (var secret in new[] { Phone, Email, idNumber, idNumber[^4..], "1975" })
        {
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        }
        Assert.Null(doc.QuerySelector("[data-testid=manage-expert]"));

        var (_, asCq) = await (await SessionAsync(Demo.ChongqingAdmin)).GetAsync($"/Experts/{id}");
        Assert.Equal($"/Admin/Experts/{id}", asCq.QuerySelector("[data-testid=manage-expert]")!.GetAttribute("href"));
        var (_, asSc) = await (await SessionAsync(Demo.SichuanAdmin)).GetAsync($"/Experts/{id}");
        Assert.Null(asSc.QuerySelector("[data-testid=manage-expert]"));
    }

    [Fact]
    public async Task TheOtherRegionsAdministrator_NeitherListsNorOpensTheExpert()
    {
        var (id, _) = await ExpertAsync("页面丁", e => e["keywords"] = "冰川钻探");
        var sichuan = await SessionAsync(Demo.SichuanAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await sichuan.GetAsync($"/Admin/Experts/{id}")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sichuan.GetAsync($"/Admin/Experts/{id}/Edit")).Response.StatusCode);
        Assert.Empty(RowNames((await sichuan.GetAsync("/Admin/Experts?Q=" + Uri.EscapeDataString("冰川钻探"))).Document, "admin-experts"));

        var chongqing = await SessionAsync(Demo.ChongqingAdmin);
        var (ok, list) = await chongqing.GetAsync("/Admin/Experts?Q=" + Uri.EscapeDataString("冰川钻探"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(["页面丁"], RowNames(list, "admin-experts"));
        Assert.Contains("138****8000", list.QuerySelector("[data-testid=admin-experts]")!.TextContent, StringComparison.Ordinal);

        // Not a region administrator at all: refused by the policy.
        var engineer = await SessionAsync(Demo.Engineer);
        Assert.NotEqual(HttpStatusCode.OK, (await engineer.GetAsync("/Admin/Experts")).Response.StatusCode);
    }

    [Fact]
    public async Task Reveal_ShowsTheDataOnce_AndWritesAPrivacyViewAuditRow()
    {
        var (id, idNumber) = await ExpertAsync("页面戊");
        var target = $"expert:{id}";
        int Views(Chuanyu.Web.Data.AppDbContext db) => db.AuditEntries.Count(a => a.Action == "privacy.view" && a.Target == target);
        var before = await factory.WithDbAsync(db => Task.FromResult(Views(db)));
        var chongqing = await SessionAsync(Demo.ChongqingAdmin);

        var (_, page) = await chongqing.GetAsync($"/Admin/Experts/{id}");
        Assert.DoesNotContain(Phone, page.DocumentElement.OuterHtml, StringComparison.Ordinal);
        var revealed = await chongqing.SubmitAsync($"/Admin/Experts/{id}", new Dictionary<string, string>(), "form[data-testid=reveal-form]");
        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        Assert.Contains("no-store", revealed.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await revealed.Content.ReadAsStringAsync());
        Assert.Equal(Phone, doc.QuerySelector("[data-testid=revealed-phone]")!.TextContent.Trim());
        Assert.Equal(Email, doc.QuerySelector("[data-testid=revealed-email]")!.TextContent.Trim());
        Assert.Equal(idNumber, doc.QuerySelector("[data-testid=revealed-id]")!.TextContent.Trim());
        Assert.Equal(before + 1, await factory.WithDbAsync(db => Task.FromResult(Views(db))));

        // The next visit shows masked data again.
        Assert.Null((await chongqing.GetAsync($"/Admin/Experts/{id}")).Document.QuerySelector("[data-testid=revealed]"));
    }

    [Fact]
    public async Task Suspend_AsksForAReasonAndAConfirmation_ThenTheExpertLeavesThePublicListAndTheSearch()
    {
        const string Tag = "玄武岩纤维声学";
        var (id, idNumber) = await ExpertAsync("页面己", e => { e["keywords"] = Tag; e["disciplines"] = ArchaeologyAndMaterials; e["primaryDiscipline"] = "78060"; });
        var anonymous = factory.CreateClient();

        // Found by a keyword and by a discipline's name, as an expert, linking to the public profile.
        var byKeyword = await SearchAsync(anonymous, "q=" + Uri.EscapeDataString(Tag));
        var hit = Assert.Single(Items(byKeyword), h => h.GetProperty("id").GetGuid() == id);
        Assert.Equal("Expert", hit.GetProperty("type").GetString());
        Assert.Equal($"/Experts/{id}", hit.GetProperty("link").GetString());
        Assert.Contains(Items(await SearchAsync(anonymous, "type=Expert&pageSize=50&q=" + Uri.EscapeDataString("专门考古"))), h => h.GetProperty("id").GetGuid() == id);
        // Nothing personal in the hit nor in the indexed text.
        var hitJson = hit.GetRawText();
        foreach (var secret in new[] { Phone, Email, idNumber, "1975" })
        {
            Assert.DoesNotContain(secret, hitJson, StringComparison.Ordinal);
        }
        var text = await factory.WithDbAsync(db => db.Set<SearchEntry>().Where(e => e.RecordId == id).Select(e => e.Text.Title + " " + e.Text.Body).SingleAsync());
        foreach (var secret in new[] { Phone, "expert.test", idNumber, "1975" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
        Assert.Equal(ExpertSearchSource.Code, await factory.WithDbAsync(db => db.Set<SearchEntry>().Where(e => e.RecordId == id).Select(e => e.Kind).SingleAsync()));

        // The search page labels the hit in Chinese.
        var (_, searchPage) = await (await SessionAsync(null)).GetAsync("/Search?q=" + Uri.EscapeDataString(Tag));
        Assert.Contains("专家", searchPage.QuerySelector($"[data-id='{id}'] .badge")!.TextContent, StringComparison.Ordinal);

        var chongqing = await SessionAsync(Demo.ChongqingAdmin);
        var url = $"/Admin/Experts/{id}";
        var noReason = await chongqing.SubmitAsync(url, new Dictionary<string, string> { ["to"] = "Suspended" }, "form[data-testid=status-form]");
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("理由", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var asked = await chongqing.SubmitAsync(url, new Dictionary<string, string> { ["to"] = "Suspended", ["reason"] = "本人申请暂停" }, "form[data-testid=status-form]");
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var confirmation = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await asked.Content.ReadAsStringAsync());
        Assert.NotNull(confirmation.QuerySelector("[data-testid=confirm-status]"));
        Assert.Equal(ExpertStatus.Active, await StatusAsync(id));

        // The confirming form as the page rendered it (its hidden fields carry the decision).
        var fields = confirmation.QuerySelectorAll("[data-testid=confirm-status] input").OfType<IHtmlInputElement>()
            .ToDictionary(i => i.Name!, i => i.Value);
        var confirmed = await chongqing.SubmitAsync(url, fields, "form[data-testid=status-form]");
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(ExpertStatus.Suspended, await StatusAsync(id));

        Assert.Equal(HttpStatusCode.NotFound, (await (await SessionAsync(null)).GetAsync($"/Experts/{id}")).Response.StatusCode);
        Assert.DoesNotContain(Items(await SearchAsync(anonymous, "q=" + Uri.EscapeDataString(Tag))), h => h.GetProperty("id").GetGuid() == id);
        Assert.False(await factory.WithDbAsync(db => db.Set<SearchEntry>().AnyAsync(e => e.RecordId == id)));
    }

    private Task<ExpertStatus> StatusAsync(Guid id) => factory.WithDbAsync(db => db.Set<Expert>().Where(e => e.Id == id).Select(e => e.Status).SingleAsync());

    private static async Task<JsonElement> SearchAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/search?" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private static List<JsonElement> Items(JsonElement result) => [.. result.GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task Import_WithABadDisciplineCode_ShowsTheRowError_AndAddsNothing()
    {
        var count = await factory.WithDbAsync(db => db.Set<Expert>().CountAsync());
        var file = ExpertImportTests.Xlsx(
        [
            ExpertImportTests.Row("导入页甲", NewIdNumber()),
            ExpertImportTests.Row("导入页乙", NewIdNumber(), new() { ["disciplines"] = "99999" }),
        ]);
        var chongqing = await SessionAsync(Demo.ChongqingAdmin);
        var (_, form) = await chongqing.GetAsync("/Admin/Experts/Import");
        var token = form.QuerySelector("[data-testid=expert-import-form] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(file), "Upload", "experts.xlsx" },
        };
        var response = await chongqing.Client.PostAsync("/Admin/Experts/Import", content);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var error = Assert.Single(doc.QuerySelectorAll("[data-testid=import-errors] tbody tr"));
        var cells = error.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal("3", cells[0]);
        Assert.Equal(ExpertImport.Columns.Single(c => c.Field == "disciplines").Header, cells[1]);
        Assert.Contains("99999", cells[2], StringComparison.Ordinal);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", cells[2]);
        Assert.Equal(count, await factory.WithDbAsync(db => db.Set<Expert>().CountAsync()));
        Assert.NotNull(doc.QuerySelector("[data-testid=expert-template]")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Export_IsARealWorkbookOfTheFilteredList_WithPersonalDataMasked()
    {
        const string Tag = "深海热液取样";
        await ExpertAsync("导出甲", e => e["keywords"] = Tag);
        await ExpertAsync("导出乙", e => e["keywords"] = Tag);
        var chongqing = await SessionAsync(Demo.ChongqingAdmin);
        var (_, list) = await chongqing.GetAsync("/Admin/Experts?Q=" + Uri.EscapeDataString(Tag));
        var href = list.QuerySelector("[data-testid=export-experts]")!.GetAttribute("href")!;
        var response = await chongqing.Client.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Chuanyu.Web.Infrastructure.XlsxStream.ContentType, response.Content.Headers.ContentType?.MediaType);
        var workbook = new XSSFWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.GetSheetAt(0);
        Assert.Equal("姓名", sheet.GetRow(0).GetCell(0).StringCellValue);
        var rows = Enumerable.Range(1, sheet.LastRowNum).Select(sheet.GetRow).ToList();
        // In the list's order: names in pinyin order (甲 jiǎ before 乙 yǐ).
        Assert.Equal(["导出甲", "导出乙"], rows.Select(r => r.GetCell(0).StringCellValue));
        var cells = rows.SelectMany(r => r.Cells).Select(c => c.ToString() ?? "").ToList();
        Assert.Contains("138****8000", cells);
        Assert.DoesNotContain(cells, c => c.Contains(Phone, StringComparison.Ordinal) || c.Contains(Email, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheExpertKeepsTheirOwnProfile_WithFieldErrorsInChinese_AndOthersGetAClearPage()
    {
        var expert = await SessionAsync("expert1@chuanyu.demo");
        var (ok, mine) = await expert.GetAsync("/Me/Expert");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.NotNull(mine.QuerySelector("[data-testid=my-expert-profile]"));
        Assert.Contains("*", mine.QuerySelector("[data-testid=masked-id]")!.TextContent, StringComparison.Ordinal);

        var bad = await expert.SubmitAsync("/Me/Expert", new Dictionary<string, string> { ["Form.Disciplines.Codes[0]"] = "99999", ["Form.Email"] = "不是邮箱" },
            "form[data-testid=my-expert-form]");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await bad.Content.ReadAsStringAsync());
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", errors.QuerySelector("[data-testid=error-disciplines]")!.TextContent);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", errors.QuerySelector("[data-testid=error-email]")!.TextContent);

        var saved = await expert.SubmitAsync("/Me/Expert", new Dictionary<string, string> { ["Form.Keywords"] = "页面自维护关键词" }, "form[data-testid=my-expert-form]");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("页面自维护关键词", (await expert.FollowAsync(saved)).QuerySelector("#Form_Keywords")!.GetAttribute("value"), StringComparison.Ordinal);

        var (none, page) = await (await SessionAsync(Demo.Engineer)).GetAsync("/Me/Expert");
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.NotNull(page.QuerySelector("[data-testid=no-expert-profile]"));
    }
}

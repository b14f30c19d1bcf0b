using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Catalog;

/// <summary>The import wizard at /Me/Resources/Import as a manager uses it in a browser session.</summary>
public sealed class ImportPageTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private const string Url = "/Me/Resources/Import";

    private static async Task<IHtmlDocument> UploadAsync(PageSession session, byte[] file, string fileName, bool dryRun = false)
    {
        var (_, page) = await session.GetAsync(Url);
        var form = page.QuerySelector("form[data-testid=import-form]")!;
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var organization = ((IHtmlSelectElement)form.QuerySelector("select[name=OrganizationId]")!).Value ?? "";
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(organization), "OrganizationId" },
        };
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(ResourceSheet.XlsxContentType);
        content.Add(part, "Upload", fileName);
        if (dryRun)
        {
            content.Add(new StringContent("true"), "DryRun");
        }
        var response = await session.Client.PostAsync(Url, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wizard_ShowsEveryBadRowInChinese_ThenImportsTheCorrectedFile()
    {
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.CquInstrumentManager);
        var (response, page) = await session.GetAsync(Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("zh-CN", page.DocumentElement.GetAttribute("lang"));
        Assert.Contains("批量导入资源", page.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["重庆大学"], page.QuerySelectorAll("select[name=OrganizationId] option").Select(o => o.TextContent.Trim()));
        Assert.Equal("/api/v1/resources/import-template?format=xlsx", page.QuerySelector("[data-testid=template-xlsx]")!.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync("/api/v1/resources/import-template?format=csv")).StatusCode);

        var tag = Guid.NewGuid().ToString("N")[..8];
        var good = ImportFiles.Row($"页面导入 原子力显微镜 {tag}", model: "Dimension Icon");
        var bad = ImportFiles.Row($"页面导入 拉曼光谱仪 {tag}", model: "LabRAM HR Evolution");
        bad["原值（元）"] = "约三百万";
        bad["所在区县"] = "不存在县";
        var result = await UploadAsync(session, ImportFiles.Xlsx([good, bad]), "页面导入.xlsx");
        Assert.Contains("文件有 2 处错误", result.QuerySelector("[data-testid=import-failed]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("未导入任何记录", result.QuerySelector("[data-testid=import-failed]")!.TextContent, StringComparison.Ordinal);
        var table = result.QuerySelector("table[data-testid=import-errors]")!;
        Assert.Equal(["行号", "列", "原因"], table.QuerySelectorAll("thead th").Select(th => th.TextContent));
        var cells = table.QuerySelectorAll("tbody tr").Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent).ToArray()).ToList();
        Assert.Contains(cells, c => c[0] == "3" && c[1] == "原值（元）" && c[2].Contains("不是金额", StringComparison.Ordinal));
        Assert.Contains(cells, c => c[0] == "3" && c[1] == "所在区县" && c[2].Contains("未知的区县", StringComparison.Ordinal));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<Resource>().CountAsync(r => r.Name.Contains(tag))));

        bad["原值（元）"] = "3000000";
        bad["所在区县"] = "沙坪坝区";
        var checkOnly = await UploadAsync(session, ImportFiles.Xlsx([good, bad]), "页面导入.xlsx", dryRun: true);
        Assert.Contains("检查通过：2 行均可导入", checkOnly.QuerySelector("[data-testid=import-checked]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<Resource>().CountAsync(r => r.Name.Contains(tag))));

        var done = await UploadAsync(session, ImportFiles.Xlsx([good, bad]), "页面导入.xlsx");
        Assert.Contains("已导入 2 条资源到“重庆大学”", done.QuerySelector("[data-testid=import-success]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, await factory.WithDbAsync(db => db.Set<Resource>().CountAsync(r => r.Name.Contains(tag) && r.Status == ResourceStatus.Draft)));
    }

    [Fact]
    public async Task Wizard_NeedsASignedInManager()
    {
        var anonymous = await new PageSession(factory).GetAsync(Url);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.Response.StatusCode);
        Assert.Contains("/Accounts/Login", anonymous.Response.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var researcher = new PageSession(factory);
        await researcher.SignInAsync(Demo.ScuResearcher);
        var (_, page) = await researcher.GetAsync(Url);
        Assert.NotNull(page.QuerySelector("[data-testid=import-no-organizations]"));
        Assert.Null(page.QuerySelector("form[data-testid=import-form]"));
    }
}

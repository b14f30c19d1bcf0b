using System.Text.RegularExpressions;
using Chuanyu.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using NPOI.XSSF.UserModel;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// Testing orders (送样检测) and the sharing evaluation (开放共享评价) in a real Chromium: the researcher orders testing on
/// an instrument, the instrument manager quotes it by the hour, the researcher accepts; the Chongqing region administrator
/// reads the evaluation report of the region and downloads the ranking as .xlsx.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed partial class ServiceOrderTests(BrowserFixture browser)
{
    /// <summary>Polled web-first assertions: CI runs both test projects at once on two shared cores.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions SlowText = new() { Timeout = 30_000 };

    [Fact]
    public async Task Researcher_OrdersTesting_ManagerQuotes_ResearcherAccepts()
    {
        var marker = $"浏览器测试 断口形貌 {Guid.NewGuid():N}"[..24];

        var researcher = await browser.NewPageAsync();
        await SignInAsync(researcher, "scu.researcher@chuanyu.demo");
        var ordersBefore = await CountMyOrdersAsync(researcher);

        await researcher.GotoAsync("/Search?q=" + Uri.EscapeDataString("GeminiSEM 300"));
        await researcher.GetByTestId("results").GetByRole(AriaRole.Link).Filter(new() { HasText = "GeminiSEM 300" }).First.ClickAsync();
        await Expect(researcher.GetByTestId("resource-name")).ToHaveTextAsync("场发射扫描电子显微镜", SlowText);

        await researcher.GetByTestId("order-link").ClickAsync();
        await Expect(researcher.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("送样检测：场发射扫描电子显微镜", SlowText);
        await Expect(researcher.GetByTestId("pricing-rule")).ToContainTextAsync("按机时收费");
        await Expect(researcher.GetByTestId("organization")).ToHaveTextAsync("四川大学");
        var orderUrl = researcher.Url;
        var form = researcher.GetByTestId("order-form");

        // Refused in the browser: no test items. The Chinese error stands beside the field, the rest is kept, nothing is created.
        await form.GetByLabel("样品名称 1", new() { Exact = true }).FillAsync("NCM811 正极片");
        await form.GetByLabel("数量 1", new() { Exact = true }).FillAsync("2");
        await form.GetByLabel("检测目的与样品说明").FillAsync("观察循环后正极颗粒的开裂情况");
        await form.GetByRole(AriaRole.Button, new() { Name = "提交送样订单" }).ClickAsync();
        await Expect(researcher.GetByTestId("form-errors")).ToHaveTextAsync("请按提示修改标红的项目后再提交。", SlowText);
        var items = form.GetByLabel("检测项目");
        await Expect(items).ToHaveClassAsync(new Regex(@"\bis-invalid\b"));
        await Expect(items).ToHaveAttributeAsync("aria-describedby", new Regex(@"\berr-items\b"));
        await Expect(researcher.GetByTestId("error-items")).ToHaveTextAsync("请至少填写一个检测项目。");
        await Expect(researcher.GetByTestId("error-items")).ToBeVisibleAsync();
        await Expect(form.GetByLabel("样品名称 1", new() { Exact = true })).ToHaveValueAsync("NCM811 正极片");
        await Expect(form.GetByLabel("数量 1", new() { Exact = true })).ToHaveValueAsync("2");
        Assert.Equal(orderUrl, researcher.Url.Split('?')[0]);
        await SaveScreenshotAsync(researcher, "service-order-refused.png");
        Assert.Equal(ordersBefore, await CountMyOrdersAsync(researcher));

        // The real order.
        await researcher.GotoAsync(orderUrl);
        await form.GetByLabel("检测项目").FillAsync($"{marker}\n微区能谱（EDS）面扫");
        await form.GetByLabel("样品名称 1", new() { Exact = true }).FillAsync("NCM811 正极片");
        await form.GetByLabel("数量 1", new() { Exact = true }).FillAsync("2");
        await form.GetByLabel("检测目的与样品说明").FillAsync("观察循环后正极颗粒的开裂情况");
        await SaveScreenshotAsync(researcher, "service-order-form.png");
        await form.GetByRole(AriaRole.Button, new() { Name = "提交送样订单" }).ClickAsync();

        await Expect(researcher).ToHaveURLAsync(new Regex(@"/ServiceOrders/[0-9a-f-]{36}$"), new() { Timeout = 30_000 });
        var heading = researcher.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Expect(heading).ToHaveTextAsync(OrderHeading(), SlowText);
        var number = OrderHeading().Match(await heading.InnerTextAsync()).Groups["number"].Value;
        await Expect(researcher.GetByRole(AriaRole.Status)).ToContainTextAsync($"送样订单 {number} 已提交");
        await Expect(researcher.GetByTestId("status")).ToHaveTextAsync("待报价");
        await Expect(researcher.GetByTestId("service")).ToHaveTextAsync("场发射扫描电子显微镜");
        await Expect(researcher.GetByTestId("items").Locator("li")).ToHaveTextAsync([marker, "微区能谱（EDS）面扫"]);
        await Expect(researcher.GetByTestId("samples").Locator("li")).ToHaveTextAsync(["NCM811 正极片 × 2"]);
        await Expect(researcher.GetByTestId("quote")).ToHaveTextAsync("—");
        await SaveScreenshotAsync(researcher, "service-order-submitted.png");
        var researcherOrderUrl = researcher.Url;
        Assert.Equal(ordersBefore + 1, await CountMyOrdersAsync(researcher));

        // The manager of 重庆大学 quotes it by the hour: 2.5 h at the other-region price of ¥450.00 an hour.
        var manager = await browser.NewPageAsync();
        await SignInAsync(manager, "cqu.instrument@chuanyu.demo");
        await ClickInHeaderAsync(manager, "nav-service-order-queue");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "送样订单处理", Level = 1 })).ToBeVisibleAsync();
        var row = manager.GetByTestId("orders").Locator("tbody tr").Filter(new() { HasText = number });
        await Expect(row.GetByTestId("status")).ToHaveTextAsync("待报价", SlowText);
        await Expect(row).ToContainTextAsync("四川大学");
        await Expect(row).ToContainTextAsync("2 项 / 2 个样品");
        await SaveScreenshotAsync(manager, "service-order-queue.png");
        await row.GetByRole(AriaRole.Link, new() { Name = number, Exact = true }).ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"送样订单 {number}", SlowText);
        await Expect(manager.GetByTestId("requester")).ToContainTextAsync("李娜");

        var quote = manager.GetByTestId("quote-form");
        await quote.GetByLabel("预计机时（小时）").FillAsync("2.5");
        await quote.GetByLabel("承诺完成日期").FillAsync(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await quote.GetByLabel("报价说明").FillAsync("含能谱面扫，样品请干燥保存");
        await quote.GetByRole(AriaRole.Button, new() { Name = "提交报价" }).ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("报价已提交", new() { Timeout = 30_000 });
        await Expect(manager.GetByTestId("status")).ToHaveTextAsync("待确认报价");
        await Expect(manager.GetByTestId("quote")).ToContainTextAsync("¥1,125.00");
        await Expect(manager.GetByTestId("quote")).ToContainTextAsync("¥450.00/小时 × 2.5");
        await Expect(manager.GetByTestId("quote-note")).ToHaveTextAsync("含能谱面扫，样品请干燥保存");
        await SaveScreenshotAsync(manager, "service-order-quoted.png");

        // The researcher sees the quote and accepts it.
        await researcher.GotoAsync(researcherOrderUrl);
        await Expect(researcher.GetByTestId("status")).ToHaveTextAsync("待确认报价", SlowText);
        await Expect(researcher.GetByTestId("quote")).ToContainTextAsync("¥1,125.00");
        var accept = researcher.GetByTestId("accept-form");
        await Expect(accept).ToContainTextAsync("费用 ¥1,125.00");
        await accept.GetByRole(AriaRole.Button, new() { Name = "确认报价" }).ClickAsync();
        await Expect(researcher.GetByRole(AriaRole.Status)).ToContainTextAsync("报价已确认，请按约定送样", new() { Timeout = 30_000 });
        await Expect(researcher.GetByTestId("status")).ToHaveTextAsync("待送样");
        await Expect(researcher.GetByTestId("accept-form")).ToHaveCountAsync(0);
        await Expect(researcher.Locator("[data-testid=timeline] li[data-step='Order.Step.Accepted']")).ToContainTextAsync("确认报价");
        await SaveScreenshotAsync(researcher, "service-order-accepted.png");

        await researcher.Locator("#nav-account-toggle").ClickAsync();
        await researcher.GetByTestId("nav-my-service-orders").ClickAsync();
        var mine = researcher.GetByTestId("orders").Locator("tbody tr").Filter(new() { HasText = number });
        await Expect(mine.GetByTestId("status")).ToHaveTextAsync("待送样", SlowText);
        await Expect(mine).ToContainTextAsync("¥1,125.00");
    }

    [Fact]
    public async Task RegionAdmin_SeesTheEvaluationReport_AndDownloadsTheRanking()
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, "cq.admin@chuanyu.demo");
        await ClickInHeaderAsync(page, "nav-evaluation");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("开放共享评价", new() { Timeout = 30_000 });

        // The last complete year, which the demo fills with a year of use.
        var shownYear = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Year - 1;
        await Expect(page.GetByTestId("run-year")).ToHaveTextAsync($"{shownYear} 年度");
        await Expect(page.GetByTestId("runs-admin")).ToHaveCountAsync(0); // a region admin reads, only the platform admin runs

        // The scheme of the run.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 }).Filter(new() { HasText = "指标体系：" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("run-scheme").Locator("tbody tr").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("thresholds")).ToContainTextAsync("等级分数线：优秀 ≥");
        // The indicator table uses the page's width.
        var schemeBox = (await page.GetByTestId("run-scheme").BoundingBoxAsync())!;
        var mainBox = (await page.Locator("main").BoundingBoxAsync())!;
        Assert.True(schemeBox.Width >= mainBox.Width * 0.9, $"the indicator table is {schemeBox.Width} px wide in a page of {mainBox.Width} px");

        // The summary, scoped to Chongqing, drawn as SVG.
        var summary = page.GetByTestId("summary");
        await Expect(summary.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToContainTextAsync("重庆");
        await Expect(summary.GetByRole(AriaRole.Heading, new() { Level = 2 })).Not.ToContainTextAsync("四川");
        var gradeChart = page.GetByRole(AriaRole.Img, new() { Name = "等级分布" });
        await Expect(gradeChart).ToBeVisibleAsync();
        await Expect(gradeChart.Locator("g[data-grade]")).ToHaveCountAsync(4);
        var histogram = page.GetByRole(AriaRole.Img, new() { Name = "得分分布" });
        await Expect(histogram).ToBeVisibleAsync();
        await Expect(histogram.Locator("g[data-band]")).ToHaveCountAsync(10);
        var gradeCounts = await gradeChart.Locator("g[data-grade]").EvaluateAllAsync<int[]>("gs => gs.map(g => Number(g.dataset.count))");
        Assert.True(gradeCounts.Sum() > 0);
        var bandCounts = await histogram.Locator("g[data-band]").EvaluateAllAsync<int[]>("gs => gs.map(g => Number(g.dataset.count))");
        Assert.Equal(gradeCounts.Sum(), bandCounts.Sum());
        // The regions compared: Chongqing beside Sichuan, as totals.
        var regionHeads = page.GetByTestId("regions").Locator("thead th[data-region]");
        await Expect(regionHeads).ToHaveCountAsync(2);
        await Expect(regionHeads.First).ToHaveAttributeAsync("data-region", "500000");
        await Expect(regionHeads.First).ToContainTextAsync("重庆");
        await Expect(regionHeads.Last).ToContainTextAsync("四川");

        // The instrument ranking: Chongqing's only.
        var ranking = page.GetByTestId("ranking");
        await Expect(ranking.GetByTestId("tab-instruments")).ToHaveClassAsync(new Regex(@"\bactive\b"));
        var rows = page.GetByTestId("instrument-ranking").Locator("tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        await Expect(rows.First.GetByTestId("grade")).ToHaveTextAsync(new Regex("^(优秀|良好|合格|较差)$"));
        var rowRegions = await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.region)");
        Assert.NotEmpty(rowRegions);
        Assert.All(rowRegions, r => Assert.Equal("500000", r));
        var regionOptions = ranking.GetByLabel("地区", new() { Exact = true }).Locator("option");
        await Expect(regionOptions).ToHaveTextAsync([new Regex("^全部地区$"), new Regex("重庆")]);
        await Expect(ranking).Not.ToContainTextAsync("四川省");
        await Expect(gradeChart).Not.ToContainTextAsync("四川");
        await SaveScreenshotAsync(page, "evaluation-report.png");

        // The export, downloaded as the browser does, read back with NPOI.
        var download = await page.RunAndWaitForDownloadAsync(
            () => ranking.GetByRole(AriaRole.Link, new() { Name = "导出 Excel" }).ClickAsync(), new() { Timeout = 60_000 });
        Assert.EndsWith(".xlsx", download.SuggestedFilename, StringComparison.Ordinal);
        var dir = Directory.CreateTempSubdirectory("chuanyu-evaluation-download-");
        try
        {
            var path = Path.Combine(dir.FullName, download.SuggestedFilename);
            await download.SaveAsAsync(path);
            using var stream = File.OpenRead(path);
            var workbook = new XSSFWorkbook(stream);
            var sheet = workbook.GetSheetAt(0);
            // Row 0 is the title; row 1 the header.
            Assert.StartsWith($"{shownYear} 年度", sheet.GetRow(0).GetCell(0).StringCellValue, StringComparison.Ordinal);
            var header = sheet.GetRow(1).Cells.Select(c => c.StringCellValue).ToList();
            Assert.Contains("仪器名称", header);
            Assert.Contains("等级", header);
            var nameColumn = header.IndexOf("仪器名称");
            var regionColumn = header.IndexOf("地区");
            var gradeColumn = header.IndexOf("等级");
            Assert.True(sheet.LastRowNum >= 2, "the export has no data row");
            for (var r = 2; r <= sheet.LastRowNum; r++)
            {
                var data = sheet.GetRow(r);
                Assert.False(string.IsNullOrWhiteSpace(data.GetCell(nameColumn).StringCellValue));
                Assert.Contains("重庆", data.GetCell(regionColumn).StringCellValue, StringComparison.Ordinal);
                Assert.Matches("^(优秀|良好|合格|较差)$", data.GetCell(gradeColumn).StringCellValue);
            }
            Assert.Equal(gradeCounts.Sum(), sheet.LastRowNum - 1);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^送样订单 (?<number>SO\d{8}-[0-9A-F]{10})$")]
    private static partial Regex OrderHeading();

    /// <summary>The number of the signed-in person's testing orders, from 我的送样 (“共 N 条”, or the empty notice).</summary>
    private static async Task<int> CountMyOrdersAsync(IPage page)
    {
        await page.GotoAsync("/Me/ServiceOrders");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "我的送样订单", Level = 1 })).ToBeVisibleAsync();
        var total = page.GetByText(new Regex(@"^共 \d+ 条$"));
        if (await total.CountAsync() == 0)
        {
            await Expect(page.GetByTestId("empty")).ToBeVisibleAsync();
            return 0;
        }
        var text = await total.First.InnerTextAsync();
        return int.Parse(Regex.Match(text, @"\d+").Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}

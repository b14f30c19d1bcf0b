using Chuanyu.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>A researcher types "扫描电镜" on the home page, narrows to Sichuan and opens an instrument — in a real Chromium.</summary>
[Collection(BrowserSuite.Name)]
public sealed class SearchTests(BrowserFixture browser)
{
    [Fact]
    public async Task HomeSearch_FindsElectronMicroscopesInBothRegions_NarrowsToSichuan_AndOpensTheInstrument()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByTestId("home-search").GetByRole(AriaRole.Textbox).FillAsync("扫描电镜");
        await page.GetByTestId("home-search").GetByRole(AriaRole.Button, new() { Name = "检索" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Search\\?q="));
        var results = page.GetByTestId("results");
        // The abbreviation finds the full names, at institutions of both regions, with the matched words marked.
        await Expect(results).ToContainTextAsync("GeminiSEM 300");
        await Expect(results).ToContainTextAsync("重庆大学");
        await Expect(results).ToContainTextAsync("中国科学院成都生物研究所");
        await Expect(results.Locator("mark").First).ToHaveTextAsync("扫描电子显微镜");

        await page.Locator("[data-facet=region]").GetByRole(AriaRole.Link, new() { Name = "四川省" }).ClickAsync();
        await Expect(page.Locator("[data-facet=region] strong")).ToHaveTextAsync("四川省");
        await Expect(results).Not.ToContainTextAsync("重庆大学");
        await Expect(results).ToContainTextAsync("Sigma 300");

        await results.GetByRole(AriaRole.Link).Filter(new() { HasText = "Sigma 300" }).First.ClickAsync();
        await Expect(page.GetByTestId("resource-name")).ToHaveTextAsync("场发射扫描电子显微镜");
        await Expect(page.GetByTestId("model")).ToHaveTextAsync("Sigma 300");
        await Expect(page.Locator("body")).ToContainTextAsync("中国科学院成都生物研究所");
        await Expect(page.GetByTestId("fees")).ToBeVisibleAsync();
    }
}

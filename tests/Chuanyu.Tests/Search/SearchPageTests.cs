using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Search;

/// <summary>The search page: the home page's box leads there, results with marked words, facets that narrow, errors in Chinese.</summary>
public sealed class SearchPageTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private async Task<(Guid A, Guid B)> PublishTwoAsync(string word)
    {
        var cqu = await factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync());
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var ids = new List<Guid>();
        foreach (var (name, district) in new[] { (word + "激光粒度仪", "500106"), (word + "纳米粒度仪", "510107") })
        {
            var created = await manager.PostAsJsonAsync("/api/v1/resources", new
            {
                kind = "Instrument",
                name,
                organizationId = cqu,
                districtCode = district,
                categoryCode = "010000",
                model = "LL-3000",
                manufacturer = "马尔文帕纳科",
                mainFunctions = "颗粒粒径分布测定 <b>不是标签</b>",
                originalValue = 900_000m,
                fees = new[] { new { userType = "Internal", price = 150m, unit = "样品" } },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
            Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{id}/publish", null)).StatusCode);
            ids.Add(id);
        }
        return (ids[0], ids[1]);
    }

    [Fact]
    public async Task HomeSearchBox_LeadsToTheSearchPage_WithMarkedResultsAndFacetsThatNarrow()
    {
        var (a, b) = await PublishTwoAsync("玲珑");
        var session = new PageSession(factory);
        var (_, home) = await session.GetAsync("/");
        var form = home.QuerySelector("[data-testid=home-search]")!;
        Assert.Equal("/Search", form.GetAttribute("action"));
        Assert.Equal("q", form.QuerySelector("input")!.GetAttribute("name"));

        var (response, page) = await session.GetAsync("/Search?q=" + Uri.EscapeDataString("玲珑 粒度仪"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("共 2 条结果", page.QuerySelector("[data-testid=result-count]")!.TextContent, StringComparison.Ordinal);
        var results = page.QuerySelectorAll("[data-testid=results] > li").Select(li => Guid.Parse(li.GetAttribute("data-id")!)).ToList();
        Assert.Equal(new[] { a, b }.Order(), results.Order());
        var marks = page.QuerySelectorAll("[data-testid=results] mark").Select(m => m.TextContent).ToList();
        Assert.Contains("玲珑", marks);
        Assert.Contains("粒度仪", marks);
        // The description's markup is shown as text, never as markup.
        Assert.Empty(page.QuerySelectorAll("[data-testid=results] b"));
        Assert.Contains("<b>不是标签</b>", page.QuerySelector("[data-testid=results]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/Resources/" + a, page.QuerySelector($"[data-id='{a}'] h2 a")!.GetAttribute("href"));

        var sichuan = page.QuerySelectorAll("[data-facet=region] a").Single(x => x.TextContent == "四川省");
        var (_, narrowed) = await session.GetAsync(sichuan.GetAttribute("href")!);
        Assert.Equal([b], narrowed.QuerySelectorAll("[data-testid=results] > li").Select(li => Guid.Parse(li.GetAttribute("data-id")!)));
        Assert.Contains("共 1 条结果", narrowed.QuerySelector("[data-testid=result-count]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("四川省", narrowed.QuerySelector("[data-facet=region] strong")!.TextContent);
    }

    [Fact]
    public async Task OverLongQuery_IsMarkedInChinese_AndBadFilterIsExplained()
    {
        var session = new PageSession(factory);
        var (response, page) = await session.GetAsync("/Search?q=" + new string('仪', 101));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("检索词不能超过 100 个字", page.QuerySelector("[data-testid=q-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", page.QuerySelector("#q")!.ClassName, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("[data-testid=results]"));

        var (_, bad) = await session.GetAsync("/Search?q=x&district=" + Uri.EscapeDataString("510107' OR 1=1--"));
        Assert.Contains("6 位行政区划代码", bad.QuerySelector("[data-testid=filter-error]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InEnglish_TheSamePageSpeaksEnglish()
    {
        await PublishTwoAsync("琳琅");
        var session = new PageSession(factory);
        await session.Client.GetAsync("/culture/en?returnUrl=/");
        var (_, page) = await session.GetAsync("/Search?q=" + Uri.EscapeDataString("琳琅"));
        Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
        Assert.Contains(" results", page.QuerySelector("[data-testid=result-count]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Research instrument", page.QuerySelector("[data-facet=kind]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypeTabs_CountEachType_AndATabKeepsOnlyItsRecords_WhileTheOtherTabsKeepTheirCounts()
    {
        var page = new PageSession(factory);
        var (_, all) = await page.GetAsync("/Search?q=" + Uri.EscapeDataString("重庆大学"));
        int Count(AngleSharp.Html.Dom.IHtmlDocument doc, string type) =>
            int.Parse(doc.QuerySelector($"[data-testid=type-tabs] a[data-type='{type}'] .badge")!.TextContent.Replace(",", "", StringComparison.Ordinal),
                System.Globalization.CultureInfo.InvariantCulture);
        var organizations = Count(all, "Organization");
        var instruments = Count(all, "Instrument");
        Assert.True(organizations >= 1 && instruments >= 1);
        Assert.Equal("单位", all.QuerySelector("[data-testid=type-tabs] a[data-type='Organization']")!.ChildNodes[0].TextContent.Trim());
        Assert.Equal("page", all.QuerySelector("[data-testid=type-tabs] a[data-type='']")!.GetAttribute("aria-current"));
        Assert.Contains(all.QuerySelectorAll("[data-testid=results] > li"), li => li.GetAttribute("data-type") == "Organization");

        // The organisations' tab: only organisations, each linked to its page; the other tabs still count theirs.
        var (response, orgs) = await page.GetAsync(all.QuerySelector("[data-testid=type-tabs] a[data-type='Organization']")!.GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("page", orgs.QuerySelector("[data-testid=type-tabs] a[data-type='Organization']")!.GetAttribute("aria-current"));
        var hits = orgs.QuerySelectorAll("[data-testid=results] > li");
        Assert.Equal(organizations, hits.Length);
        Assert.All(hits, li =>
        {
            Assert.Equal("Organization", li.GetAttribute("data-type"));
            Assert.StartsWith("/Organizations/Details/", li.QuerySelector("h2 a")!.GetAttribute("href"), StringComparison.Ordinal);
        });
        Assert.Equal(instruments, Count(orgs, "Instrument"));

        // An unknown type is marked in Chinese and can be removed.
        var (_, bad) = await page.GetAsync("/Search?q=" + Uri.EscapeDataString("重庆大学") + "&type=Expertise");
        Assert.Contains("记录类型无效", bad.QuerySelector("[data-testid=filter-error]")!.TextContent, StringComparison.Ordinal);
    }
}

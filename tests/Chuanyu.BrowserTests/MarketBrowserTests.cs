using System.Globalization;
using System.Text.RegularExpressions;
using Chuanyu.BrowserTests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Market;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// The technology market in a real Chromium: a member of 重庆大学 drafts a research result, submits it, the
/// organisation administrator approves it on the review page and it appears on the public list and in the search; a
/// stranger asks to read a confidential demand and sees its details once the owner approves; a bad form (TRL 12, a
/// minimum above the maximum) is marked on its fields in Chinese.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class MarketBrowserTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private static string Unique(string prefix) => prefix + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);

    /// <summary>Fills the result form with a complete, valid result.</summary>
    private static async Task FillAchievementAsync(IPage page, string title)
    {
        await page.Locator("#Form_Title").FillAsync(title);
        await page.Locator("#Form_Summary").FillAsync("浏览器测试：提升锂电池正极循环寿命的包覆工艺");
        await page.Locator("#Form_Type").SelectOptionAsync("InventionPatent");
        await page.Locator("#Form_Description").FillAsync("采用原子层沉积在高镍正极表面包覆氧化铝，循环 1000 次容量保持率 92%。");
        await page.Locator("#Form_DisciplineCodes").FillAsync("430");
        await page.Locator("#Form_IndustryCodes").FillAsync("C38");
        await page.Locator("#Form_Trl").SelectOptionAsync("6");
        await page.Locator("#Form_Stage").SelectOptionAsync("Trial");
        await page.Locator("#mode-Transfer").CheckAsync();
        await page.Locator("#Form_PriceMin").FillAsync("50");
        await page.Locator("#Form_PriceMax").FillAsync("120");
        await page.Locator("#Form_Inventors").FillAsync("张三、李四");
        await page.Locator("#Form_Keywords").FillAsync("锂电池、正极材料");
    }

    [Fact]
    public async Task AMemberDraftsAndSubmits_TheOrgAdminApproves_AndTheResultIsListedAndFound()
    {
        var title = Unique("浏览器测试高镍正极包覆技术");
        var member = await browser.NewPageAsync();
        await SignInAsync(member, "cqu.instrument@chuanyu.demo");
        await member.GotoAsync("/Market/Achievements/Edit");
        await FillAchievementAsync(member, title);
        await member.GetByTestId("save").ClickAsync();
        await Expect(member).ToHaveURLAsync(new Regex("/Market/Mine"), new() { Timeout = 30_000 });
        var row = member.GetByTestId("mine-row").Filter(new() { HasText = title });
        await row.GetByTestId("submit").ClickAsync();
        await Expect(member.GetByTestId("mine-row").Filter(new() { HasText = title })).ToContainTextAsync("待审核", new() { Timeout = 30_000 });

        var admin = await browser.NewPageAsync();
        await SignInAsync(admin, "cqu.admin@chuanyu.demo");
        await admin.GotoAsync("/Market/Review");
        var item = admin.GetByTestId("review-item").Filter(new() { HasText = title });
        await Expect(item).ToBeVisibleAsync(Slow);
        await item.GetByTestId("approve").ClickAsync();
        await Expect(admin.GetByTestId("done")).ToBeVisibleAsync(Slow);
        await Expect(admin.GetByTestId("review-item").Filter(new() { HasText = title })).ToHaveCountAsync(0);

        var visitor = await browser.NewPageAsync();
        await visitor.GotoAsync("/Market/Achievements?q=" + Uri.EscapeDataString(title));
        await Expect(visitor.GetByTestId("market-row").Filter(new() { HasText = title })).ToBeVisibleAsync(Slow);
        await SaveScreenshotAsync(visitor, "market-achievements.png");
        await visitor.GotoAsync("/Search?q=" + Uri.EscapeDataString(title));
        await Expect(visitor.GetByTestId("results").GetByRole(AriaRole.Link).Filter(new() { HasText = title })).ToBeVisibleAsync(Slow);
    }

    /// <summary>A demand of 重庆大学 made live and confidential, with no access requests: the arrangement, written to the database.</summary>
    private async Task<(Guid Id, string Title, string Details)> ConfidentialDemandAsync()
    {
        using var scope = browser.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var cqu = await db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync();
        var demand = await db.Set<Demand>().Where(d => d.OrganizationId == cqu).OrderBy(d => d.Id).FirstAsync();
        var details = Unique("浏览器测试保密细节：目标热阻降低 30%，编号 ");
        var until = DateTimeOffset.UtcNow.AddDays(60);
        // Saved through the tracked entity, so the search index follows.
        demand.Status = MarketStatus.Published;
        demand.Confidential = true;
        demand.Details = details;
        demand.Deadline = DateOnly.FromDateTime(until.UtcDateTime);
        demand.ExpiresAt = until;
        await db.SaveChangesAsync();
        await db.Set<DemandAccessRequest>().Where(r => r.DemandId == demand.Id).ExecuteDeleteAsync();
        return (demand.Id, demand.Title, details);
    }

    [Fact]
    public async Task AStrangerAsksForAConfidentialDemand_TheOwnerApproves_AndTheDetailsShow()
    {
        var (id, title, details) = await ConfidentialDemandAsync();
        var stranger = await browser.NewPageAsync();
        await SignInAsync(stranger, "engineer@chuanyu.demo");
        await stranger.GotoAsync($"/Market/Demands/{id}");
        await Expect(stranger.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync(Slow);
        await Expect(stranger.GetByTestId("details-withheld")).ToBeVisibleAsync(Slow);
        await Expect(stranger.GetByTestId("details")).ToHaveCountAsync(0);
        await stranger.Locator("#RequestMessage").FillAsync("蓉芯检测希望了解散热指标，评估合作可能。");
        await stranger.GetByTestId("access-request-submit").ClickAsync();
        await Expect(stranger.GetByTestId("my-request")).ToBeVisibleAsync(Slow);

        var owner = await browser.NewPageAsync();
        await SignInAsync(owner, "cqu.instrument@chuanyu.demo");
        await owner.GotoAsync($"/Market/Demands/{id}");
        var request = owner.GetByTestId("access-request").Filter(new() { HasText = "蓉芯" });
        await request.GetByTestId("approve-access").ClickAsync();
        await Expect(owner.GetByTestId("done")).ToBeVisibleAsync(Slow);

        await stranger.ReloadAsync();
        await Expect(stranger.GetByTestId("details")).ToContainTextAsync(details, new() { Timeout = 30_000 });
        await SaveScreenshotAsync(stranger, "market-demand-approved.png");
    }

    [Fact]
    public async Task ABadForm_IsMarkedOnItsFieldsInChinese()
    {
        var member = await browser.NewPageAsync();
        await SignInAsync(member, "cqu.instrument@chuanyu.demo");
        await member.GotoAsync("/Market/Achievements/Edit");
        await FillAchievementAsync(member, Unique("浏览器测试错误表单"));
        // The list offers TRL 1–9 only: a tampered request sends 12, which the server refuses on the field.
        await member.Locator("#Form_Trl").EvaluateAsync("s => { s.add(new Option('TRL 12', '12')); s.value = '12'; }");
        await member.Locator("#Form_PriceMin").FillAsync("200");
        await member.Locator("#Form_PriceMax").FillAsync("100");
        await member.GetByTestId("save").ClickAsync();

        await Expect(member.GetByTestId("error-trl")).ToContainTextAsync("技术成熟度须为 1–9", new() { Timeout = 30_000 });
        await Expect(member.GetByTestId("error-priceMax")).ToContainTextAsync("最低金额不得高于最高金额");
        await Expect(member.Locator("#Form_PriceMax")).ToHaveClassAsync(new Regex("is-invalid"));
        await Expect(member.GetByTestId("form-errors")).ToBeVisibleAsync();
        await SaveScreenshotAsync(member, "market-form-errors.png");
    }
}

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
/// The deal pages in a real Chromium: the demo technology manager opens 交易撮合 from the 技术市场 menu, takes a deal from
/// a demand's match list (the form comes filled in), moves it one stage after confirming, adds a note and sees the
/// timeline; the administrator of the buying organisation reads it without the move forms; another user gets the
/// not-found page. axe checks the deal's page on the way.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class DealsBrowserTests(BrowserFixture browser)
{
    private const string TechManager = "techmanager@chuanyu.demo";
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    /// <summary>The live demands of 重庆大学 (the buyer of the deals below), in a fixed order.</summary>
    private async Task<List<(Guid Id, string Title)>> DemandsOfCquAsync()
    {
        using var scope = browser.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var market = scope.ServiceProvider.GetRequiredService<MarketDirectory>();
        var cqu = await db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync();
        var rows = await market.LiveDemands().Where(d => d.OrganizationId == cqu).OrderBy(d => d.Id).Select(d => new { d.Id, d.Title }).ToListAsync();
        return [.. rows.Select(d => (d.Id, d.Title))];
    }

    private async Task<(Guid Id, string Title)> DemandOfCquAsync() => (await DemandsOfCquAsync())[0];

    [Fact]
    public async Task TheManagerTakesADealFromAMatch_MovesItOneStage_AddsANote_APartyAdminReadsIt_AnotherUserGetsNotFound()
    {
        var demands = await DemandsOfCquAsync();
        var title = "浏览器测试交易" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        var manager = await browser.NewPageAsync();
        await SignInAsync(manager, TechManager);
        await ClickInHeaderAsync(manager, "nav-deals");
        await Expect(manager).ToHaveURLAsync(new Regex("/Deals$"), new() { Timeout = 30_000 });
        await Expect(manager.GetByTestId("dashboard")).ToBeVisibleAsync(Slow);

        // The form as a match list's 发起交易 link opens it (the browser host's match lists of 重庆大学's demands are empty).
        var (demandId, demandTitle) = demands[0];
        await manager.GotoAsync($"/Deals/New?demandId={demandId}&source=Match");
        await Expect(manager.GetByTestId("from-demand")).ToHaveTextAsync(demandTitle, new() { Timeout = 30_000 });
        await Expect(manager.GetByTestId("from-source")).ToHaveTextAsync("智能匹配");
        await manager.Locator("#Title").FillAsync(title);
        await manager.GetByTestId("deal-form").GetByRole(AriaRole.Button, new() { Name = "发起交易" }).ClickAsync();
        await Expect(manager).ToHaveURLAsync(new Regex("/Deals/[0-9a-f-]{36}$"), new() { Timeout = 30_000 });
        var dealPath = new Uri(manager.Url).AbsolutePath;
        await Expect(manager.GetByTestId("stage")).ToHaveTextAsync("线索");

        // One stage forward needs the confirmation: without it the deal stays where it is.
        var advance = manager.GetByTestId("advance-form");
        await advance.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(manager.Locator("#ConfirmAdvance")).ToHaveClassAsync(new Regex("is-invalid"), new() { Timeout = 30_000 });
        await Expect(manager.GetByTestId("stage")).ToHaveTextAsync("线索");
        await manager.GetByTestId("advance-form").Locator("#ConfirmAdvance").CheckAsync();
        await manager.GetByTestId("advance-form").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(manager.GetByTestId("stage")).ToHaveTextAsync("保密协议", new() { Timeout = 30_000 });

        await manager.Locator("#Text").FillAsync("浏览器测试：双方已签署保密协议");
        await manager.GetByTestId("note-form").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(manager.GetByTestId("notes")).ToContainTextAsync("双方已签署保密协议", new() { Timeout = 30_000 });
        await Expect(manager.GetByTestId("timeline").Locator("li")).ToHaveCountAsync(2);
        await Expect(manager.GetByTestId("timeline")).ToContainTextAsync("保密协议");
        var axe = AxeCheck.Describe(dealPath, await AxeCheck.SeriousViolationsAsync(manager));
        Assert.True(axe.Length == 0, axe);
        await manager.GotoAsync("/Deals");
        await Expect(manager.GetByTestId("deals")).ToContainTextAsync(title);

        // 重庆大学 buys (the demand is theirs): its administrator reads the deal, with no move, close or note forms.
        var partyAdmin = await browser.NewPageAsync();
        await SignInAsync(partyAdmin, "cqu.admin@chuanyu.demo");
        await partyAdmin.GotoAsync(dealPath);
        await Expect(partyAdmin.GetByTestId("stage")).ToHaveTextAsync("保密协议", new() { Timeout = 30_000 });
        await Expect(partyAdmin.GetByTestId("notes")).ToContainTextAsync("双方已签署保密协议");
        await Expect(partyAdmin.GetByTestId("advance-form")).ToHaveCountAsync(0);
        await Expect(partyAdmin.GetByTestId("close-form")).ToHaveCountAsync(0);
        await Expect(partyAdmin.GetByTestId("note-form")).ToHaveCountAsync(0);

        var stranger = await browser.NewPageAsync();
        await SignInAsync(stranger, "scu.researcher@chuanyu.demo");
        var response = await stranger.GotoAsync(dealPath);
        Assert.Equal(404, response?.Status);
        await Expect(stranger.GetByTestId("stage")).ToHaveCountAsync(0);
        await Expect(stranger.Locator("h1")).ToBeVisibleAsync(Slow);
    }

    [Fact]
    public async Task TheManagerStartsADealFromTheNewForm_AndAnUnconfirmedCloseLeavesItOpen()
    {
        var (demandId, demandTitle) = await DemandOfCquAsync();
        var manager = await browser.NewPageAsync();
        await SignInAsync(manager, TechManager);
        await manager.GotoAsync("/Deals");
        await manager.GetByTestId("new-deal").ClickAsync();
        await Expect(manager).ToHaveURLAsync(new Regex("/Deals/New$"), new() { Timeout = 30_000 });
        await manager.Locator("#DemandId").SelectOptionAsync(demandId.ToString());
        await manager.GetByTestId("deal-form").GetByRole(AriaRole.Button, new() { Name = "发起交易" }).ClickAsync();
        await Expect(manager).ToHaveURLAsync(new Regex("/Deals/[0-9a-f-]{36}$"), new() { Timeout = 30_000 });
        await Expect(manager.Locator("h1")).ToContainTextAsync(demandTitle);
        await Expect(manager.GetByTestId("stage")).ToHaveTextAsync("线索");
        await manager.Locator("#Reason").SelectOptionAsync("PriceGap");
        await manager.GetByTestId("close-form").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(manager.Locator("#ConfirmAdvance")).ToHaveClassAsync(new Regex("is-invalid"), new() { Timeout = 30_000 });
        await Expect(manager.GetByTestId("stage")).ToHaveTextAsync("线索");
        await Expect(manager.GetByTestId("advance-form")).ToBeVisibleAsync(Slow);
    }
}

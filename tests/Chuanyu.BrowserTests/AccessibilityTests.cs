using System.Text;
using Chuanyu.BrowserTests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Features.MarketEvents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// axe-core (WCAG 2.0/2.1 A and AA rules) on the public pages, in Chinese and in English, and on the signed-in pages
/// of several demo roles: no violation of serious or critical impact. The assertion message lists each rule, its help
/// text and link, and the elements it flagged.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class AccessibilityTests(BrowserFixture browser)
{
    /// <summary>Placeholders in the page lists, filled in from the demo catalogue at run time.</summary>
    private const string Resource = "{resource}";
    private const string Organization = "{organization}";
    private const string Achievement = "{achievement}";
    private const string Demand = "{demand}";
    private const string Event = "{event}";

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public async Task PublicPages_HaveNoSeriousOrCriticalAxeViolations(string culture)
    {
        var page = await browser.NewPageAsync();
        if (culture != "zh-CN")
        {
            await page.GotoAsync($"/culture/{culture}?returnUrl=%2F");
        }

        await AssertNoSeriousViolationsAsync(page,
            "/",
            "/Search?q=" + Uri.EscapeDataString("电镜"),
            $"/Resources/{Resource}",
            "/Organizations",
            $"/Organizations/Details/{Organization}",
            $"/Organizations/{Organization}/Resources",
            "/Accounts/Login",
            "/Accounts/Register",
            "/Accounts/ForgotPassword",
            "/Signatures/Verify",
            "/Vouchers",
            "/Vouchers/Providers",
            "/Experts",
            "/Contracts/Statistics",
            "/Market/Achievements",
            "/Market/Demands",
            $"/Market/Achievements/{Achievement}",
            $"/Market/Demands/{Demand}",
            "/Market/Events",
            $"/Market/Events/{Event}");
    }

    [Theory]
    [InlineData("scu.researcher@chuanyu.demo", "/Me", "/Me/Bookings", "/Me/ServiceOrders", "/Me/Sessions", "/Me/Privacy", "/Me/ChangePassword", "/Me/TwoFactor")]
    [InlineData("engineer@chuanyu.demo", $"/Resources/{Resource}", $"/Resources/{Resource}/Book", "/Me/Bookings")]
    [InlineData("cqu.instrument@chuanyu.demo", "/Me/Resources", "/Me/BookingQueue", "/Me/ServiceOrderQueue", $"/Resources/{Resource}", $"/Resources/{Resource}/BookingRules", $"/Me/Resources/{Resource}/Edit", "/Me/Resources/New")]
    [InlineData("cq.admin@chuanyu.demo", "/Me/BookingQueue", "/Evaluation", "/Admin/Organizations")]
    [InlineData("auditadmin@chuanyu.demo", "/Admin/Audit")]
    [InlineData("secadmin@chuanyu.demo", "/Admin/Users", "/Admin/ApiClients", "/Admin/SecurityPolicy")]
    [InlineData("sysadmin@chuanyu.demo", "/Admin/System", "/Admin/Outbox")]
    [InlineData("sc.admin@chuanyu.demo", "/Vouchers/Admin/Programmes", "/Vouchers/Admin/Applications", "/Vouchers/Admin/Providers")]
    // integrity: the shared records and the form
    [InlineData("cq.admin@chuanyu.demo", "/Admin/Integrity", "/Admin/Integrity/Edit")]
    [InlineData("cqu.admin@chuanyu.demo", "/Vouchers/Applications", "/Vouchers/Provider/Register")]
    // contracts: the region's registrations and the form
    [InlineData("cq.admin@chuanyu.demo", "/Contracts", "/Contracts/Register")]
    // xpages: the expert pool's pages
    [InlineData("cq.admin@chuanyu.demo", "/Admin/Experts", "/Admin/Experts/New", "/Admin/Experts/Import")]
    [InlineData("expert1@chuanyu.demo", "/Me/Expert")]
    // review activities (main)
    [InlineData("cq.admin@chuanyu.demo", "/Experts/Reviews", "/Experts/Assignments")]
    [InlineData("expert1@chuanyu.demo", "/Me/Invitations", "/Me/Relations", "/Experts/Match")]
    // showcase (issue 17): the market's signed-in pages and the organiser's event page
    [InlineData("cqu.admin@chuanyu.demo", "/Market/Mine", "/Market/Review", $"/Market/Achievements/{Achievement}", $"/Market/Demands/{Demand}")]
    [InlineData("sc.admin@chuanyu.demo", $"/Market/Events/{Event}", $"/Market/Events/{Event}/Manage")]
    // dealsflow: the deal pages (a deal's own page is checked by DealsBrowserTests)
    [InlineData("techmanager@chuanyu.demo", "/Deals", "/Deals/New", "/Deals/Profile", "/Deals/Managers")]
    [InlineData("cq.admin@chuanyu.demo", "/Deals/Review", "/Deals")]
    public async Task SignedInPages_HaveNoSeriousOrCriticalAxeViolations(string email, params string[] paths)
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, email);
        await AssertNoSeriousViolationsAsync(page, paths);
    }

    /// <summary>Visits every page (it must answer 200 without redirecting elsewhere) and collects what axe finds on all of them before asserting.</summary>
    private async Task AssertNoSeriousViolationsAsync(IPage page, params string[] paths)
    {
        var (resource, organization) = await DemoInstrumentAsync(page);
        var (achievement, demand, matchmaking) = await DemoMarketAsync();
        var report = new StringBuilder();
        foreach (var template in paths)
        {
            var path = template.Replace(Resource, resource, StringComparison.Ordinal).Replace(Organization, organization, StringComparison.Ordinal)
                .Replace(Achievement, achievement, StringComparison.Ordinal).Replace(Demand, demand, StringComparison.Ordinal).Replace(Event, matchmaking, StringComparison.Ordinal);
            var response = await page.GotoAsync(path);
            Assert.True(response is { Status: 200 }, $"{path} answered {response?.Status}");
            Assert.Equal(new Uri(new Uri(page.Url), path).PathAndQuery, new Uri(page.Url).PathAndQuery);
            report.Append(AxeCheck.Describe(path, await AxeCheck.SeriousViolationsAsync(page)));
        }
        Assert.True(report.Length == 0, "axe-core found serious or critical violations:\n" + report);
    }

    /// <summary>A live result and demand of 重庆大学 and the demo's open event of 电子科技大学 (organised by Sichuan's administrator).</summary>
    private async Task<(string Achievement, string Demand, string Event)> DemoMarketAsync()
    {
        using var scope = browser.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var market = scope.ServiceProvider.GetRequiredService<MarketDirectory>();
        var cqu = await db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync();
        var achievement = await market.LiveAchievements().Where(a => a.OrganizationId == cqu).OrderBy(a => a.Id).Select(a => a.Id).FirstAsync();
        var demand = await market.LiveDemands().Where(d => d.OrganizationId == cqu).OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
        var matchmaking = await db.Set<MatchmakingEvent>().Where(e => e.Title == "电子信息技术成果对接会（示例）").Select(e => e.Id).SingleAsync();
        return (achievement.ToString(), demand.ToString(), matchmaking.ToString());
    }
}

using System.Text;
using Chuanyu.BrowserTests.Infrastructure;
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
            "/Contracts/Statistics");
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
    public async Task SignedInPages_HaveNoSeriousOrCriticalAxeViolations(string email, params string[] paths)
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, email);
        await AssertNoSeriousViolationsAsync(page, paths);
    }

    /// <summary>Visits every page (it must answer 200 without redirecting elsewhere) and collects what axe finds on all of them before asserting.</summary>
    private static async Task AssertNoSeriousViolationsAsync(IPage page, params string[] paths)
    {
        var (resource, organization) = await DemoInstrumentAsync(page);
        var report = new StringBuilder();
        foreach (var template in paths)
        {
            var path = template.Replace(Resource, resource, StringComparison.Ordinal).Replace(Organization, organization, StringComparison.Ordinal);
            var response = await page.GotoAsync(path);
            Assert.True(response is { Status: 200 }, $"{path} answered {response?.Status}");
            Assert.Equal(new Uri(new Uri(page.Url), path).PathAndQuery, new Uri(page.Url).PathAndQuery);
            report.Append(AxeCheck.Describe(path, await AxeCheck.SeriousViolationsAsync(page)));
        }
        Assert.True(report.Length == 0, "axe-core found serious or critical violations:\n" + report);
    }
}

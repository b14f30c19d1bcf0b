using Chuanyu.BrowserTests.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// The header on a common laptop screen (1366 × 900): one row for every demo role, in Chinese and in English, and every
/// page the role may open from it reachable, directly or by opening its menu from the keyboard.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class HeaderTests(BrowserFixture browser)
{
    /// <summary>A navbar of one row: Bootstrap's padding around one line of links (about 56 px); two rows pass 90 px.</summary>
    private const double OneRowHeight = 70;

    // vpages: 科技创新券 in the navigation and 我的申领 in the account menu for everyone signed in; the region administrators' pages.
    private static readonly string[] VoucherEntries = ["/Vouchers", "/Vouchers/Applications", "/Vouchers/Mine"];
    private static readonly string[] VoucherAdmin =
    [
        "/Admin/Smes", "/Vouchers/Admin/Programmes", "/Vouchers/Admin/Applications", "/Vouchers/Admin/Providers", "/Vouchers/Admin/Redemptions",
        "/Vouchers/Admin/Ledger", "/Vouchers/Admin/Payouts", "/Vouchers/Admin/Settlement", "/Vouchers/Admin/Alerts",
        "/Admin/Integrity", // integrity: the records shared by both regions
    ];

    // xpages: 专家库 in the navigation for everyone, 专家管理 for the region administrators, 我的专家信息 for experts.
    private static readonly string[] ExpertAdmin = ["/Admin/Experts", "/Experts/Reviews"];
    private static readonly string[] ExpertOwn = ["/Me/Expert", "/Me/Invitations", "/Me/Relations"];

    // market, events, contracts: the 技术市场 menu for everyone (本单位成果与需求 once signed in); 技术合同登记 for the region administrators.
    private static readonly string[] MarketEntries = ["/Market/Achievements", "/Market/Demands", "/Market/Events", "/Contracts/Statistics", "/Market/Mine"];

    private static readonly string[] SignedIn =
        ["/Search", "/Organizations", "/Me/Bookings", "/Me/ServiceOrders", "/Me", "/Me/ChangePassword", "/Me/Sessions", "/Me/Privacy", "/Me/TwoFactor", .. VoucherEntries, "/Experts", .. MarketEntries];

    private static readonly string[] Manager = ["/Me/Resources", "/Me/BookingQueue", "/Me/ServiceOrderQueue", "/Evaluation"];

    /// <summary>What each demo account may open from the header (the development host, so the system admin has the outbox).</summary>
    private static readonly Dictionary<string, string[]> Entries = new(StringComparer.Ordinal)
    {
        ["sysadmin@chuanyu.demo"] = [.. SignedIn, "/Evaluation", "/Admin/Organizations", "/Admin/System", "/Search/Vocabulary", "/Admin/Outbox"],
        ["secadmin@chuanyu.demo"] = [.. SignedIn, "/Admin/Users", "/Admin/ApiClients", "/Admin/SecurityPolicy", "/Admin/Integrity"],
        ["auditadmin@chuanyu.demo"] = [.. SignedIn, "/Admin/Audit", "/Vouchers/Admin/Ledger"],
        ["cq.admin@chuanyu.demo"] = [.. SignedIn, "/Evaluation", "/Admin/Organizations", .. VoucherAdmin, .. ExpertAdmin, "/Contracts"],
        ["sc.admin@chuanyu.demo"] = [.. SignedIn, "/Evaluation", "/Admin/Organizations", .. VoucherAdmin, .. ExpertAdmin, "/Contracts"],
        ["cqu.admin@chuanyu.demo"] = [.. SignedIn, .. Manager, "/Deals"],
        ["cqu.instrument@chuanyu.demo"] = [.. SignedIn, .. Manager],
        ["scu.researcher@chuanyu.demo"] = SignedIn,
        ["engineer@chuanyu.demo"] = SignedIn,
        ["expert1@chuanyu.demo"] = [.. SignedIn, .. ExpertOwn],
        ["expert2@chuanyu.demo"] = [.. SignedIn, .. ExpertOwn],
        ["techmanager@chuanyu.demo"] = [.. SignedIn, "/Deals"], // deals: 交易撮合 in the 技术市场 menu (technology managers, organisation admins)
    };

    public static TheoryData<string, string> RolesAndLanguages()
    {
        var data = new TheoryData<string, string>();
        foreach (var account in DemoData.Accounts)
        {
            data.Add(account.Email, "zh-CN");
            data.Add(account.Email, "en");
        }
        return data;
    }

    [Fact]
    public void EveryDemoAccount_HasItsHeaderEntriesListed() =>
        Assert.Equal(DemoData.Accounts.Select(a => a.Email).Order(StringComparer.Ordinal), Entries.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(RolesAndLanguages))]
    public async Task Header_IsOneRowAt1366_AndEveryEntryOfTheRoleIsReachable(string email, string culture)
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportSizeAsync(1366, 900);
        await SignInAsync(page, email);
        await page.GotoAsync(culture == "zh-CN" ? "/" : "/culture/en?returnUrl=%2F");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", culture);

        var problems = new List<string>();
        var nav = page.Locator("header nav.navbar");
        var height = (await nav.BoundingBoxAsync())!.Height;
        if (height > OneRowHeight)
        {
            problems.Add($"the navbar is {height:0} px high (one row is at most {OneRowHeight} px)");
        }
        var tops = new List<float>();
        foreach (var item in await nav.Locator(".navbar-brand, .navbar-nav > .nav-item").AllAsync())
        {
            tops.Add((await item.BoundingBoxAsync())!.Y);
        }
        if (tops.Max() - tops.Min() > 12)
        {
            problems.Add($"the top-level items start at different heights: {string.Join(", ", tops.Select(t => t.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} px");
        }

        // Exactly the role's links, no more (the brand and the language switch aside).
        var hrefs = new List<string>();
        foreach (var link in await nav.Locator("a[href]").AllAsync())
        {
            var href = await link.GetAttributeAsync("href") ?? "";
            if (href != "/" && !href.StartsWith("/culture/", StringComparison.Ordinal))
            {
                hrefs.Add(href);
            }
        }
        var expected = Entries[email];
        if (!hrefs.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal)))
        {
            problems.Add($"the header links are [{string.Join(", ", hrefs)}], expected [{string.Join(", ", expected)}]");
        }

        foreach (var href in expected)
        {
            if (!await ReachableAsync(page, nav.Locator($"a[href='{href}']")))
            {
                problems.Add($"{href} is not reachable from the header");
            }
        }
        if (!await ReachableAsync(page, nav.Locator("form[method=post] button[type=submit]")))
        {
            problems.Add("the sign-out button is not reachable from the header");
        }
        var signOut = nav.Locator("form[method=post]");
        if (await signOut.GetAttributeAsync("action") != "/Accounts/Logout" || await signOut.Locator("input[name=__RequestVerificationToken]").CountAsync() != 1)
        {
            problems.Add("sign-out is not a POST to /Accounts/Logout with its antiforgery token");
        }
        if (!await nav.Locator("a[href^='/culture/']").IsVisibleAsync() || !await nav.GetByTestId("current-user").IsVisibleAsync())
        {
            problems.Add("the language switch or the person's name is not visible in the header");
        }

        await SaveScreenshotAsync(page, $"header-{email.Split('@')[0]}-{culture}.png");
        Assert.True(problems.Count == 0, $"{email} ({culture}): " + string.Join("; ", problems));
    }

    /// <summary>
    /// Visible as it is, or once its menu is opened from the keyboard (Enter on the toggle, which then says it is
    /// expanded); the menu is closed again with Escape.
    /// </summary>
    private static async Task<bool> ReachableAsync(IPage page, ILocator entry)
    {
        if (await entry.CountAsync() != 1)
        {
            return false;
        }
        if (await entry.IsVisibleAsync())
        {
            return true;
        }
        var toggle = MenuToggleOf(entry);
        if (await toggle.CountAsync() != 1)
        {
            return false;
        }
        await toggle.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var reachable = true;
        try
        {
            await entry.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
            reachable = false;
        }
        reachable = reachable && await toggle.GetAttributeAsync("aria-expanded") == "true";
        await page.Keyboard.PressAsync("Escape");
        return reachable;
    }
}

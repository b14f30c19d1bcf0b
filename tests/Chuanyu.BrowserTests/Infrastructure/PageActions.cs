using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests.Infrastructure;

/// <summary>What many browser tests do: sign a demo account in, and keep a screenshot of a page.</summary>
public static class PageActions
{
    /// <summary>Signs in through the login form and waits until the header names the person.</summary>
    public static async Task SignInAsync(IPage page, string email, string password = Chuanyu.Web.Seeding.DemoData.Password)
    {
        await page.GotoAsync("/Accounts/Login");
        await page.GetByLabel("邮箱", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
        // The header names the person once the sign-in (deliberately slow password hashing) is through; polled, not a load
        // event, and generous, because CI runs both test projects at once on two cores.
        await Expect(page.GetByTestId("current-user")).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }

    /// <summary>
    /// Follows a header link by its test id as a person would: when it sits in a menu (管理, or the account menu under
    /// the person's name), opens that menu first.
    /// </summary>
    public static async Task ClickInHeaderAsync(IPage page, string testId)
    {
        var link = page.Locator("header nav").GetByTestId(testId);
        if (!await link.IsVisibleAsync())
        {
            await MenuToggleOf(link).ClickAsync();
        }
        await link.ClickAsync();
    }

    /// <summary>The button that opens the Bootstrap dropdown an entry sits in (none when it is not in one).</summary>
    public static ILocator MenuToggleOf(ILocator entry) =>
        entry.Locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' dropdown ')][1]/*[contains(concat(' ', @class, ' '), ' dropdown-toggle ')]");

    /// <summary>Full-page screenshot into the test output (screenshots/) and, when set, <c>CHUANYU_SCREENSHOT_DIR</c>; returns its path.</summary>
    public static async Task<string> SaveScreenshotAsync(IPage page, string fileName)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        var extra = Environment.GetEnvironmentVariable("CHUANYU_SCREENSHOT_DIR");
        if (!string.IsNullOrWhiteSpace(extra))
        {
            Directory.CreateDirectory(extra);
            File.Copy(path, Path.Combine(extra, fileName), overwrite: true);
        }
        return path;
    }

    /// <summary>The demo's field-emission SEM at 重庆大学 (bookable, managed by cqu.instrument) and its organisation, found through search.</summary>
    public static async Task<(string Resource, string Organization)> DemoInstrumentAsync(IPage page)
    {
        await page.GotoAsync("/Search?q=" + Uri.EscapeDataString("GeminiSEM 300"));
        var href = await page.GetByTestId("results").GetByRole(AriaRole.Link).Filter(new() { HasText = "GeminiSEM 300" }).First.GetAttributeAsync("href")
            ?? throw new InvalidOperationException("The search result has no link.");
        var resource = href.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
        await page.GotoAsync($"/Resources/{resource}");
        var orgHref = await page.Locator(".breadcrumb a").First.GetAttributeAsync("href")
            ?? throw new InvalidOperationException("The resource page has no organisation link.");
        return (resource, orgHref.Split('/', StringSplitOptions.RemoveEmptyEntries)[1]);
    }
}

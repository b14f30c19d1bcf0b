using Chuanyu.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>Sign-in and language switch in a real browser against the real app on Kestrel.</summary>
[Collection(BrowserSuite.Name)]
public sealed class SignInTests(BrowserFixture browser)
{
    private const string Password = Chuanyu.Web.Seeding.DemoData.Password;

    [Fact]
    public async Task SignIn_AsDemoResearcher_ShowsUserCentreInChinese()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "登录", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(browser.BaseAddress, "/Accounts/Login").ToString());

        await page.GetByLabel("邮箱", new() { Exact = true }).FillAsync("scu.researcher@chuanyu.demo");
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(browser.BaseAddress, "/Me").ToString());
        await Expect(page.GetByTestId("current-user")).ToHaveTextAsync("四川大学 李娜（研究员）");
        await Expect(page.GetByTestId("me-name")).ToHaveTextAsync("四川大学 李娜（研究员）");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "个人中心", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("my-roles").GetByRole(AriaRole.Cell, new() { Name = "单位成员", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");

        // Chinese must render with a CJK font, not as missing-glyph boxes.
        await page.EvaluateAsync("document.fonts.ready");
        Assert.True(await page.EvaluateAsync<bool>("document.fonts.check('16px \"Noto Sans CJK SC\"')"),
            "document.fonts.check reports Noto Sans CJK SC as unavailable");
        var bodyFont = await page.EvaluateAsync<string>("getComputedStyle(document.body).fontFamily");
        Assert.Contains("Noto Sans CJK SC", bodyFont, StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>(FontIsInstalledScript, "Noto Sans CJK SC"),
            "Noto Sans CJK SC is not installed: text measured in it matches the generic fallback fonts");

        var screenshot = await SaveScreenshotAsync(page, "signin-me.png");
        Assert.True(new FileInfo(screenshot).Length > 0);
    }

    [Fact]
    public async Task WrongPassword_ShowsChineseErrorAndStaysOnLogin()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Accounts/Login");

        // Not the researcher: a failed attempt counts towards lockout, so the other tests keep a clean account.
        await page.GetByLabel("邮箱", new() { Exact = true }).FillAsync("engineer@chuanyu.demo");
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync("Wrong-Password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("邮箱或密码不正确");
        await Expect(page).ToHaveURLAsync(new Uri(browser.BaseAddress, "/Accounts/Login").ToString());
        await Expect(page.GetByTestId("current-user")).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("邮箱", new() { Exact = true })).ToHaveValueAsync("engineer@chuanyu.demo");
    }

    [Fact]
    public async Task LanguageSwitch_ShowsEnglish()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Accounts/Login");
        await Expect(Nav(page).GetByRole(AriaRole.Link, new() { Name = "川渝科技资源共享服务平台" })).ToBeVisibleAsync();

        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "English", Exact = true }).ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page).ToHaveURLAsync(new Uri(browser.BaseAddress, "/Accounts/Login").ToString());
        await Expect(Nav(page).GetByRole(AriaRole.Link, new() { Name = "Chuanyu", Exact = true })).ToBeVisibleAsync();
        await Expect(Nav(page).GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("E-mail", new() { Exact = true })).ToBeVisibleAsync();

        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "中文", Exact = true }).ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(Nav(page).GetByRole(AriaRole.Link, new() { Name = "川渝科技资源共享服务平台" })).ToBeVisibleAsync();
        await Expect(Nav(page).GetByRole(AriaRole.Link, new() { Name = "登录", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录", Level = 1 })).ToBeVisibleAsync();
    }

    private static ILocator Nav(IPage page) => page.GetByRole(AriaRole.Navigation);

    /// <summary>
    /// <c>document.fonts.check</c> can be true for a system font that is not there (nothing in the document's font
    /// set matches, so nothing is "unloaded"). This measures instead: a font that is installed changes the width of a
    /// test string against at least one of the generic fallbacks.
    /// </summary>
    private const string FontIsInstalledScript = """
        family => {
            const ctx = document.createElement('canvas').getContext('2d');
            const sample = 'mmmmmmmmmmlli川渝科技资源共享';
            return ['monospace', 'serif', 'sans-serif'].some(generic => {
                ctx.font = `72px ${generic}`;
                const fallback = ctx.measureText(sample).width;
                ctx.font = `72px "${family}", ${generic}`;
                return ctx.measureText(sample).width !== fallback;
            });
        }
        """;
}

using Chuanyu.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>The security administrator creates an account in the browser; its owner must replace the initial password first.</summary>
[Collection(BrowserSuite.Name)]
public sealed class AdministrationTests(BrowserFixture browser)
{
    [Fact]
    public async Task SecurityAdmin_CreatesAnAccount_WhoseOwnerMustChangeTheInitialPassword()
    {
        var admin = await browser.NewPageAsync();
        await SignInAsync(admin, "secadmin@chuanyu.demo", Chuanyu.Web.Seeding.DemoData.Password);
        await admin.GotoAsync("/Admin/Users");
        await admin.GetByText("新建账号", new() { Exact = true }).ClickAsync();
        var email = $"browser-{Guid.NewGuid():N}@example.cn";
        var form = admin.GetByTestId("create-account");
        await form.GetByLabel("姓名").FillAsync("浏览器新建 王五");
        await form.GetByLabel("邮箱").FillAsync(email);
        await form.GetByLabel("手机号").FillAsync("139-0000-1111");
        await form.GetByRole(AriaRole.Button, new() { Name = "创建", Exact = true }).ClickAsync();

        await Expect(admin.GetByTestId("created-account")).ToContainTextAsync(email);
        var password = (await admin.GetByTestId("initial-password").TextContentAsync())!.Trim();
        await Expect(admin.GetByTestId("users")).ToContainTextAsync("139****1111");

        var person = await browser.NewPageAsync();
        await SignInAsync(person, email, password);
        await Expect(person).ToHaveURLAsync(new Uri(browser.BaseAddress, "/Me/ChangePassword").ToString());
        await Expect(person.GetByTestId("password-initial")).ToBeVisibleAsync();
        await person.GotoAsync("/Organizations");
        await Expect(person).ToHaveURLAsync(new Uri(browser.BaseAddress, "/Me/ChangePassword").ToString());

        await person.GetByLabel("当前密码").FillAsync(password);
        await person.GetByLabel("新密码").FillAsync("Browser-Own-Pw7");
        await person.GetByRole(AriaRole.Button, new() { Name = "保存新密码" }).ClickAsync();
        await Expect(person).ToHaveURLAsync(new Uri(browser.BaseAddress, "/Me").ToString());
        await person.GotoAsync("/Organizations");
        await Expect(person).ToHaveURLAsync(new Uri(browser.BaseAddress, "/Organizations").ToString());
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Accounts/Login");
        await page.GetByLabel("邮箱", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
        // Wait for the redirect away from the login page rather than a load event, which can race the click's navigation;
        // as generous as PageActions.SignInAsync, since the password hashing is slow on purpose and CI runs both test
        // projects at once on two cores (30 s was once not enough there).
        await page.WaitForURLAsync(url => !url.Contains("/Accounts/Login", StringComparison.Ordinal), new() { Timeout = 60_000 });
    }
}

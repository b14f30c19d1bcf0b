using System.IO.Compression;
using Chuanyu.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>The audit administrator filters the audit, downloads the signed export, and anyone checks it on the verify page.</summary>
[Collection(BrowserSuite.Name)]
public sealed class AuditExportTests(BrowserFixture browser)
{
    [Fact]
    public async Task AuditAdmin_ExportsSignedExcel_AndTheVerifyPageAcceptsItButNotAChangedCopy()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Accounts/Login");
        await page.GetByLabel("邮箱", new() { Exact = true }).FillAsync("auditadmin@chuanyu.demo");
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync(Chuanyu.Web.Seeding.DemoData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("current-user")).ToBeVisibleAsync();

        await page.GotoAsync("/Admin/Audit");
        await Expect(page.GetByTestId("audit-verification")).ToContainTextAsync("哈希链完整");
        await page.GetByLabel("操作人", new() { Exact = true }).FillAsync("auditadmin");
        await page.GetByLabel("操作类型", new() { Exact = true }).FillAsync("auth.login");
        await page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("actor=auditadmin"));
        await Expect(page.GetByTestId("audit-entries").Locator("tbody tr").First).ToContainTextAsync("auth.login");
        await SaveScreenshotAsync(page, "audit-search.png");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "导出 Excel（含签名）" }).ClickAsync());
        Assert.EndsWith(".zip", download.SuggestedFilename, StringComparison.Ordinal);
        var dir = Directory.CreateTempSubdirectory("chuanyu-audit-download-");
        try
        {
            var zipPath = Path.Combine(dir.FullName, download.SuggestedFilename);
            await download.SaveAsAsync(zipPath);
            ZipFile.ExtractToDirectory(zipPath, dir.FullName);
            var xlsx = Directory.GetFiles(dir.FullName, "*.xlsx").Single();
            var sig = xlsx + ".sig";
            Assert.True(File.Exists(sig));

            var verify = await browser.NewPageAsync(); // a person without an account
            await verify.GotoAsync("/Signatures/Verify");
            await verify.GetByLabel("要核验的文件", new() { Exact = true }).SetInputFilesAsync(xlsx);
            await verify.GetByLabel("签名文件（.sig）", new() { Exact = true }).SetInputFilesAsync(sig);
            await verify.GetByRole(AriaRole.Button, new() { Name = "验签", Exact = true }).ClickAsync();
            await Expect(verify.GetByTestId("verify-result")).ToContainTextAsync("验签通过");
            await SaveScreenshotAsync(verify, "signature-verified.png");

            var changed = Path.Combine(dir.FullName, "changed.xlsx");
            var bytes = await File.ReadAllBytesAsync(xlsx);
            bytes[bytes.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(changed, bytes);
            await verify.GetByLabel("要核验的文件", new() { Exact = true }).SetInputFilesAsync(changed);
            await verify.GetByLabel("签名文件（.sig）", new() { Exact = true }).SetInputFilesAsync(sig);
            await verify.GetByRole(AriaRole.Button, new() { Name = "验签", Exact = true }).ClickAsync();
            await Expect(verify.GetByTestId("verify-result")).ToContainTextAsync("验签失败");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

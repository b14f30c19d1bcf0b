using System.Globalization;
using System.Text.RegularExpressions;
using Chuanyu.BrowserTests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// The Chongqing administrator registers a technology contract through the form in a real Chromium: a transaction
/// amount above the contract amount is marked on its field in Chinese, the corrected form with its PDF registers, and
/// the public statistics count one more contract for Chongqing.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class ContractsBrowserTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private static async Task<long> ChongqingContractsAsync(IPage page)
    {
        await page.GotoAsync("/Contracts/Statistics?Region=500000");
        var text = await page.GetByTestId("total-contracts").InnerTextAsync(new() { Timeout = 30_000 });
        return long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task RegionAdmin_RegistersAContractThroughTheForm_AndTheStatisticsCountIt()
    {
        var admin = await browser.NewPageAsync();
        await SignInAsync(admin, "cq.admin@chuanyu.demo");
        var before = await ChongqingContractsAsync(admin);

        await ClickInHeaderAsync(admin, "nav-contracts");
        await Expect(admin).ToHaveURLAsync(new Regex("/Contracts$"), new() { Timeout = 30_000 });
        await admin.GetByTestId("register-contract").ClickAsync();
        await Expect(admin.GetByTestId("contract-form")).ToBeVisibleAsync(Slow);

        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var number = string.Create(CultureInfo.InvariantCulture, $"{today.Year % 100:00}500108{Random.Shared.Next(1, 999_999):000000}");
        await admin.Locator("#RegistrationNumber").FillAsync(number);
        await admin.Locator("#Title").FillAsync("浏览器测试：轨道车辆轻量化车体技术开发");
        await admin.Locator("#Type").SelectOptionAsync("Development");
        await admin.Locator("#Field").FillAsync("58030");
        await admin.Locator("#SellerName").FillAsync("浏览器测试大学");
        await admin.Locator("#SellerCreditCode").FillAsync(CreditCode.Complete("12500106" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture) + "0"));
        await admin.Locator("#SellerType").SelectOptionAsync("University");
        await admin.Locator("#BuyerName").FillAsync("浏览器测试买方有限公司");
        await admin.Locator("#BuyerCreditCode").FillAsync(CreditCode.Complete("91510107" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture) + "0"));
        await admin.Locator("#BuyerRegion").SelectOptionAsync("510000");
        await admin.Locator("#BuyerType").SelectOptionAsync("Enterprise");
        await admin.Locator("#ContractAmount").FillAsync("1000000");
        await admin.Locator("#TransactionAmount").FillAsync("1200000");
        await admin.Locator("#SignedOn").FillAsync(today.AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await admin.Locator("#StartsOn").FillAsync(today.AddDays(-5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await admin.Locator("#EndsOn").FillAsync(today.AddDays(365).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await admin.Locator("#RegisteredOn").FillAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await admin.Locator("#Upload").SetInputFilesAsync(new FilePayload { Name = "合同.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.4\n%%EOF\n"u8.ToArray() });
        await admin.GetByTestId("contract-submit").ClickAsync();

        // The transaction amount above the contract amount: marked on its field, in Chinese; nothing registered.
        var error = admin.GetByTestId("error-transactionAmountFen");
        await Expect(error).ToContainTextAsync("技术交易额不能大于合同成交额", new() { Timeout = 30_000 });
        await Expect(admin.Locator("#TransactionAmount")).ToHaveClassAsync(new Regex("is-invalid"), new() { Timeout = 30_000 });
        await SaveScreenshotAsync(admin, "contract-form-error.png");

        await admin.Locator("#TransactionAmount").FillAsync("800000");
        await admin.Locator("#Upload").SetInputFilesAsync(new FilePayload { Name = "合同.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.4\n%%EOF\n"u8.ToArray() });
        await admin.GetByTestId("contract-submit").ClickAsync();
        await Expect(admin.GetByTestId("contract-number")).ToHaveTextAsync(number, new() { Timeout = 30_000 });
        await Expect(admin.GetByTestId("transaction-amount")).ToHaveTextAsync("¥800,000.00", new() { Timeout = 30_000 });
        await Expect(admin.GetByTestId("contract-file")).ToBeVisibleAsync(Slow);
        await SaveScreenshotAsync(admin, "contract-registered.png");

        Assert.Equal(before + 1, await ChongqingContractsAsync(admin));
        await Expect(admin.GetByTestId("month-chart")).ToBeVisibleAsync(Slow);
        await SaveScreenshotAsync(admin, "contract-statistics.png");
    }
}

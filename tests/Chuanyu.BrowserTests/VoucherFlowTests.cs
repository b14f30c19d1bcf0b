using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chuanyu.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// The whole voucher path in a real Chromium, each step by the person who takes it: 蓉芯's administrator applies on a
/// programme's page, the Sichuan administrator approves (the voucher is issued), 蓉芯's engineer uses it on a finished
/// booking at 重庆大学, the instrument manager submits the redemption with invoice and proof, the Sichuan administrator
/// approves it, puts it in a payout batch, exports it and marks it paid, and the settlement of the quarter shows it.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class VoucherFlowTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions SlowText = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToContainTextOptions SlowContains = new() { Timeout = 30_000 };
    private static readonly long[] TenThousandYuan = [1_000_000L];
    private static readonly string[] BothCategories = ["InstrumentUse", "Testing"];

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    [Fact]
    public async Task Voucher_FromApplicationToPaidAndSettled()
    {
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(China).DateTime);
        var quarter = $"{today.Year}Q{(today.Month + 2) / 3}";
        var admin = await browser.NewPageAsync();
        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await SignInAsync(admin, "sc.admin@chuanyu.demo");

        // What the settlement shows as paid from Sichuan to Chongqing before this test pays anything.
        var paidBefore = await PaidAsync(admin, quarter);

        // Arrange through the platform's API: a Sichuan programme of its own (first come, 通兑, 20 %, other region
        // allowed), so the application is this test's (the demo's 蓉芯 has already applied to the demo's programmes).
        var code = "BT" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var name = $"浏览器测试创新券 {code}";
        var programme = await CreateOpenProgrammeAsync(admin, code, name, today);

        // 1. 蓉芯's administrator applies on the programme's page.
        var enterprise = await browser.NewPageAsync();
        await SignInAsync(enterprise, "rongxin.admin@chuanyu.demo");
        await enterprise.GotoAsync($"/Vouchers/Programmes/{programme}");
        await Expect(enterprise.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(name, SlowContains);
        await enterprise.GetByTestId("apply-link").ClickAsync();
        var applyForm = enterprise.GetByTestId("apply-form");
        await Expect(enterprise.GetByTestId("organization")).ToHaveTextAsync("成都蓉芯微纳检测技术有限公司", SlowText);
        await applyForm.GetByLabel("¥10,000.00").CheckAsync();
        await enterprise.GetByTestId("apply-submit").ClickAsync();
        await Expect(enterprise.GetByRole(AriaRole.Status)).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // 2. The Sichuan administrator approves the application: the voucher is issued.
        await admin.GotoAsync($"/Vouchers/Admin/Applications?programmeId={programme}");
        var application = admin.GetByTestId("admin-applications").Locator("tbody tr").Filter(new() { HasText = "成都蓉芯" });
        await Expect(application.GetByTestId("application-status")).ToHaveTextAsync("已提交", SlowText);
        await application.GetByTestId("approve").ClickAsync();
        await Expect(admin.GetByTestId("admin-applications").Locator("tbody tr").Filter(new() { HasText = "成都蓉芯" })
            .GetByTestId("application-status")).ToHaveTextAsync("已批准", SlowText);

        await enterprise.GotoAsync("/Vouchers/Mine");
        var voucherRow = enterprise.GetByTestId("my-vouchers").Locator("tbody tr").Filter(new() { HasText = name });
        await Expect(voucherRow.GetByTestId("balance")).ToHaveTextAsync("¥10,000.00", SlowText);
        var voucher = await voucherRow.GetAttributeAsync("data-code") ?? throw new InvalidOperationException("The voucher row has no code.");

        // 3. 蓉芯's engineer uses it on a finished booking of the demo at 重庆大学 that no voucher paid yet.
        var engineer = await browser.NewPageAsync();
        engineer.Dialog += (_, dialog) => dialog.AcceptAsync();
        await SignInAsync(engineer, "engineer@chuanyu.demo");
        await engineer.GotoAsync("/Me/Bookings?status=Completed");
        await engineer.GetByTestId("use-voucher").First.ClickAsync();
        await Expect(engineer).ToHaveURLAsync(new Regex("/Vouchers/Use"), new() { Timeout = 30_000 });
        await SaveScreenshotAsync(engineer, "voucher-use.png");
        await Expect(engineer.GetByTestId("use-form")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var option = engineer.GetByTestId("option").And(engineer.Locator($"[data-code='{voucher}']"));
        await option.GetByRole(AriaRole.Radio).CheckAsync();
        var feeText = await engineer.GetByTestId("fee").InnerTextAsync();
        var feeFen = Fen(feeText);
        var subsidyFen = feeFen / 5;
        await Expect(option.GetByTestId("option-estimate")).ToContainTextAsync(Money(subsidyFen));
        await engineer.GetByTestId("use-submit").ClickAsync();
        await Expect(engineer.GetByTestId("status")).ToHaveTextAsync("已预留，待服务机构提交", SlowText);
        await Expect(engineer.GetByTestId("subsidy")).ToHaveTextAsync(Money(subsidyFen));
        var redemptionUrl = new Uri(engineer.Url).AbsolutePath;

        // 4. The instrument manager submits it with the invoice number and the proof that 蓉芯 paid its share.
        var manager = await browser.NewPageAsync();
        manager.Dialog += (_, dialog) => dialog.AcceptAsync();
        await SignInAsync(manager, "cqu.instrument@chuanyu.demo");
        await manager.GotoAsync(redemptionUrl);
        var submit = manager.GetByTestId("submit-form");
        await submit.GetByLabel("发票号码").FillAsync("BT" + code);
        await submit.GetByLabel("付款凭证").SetInputFilesAsync(new FilePayload { Name = "proof.pdf", MimeType = "application/pdf", Buffer = Pdf });
        await manager.GetByTestId("submit-submit").ClickAsync();
        await Expect(manager.GetByTestId("status")).ToHaveTextAsync("已提交，待审核", SlowText);
        await Expect(manager.GetByTestId("invoice")).ToContainTextAsync("BT" + code);

        // 5. The Sichuan administrator approves the full subsidy.
        await admin.GotoAsync(redemptionUrl);
        await admin.GetByTestId("approve-submit").ClickAsync();
        await Expect(admin.GetByTestId("status")).ToHaveTextAsync("已审核，待支付", SlowText);
        await Expect(admin.GetByTestId("approved")).ToContainTextAsync(Money(subsidyFen));

        // 6. A payout batch for 重庆大学, its signed export, and the bank's reference.
        await admin.GotoAsync("/Vouchers/Admin/Payouts");
        var waiting = admin.GetByTestId("payouts-waiting").Locator("tbody tr").Filter(new() { HasText = "重庆大学" });
        await waiting.GetByRole(AriaRole.Button, new() { Name = "生成批次" }).ClickAsync();
        var created = admin.GetByRole(AriaRole.Status);
        await Expect(created).ToContainTextAsync("已生成支付批次", SlowContains);
        var number = Regex.Match(await created.InnerTextAsync(), @"已生成支付批次 (\S+)。").Groups[1].Value;
        var batch = admin.Locator($"[data-testid=payout-batch][data-number='{number}']");
        await Expect(batch.GetByTestId("payout-status")).ToHaveTextAsync("待导出");
        var batchFen = Fen(await batch.GetByTestId("payout-total").InnerTextAsync());
        Assert.True(batchFen >= subsidyFen, $"the batch of {batchFen} fen holds this redemption of {subsidyFen}");
        var download = await admin.RunAndWaitForDownloadAsync(() => batch.GetByRole(AriaRole.Link, new() { Name = "导出签名文件" }).ClickAsync());
        // One zip a person can verify offline: the signed .xlsx, its .sig and the README.
        Assert.EndsWith(".zip", download.SuggestedFilename, StringComparison.Ordinal);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(await download.PathAsync()))
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains(names, n => n.EndsWith(".xlsx", StringComparison.Ordinal));
            Assert.Contains(names, n => n.EndsWith(".xlsx.sig", StringComparison.Ordinal));
            Assert.Contains("README.txt", names);
        }
        await admin.ReloadAsync();
        await Expect(batch.GetByTestId("payout-status")).ToHaveTextAsync("已导出，待支付", SlowText);
        await batch.GetByLabel("银行流水号").FillAsync("BANK-" + code);
        await batch.GetByRole(AriaRole.Button, new() { Name = "标记已支付" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("支付批次已标记为已支付。", SlowText);
        await Expect(batch.GetByTestId("payout-status")).ToHaveTextAsync("已支付");
        await Expect(batch).ToContainTextAsync("BANK-" + code);

        await engineer.GotoAsync(redemptionUrl);
        await Expect(engineer.GetByTestId("status")).ToHaveTextAsync("已支付", SlowText);

        // 7. The quarter's settlement from Sichuan to Chongqing shows what the batch paid.
        Assert.Equal(paidBefore + batchFen, await PaidAsync(admin, quarter));
        await SaveScreenshotAsync(admin, "voucher-settlement.png");
    }

    /// <summary>The paid column of the quarter's 510000 → 500000 statement on the settlement page, in fen (0 when the pair has no row yet).</summary>
    private static async Task<long> PaidAsync(IPage admin, string quarter)
    {
        await admin.GotoAsync($"/Vouchers/Admin/Settlement?quarter={quarter}");
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("跨区域结算", SlowText);
        var row = admin.Locator("tr[data-pair='510000-500000']");
        return await row.CountAsync() == 0 ? 0 : Fen(await row.GetByTestId("paid").InnerTextAsync());
    }

    /// <summary>Creates, funds and opens a programme through the API with the administrator's sign-in (and the page's antiforgery token).</summary>
    private static async Task<Guid> CreateOpenProgrammeAsync(IPage admin, string code, string name, DateOnly today)
    {
        var token = await admin.Locator("meta[name=request-verification-token]").GetAttributeAsync("content");
        var headers = new Dictionary<string, string> { ["RequestVerificationToken"] = token! };
        var yearEnd = new DateOnly(today.Year, 12, 31);
        var created = await admin.APIRequest.PostAsync("/api/v1/voucher-programmes?region=510000", new()
        {
            Headers = headers,
            DataObject = new
            {
                code,
                name,
                issuerDivisionCode = "510100",
                year = today.Year,
                mode = "Redeem",
                faceValuesFen = TenThousandYuan,
                ratioNum = 1,
                ratioDen = 5,
                annualCapFen = 10_000_000L,
                vouchersPerEnterprise = 1,
                categories = BothCategories,
                allowOtherRegion = true,
                allocation = "FirstCome",
                applyFrom = Day(today),
                applyUntil = Day(yearEnd),
                useUntil = Day(yearEnd),
                redeemUntil = Day(new DateOnly(today.Year + 1, 3, 31)),
            },
        });
        Assert.True(created.Status == 201, $"{created.Status} {await created.TextAsync()}");
        var id = JsonDocument.Parse(await created.TextAsync()).RootElement.GetProperty("id").GetGuid();
        var funded = await admin.APIRequest.PostAsync($"/api/v1/voucher-programmes/{id}/budget", new() { Headers = headers, DataObject = new { budgetFen = 100_000_000L } });
        Assert.True(funded.Ok, $"{funded.Status} {await funded.TextAsync()}");
        var opened = await admin.APIRequest.PostAsync($"/api/v1/voucher-programmes/{id}/open", new() { Headers = headers, DataObject = new { } });
        Assert.True(opened.Ok, $"{opened.Status} {await opened.TextAsync()}");
        return id;
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"¥1,234.50" (with whatever surrounds it) in fen.</summary>
    private static long Fen(string text) =>
        (long)(decimal.Parse(Regex.Match(text, @"¥([0-9,]+\.[0-9]{2})").Groups[1].Value, NumberStyles.Number, CultureInfo.InvariantCulture) * 100);

    private static string Money(long fen) => "¥" + (fen / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture);

    /// <summary>The smallest PDF a proof upload accepts (its header is what the upload checks).</summary>
    private static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"u8.ToArray();
}

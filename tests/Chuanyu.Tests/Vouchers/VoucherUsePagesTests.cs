using System.Net;
using AngleSharp.Html.Dom;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Vouchers;
using Microsoft.EntityFrameworkCore;
using static Chuanyu.Tests.Vouchers.VoucherApi;
using static Chuanyu.Tests.Vouchers.VoucherTestData;

namespace Chuanyu.Tests.Vouchers;

/// <summary>
/// The pages of using a voucher (使用创新券, 兑付详情, 兑付审核, 账本核对) through the real host: 赵磊 of 成都蓉芯 uses a Sichuan
/// voucher on a finished booking at 重庆大学, the provider's manager and the two regions' administrators see what their
/// role allows.
/// </summary>
public sealed class VoucherUsePagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private async Task<PageSession> SignedInAsync(string email)
    {
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email)).StatusCode);
        return session;
    }

    private static string Text(IHtmlDocument doc, string testId) => doc.QuerySelector($"[data-testid={testId}]")?.TextContent.Trim() ?? "";

    [Fact]
    public async Task UsePage_OffersTheVoucherWithItsEstimate_AndTheFormCreatesTheRedemption()
    {
        var (_, voucher) = await SceneAsync(factory);
        var booking = await BookingAsync(factory, 10_000);
        var engineer = await SignedInAsync(Demo.Engineer);
        var url = $"/Vouchers/Use?booking={booking}";

        var (response, page) = await engineer.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var option = page.QuerySelector($"[data-testid=option][data-code='{voucher.Code}']");
        Assert.NotNull(option);
        Assert.Contains("¥33.33", option.TextContent);
        Assert.Contains("¥66.67", option.TextContent);

        // Half the fee eligible, typed in 元: 5,000 fen at 1/3 → 1,666 fen.
        var posted = await engineer.SubmitAsync(url, new Dictionary<string, string> { ["Code"] = voucher.Code, ["EligibleFee"] = "50.00" }, "form[data-testid=use-form]");
        Assert.True(posted.StatusCode == HttpStatusCode.Redirect, $"{(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
        var details = await engineer.FollowAsync(posted);
        Assert.Equal(nameof(VoucherRedemptionStatus.Reserved), details.QuerySelector("[data-testid=status]")!.GetAttribute("data-status"));
        Assert.Equal("¥16.66", Text(details, "subsidy"));
        Assert.NotNull(details.QuerySelector("form[data-testid=withdraw-form]"));
        Assert.Null(details.QuerySelector("form[data-testid=approve-form]"));

        // The use now shows its redemption instead of the form.
        var (_, again) = await engineer.GetAsync(url);
        Assert.NotNull(again.QuerySelector("[data-testid=already-redeemed]"));
        Assert.Null(again.QuerySelector("form[data-testid=use-form]"));
    }

    [Fact]
    public async Task UsePage_ARefusal_IsShownAsTheServiceWordsIt_AndNothingIsRedeemed()
    {
        var (programme, voucher) = await SceneAsync(factory);
        var booking = await BookingAsync(factory, 10_000);
        var engineer = await SignedInAsync(Demo.Engineer);
        var url = $"/Vouchers/Use?booking={booking}";
        Assert.NotNull((await engineer.GetAsync(url)).Document.QuerySelector("form[data-testid=use-form]"));
        // 蓉芯 loses its SME confirmation after the page was shown.
        await ConfirmedSmeAsync(factory, await RongxinAsync(factory), programme.Year, SmeDeclarationStatus.Revoked);
        try
        {
            var posted = await engineer.SubmitAsync(url, new Dictionary<string, string> { ["Code"] = voucher.Code }, "form[data-testid=use-form]");

            Assert.Equal(HttpStatusCode.UnprocessableEntity, posted.StatusCode);
            var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await posted.Content.ReadAsStringAsync());
            Assert.Contains("科技型中小企业", Text(doc, "use-error"));
            Assert.False(await factory.WithDbAsync(db => db.Set<VoucherRedemption>().AnyAsync(r => r.BookingId == booking)));
        }
        finally
        {
            await ConfirmedSmeAsync(factory, await RongxinAsync(factory), programme.Year);
        }
    }

    [Fact]
    public async Task RedemptionDetails_ShowEachRoleItsActions_AnotherOrganisationGets404_OnlyTheIssuingRegionDecides()
    {
        var (_, voucher) = await SceneAsync(factory);
        var api = await factory.ApiClientAsync(Demo.Engineer);
        var id = (await RedeemedAsync(api, voucher.Code, await BookingAsync(factory, 10_000))).GetProperty("id").GetGuid();
        var url = $"/Vouchers/Redemptions/{id}";

        // The provider's manager submits through the form (invoice and proof are required: without the file it is refused).
        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        Assert.NotNull((await manager.GetAsync(url)).Document.QuerySelector("form[data-testid=submit-form]"));
        Assert.Null((await manager.GetAsync(url)).Document.QuerySelector("form[data-testid=withdraw-form]"));
        var noProof = await manager.SubmitAsync(url, new Dictionary<string, string> { ["InvoiceNumber"] = "FP1" }, "form[data-testid=submit-form]");
        Assert.Equal(HttpStatusCode.BadRequest, noProof.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await SubmitAsync(await factory.ApiClientAsync(Demo.CquInstrumentManager), id, "FP" + Guid.NewGuid().ToString("N")[..10])).StatusCode);

        // Someone of another organisation: not disclosed.
        var other = await SignedInAsync(Demo.ScuResearcher);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(url)).Response.StatusCode);

        // The provider region's administrator sees it but decides nothing; a post anyway is 403.
        var chongqing = await SignedInAsync(Demo.ChongqingAdmin);
        var (seen, cqPage) = await chongqing.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        Assert.Null(cqPage.QuerySelector("form[data-testid=approve-form]"));
        var token = cqPage.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using (var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["ApprovedYuan"] = "33.33" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await chongqing.Client.PostAsync($"{url}?handler=Approve", content)).StatusCode);
        }

        // The issuing region's administrator finds it in the queue and approves less than S, typed in 元.
        var sichuan = await SignedInAsync(Demo.SichuanAdmin);
        var (_, queue) = await sichuan.GetAsync("/Vouchers/Admin/Redemptions");
        Assert.NotNull(queue.QuerySelector($"[data-testid=redemptions] tr[data-id='{id}']"));
        var tooPrecise = await sichuan.SubmitAsync(url, new Dictionary<string, string> { ["ApprovedYuan"] = "30.001" }, "form[data-testid=approve-form]");
        Assert.Equal(HttpStatusCode.BadRequest, tooPrecise.StatusCode);
        var approved = await sichuan.SubmitAsync(url, new Dictionary<string, string> { ["ApprovedYuan"] = "30.00" }, "form[data-testid=approve-form]");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var done = await sichuan.FollowAsync(approved);
        Assert.Equal(nameof(VoucherRedemptionStatus.Approved), done.QuerySelector("[data-testid=status]")!.GetAttribute("data-status"));
        Assert.Equal("¥30.00", Text(done, "approved"));
        Assert.Contains(done.QuerySelectorAll("[data-testid=transactions] tr[data-event]"), tr => tr.GetAttribute("data-event") == nameof(LedgerEvent.Approve));
        Assert.Equal(100_000 - 3_000, await BalanceAsync(api, voucher.Code));
    }

    [Fact]
    public async Task MyVouchers_ListsTheBalance_TheDetailIsTheOwnersOnly_TheLedgerCheckHolds()
    {
        var (_, voucher) = await SceneAsync(factory);
        var api = await factory.ApiClientAsync(Demo.Engineer);
        await RedeemedAsync(api, voucher.Code, await BookingAsync(factory, 10_000));
        var engineer = await SignedInAsync(Demo.Engineer);

        var (_, mine) = await engineer.GetAsync("/Vouchers/Mine");
        Assert.Equal("¥966.67", Text(mine, $"my-vouchers] tr[data-code='{voucher.Code}'] [data-testid=balance"));
        var (_, detail) = await engineer.GetAsync($"/Vouchers/Mine/{voucher.Code}");
        Assert.Contains(detail.QuerySelectorAll("[data-testid=entries] tr[data-event]"), tr => tr.GetAttribute("data-event") == nameof(LedgerEvent.Redeem));
        Assert.Equal(HttpStatusCode.NotFound, (await (await SignedInAsync(Demo.ScuResearcher)).GetAsync($"/Vouchers/Mine/{voucher.Code}")).Response.StatusCode);

        var (ledger, check) = await (await SignedInAsync(Demo.SichuanAdmin)).GetAsync("/Vouchers/Admin/Ledger");
        Assert.Equal(HttpStatusCode.OK, ledger.StatusCode);
        Assert.Equal("true", check.QuerySelector("[data-testid=ledger-result]")!.GetAttribute("data-intact"));
        Assert.Equal(8, check.QuerySelectorAll("[data-testid=ledger-checks] tr[data-holds=true]").Length);
        var refused = (await (await SignedInAsync(Demo.Engineer)).GetAsync("/Vouchers/Admin/Ledger")).Response;
        Assert.Contains("AccessDenied", refused.Headers.Location?.OriginalString ?? "");
    }

    [Fact]
    public async Task UsageStatement_ShowsTheVoucherSubsidyOfEachUse_PendingUntilApproved_AndMyBookingsLinksTheRedemption()
    {
        var (_, voucher) = await SceneAsync(factory);
        var booking = await BookingAsync(factory, 10_000);
        var use = await factory.WithDbAsync(async db =>
        {
            var b = await db.Set<Chuanyu.Web.Features.Booking.InstrumentBooking>().AsNoTracking().FirstAsync(x => x.Id == booking);
            db.Add(new Chuanyu.Web.Features.Usage.UsageRecord
            {
                Id = Guid.CreateVersion7(),
                BookingId = b.Id,
                ResourceId = b.ResourceId,
                OwnerOrganizationId = b.OwnerOrganizationId,
                UserId = b.UserId,
                UserOrganizationId = b.UserOrganizationId,
                UserType = b.UserType,
                External = true,
                StartedAt = b.StartAt,
                EndedAt = b.EndAt,
                Minutes = 60,
                FeeFen = 10_000,
            });
            await db.SaveChangesAsync();
            return b;
        });
        var month = use.StartAt.ToOffset(Chuanyu.Web.Infrastructure.Display.ChinaStandardTime).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var engineer = await SignedInAsync(Demo.Engineer);
        // Completed, no voucher yet: the booking (listed first with ?created=) offers its use.
        var (_, before) = await engineer.GetAsync($"/Me/Bookings?created={booking}");
        Assert.NotNull(before.QuerySelector($"tr[data-booking-id='{booking}'] [data-testid=use-voucher]"));

        await RedeemedAsync(await factory.ApiClientAsync(Demo.Engineer), voucher.Code, booking);

        var sichuan = await SignedInAsync(Demo.SichuanAdmin);
        var (_, statement) = await sichuan.GetAsync($"/Me/UsageStatement?organization={use.UserOrganizationId}&month={month}&side=User");
        var row = statement.QuerySelectorAll("[data-testid=statement] tbody tr").Single(tr => tr.QuerySelector("[data-testid=voucher-subsidy]")!.TextContent.Contains("¥33.33"));
        Assert.NotNull(row.QuerySelector("[data-testid=voucher-pending]"));
        Assert.Contains("¥33.33", Text(statement, "voucher-subsidy-total"));
        var (_, after) = await engineer.GetAsync($"/Me/Bookings?created={booking}");
        Assert.Equal(nameof(VoucherRedemptionStatus.Reserved), after.QuerySelector($"tr[data-booking-id='{booking}'] [data-testid=voucher-use]")!.GetAttribute("data-status"));

        // The statement's .xlsx carries the same subsidy, pending until the issuer approves it.
        var admin = await factory.ApiClientAsync(Demo.SichuanAdmin);
        var xlsx = $"/api/v1/organizations/{use.UserOrganizationId}/usage-statement.xlsx?month={month}&side=User";
        var (subsidy, state, total) = await SubsidyCellsAsync(admin, xlsx, use.StartAt);
        Assert.Equal(33.33, subsidy, 2);
        Assert.Equal("待审核", state);
        Assert.Equal(33.33, total, 2);
        var redemption = await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.BookingId == booking).Select(r => r.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.NoContent,
            (await SubmitAsync(await factory.ApiClientAsync(Demo.CquInstrumentManager), redemption, "FP" + Guid.NewGuid().ToString("N")[..12])).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await DecideAsync(admin, redemption, approve: true, approvedFen: 3_000)).StatusCode);
        (subsidy, state, total) = await SubsidyCellsAsync(admin, xlsx, use.StartAt);
        Assert.Equal(30.00, subsidy, 2);
        Assert.Equal("已审核", state);
        Assert.Equal(30.00, total, 2);
    }

    /// <summary>The use's voucher cells (subsidy in yuan, its state) and the total row's subsidy, read back with NPOI.</summary>
    private static async Task<(double Subsidy, string State, double Total)> SubsidyCellsAsync(HttpClient client, string url, DateTimeOffset start)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sheet = new NPOI.XSSF.UserModel.XSSFWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync())).GetSheetAt(0);
        Assert.Equal("创新券补贴（元）", sheet.GetRow(1).GetCell(11).StringCellValue);
        Assert.Equal("补贴状态", sheet.GetRow(1).GetCell(12).StringCellValue);
        var row = Enumerable.Range(2, sheet.LastRowNum - 2).Select(sheet.GetRow).Single(r => r.GetCell(0).StringCellValue == Chuanyu.Web.Infrastructure.Display.Minute(start));
        return (row.GetCell(11).NumericCellValue, row.GetCell(12).StringCellValue, sheet.GetRow(sheet.LastRowNum).GetCell(11).NumericCellValue);
    }
}

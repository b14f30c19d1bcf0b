using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.ServiceOrders;
using Chuanyu.Web.Features.Vouchers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Vouchers.VoucherApi;
using static Chuanyu.Tests.Vouchers.VoucherTestData;

namespace Chuanyu.Tests.Vouchers;

/// <summary>
/// Refunds of completed uses by the provider's managers (POST …/bookings/{id}/refund and …/service-orders/{id}/refund):
/// the use stays completed and is marked refunded, the voucher used on it is reversed in the same transaction and the
/// ledger stays intact; a paid redemption refuses the refund; nobody else may refund.
/// </summary>
public sealed class VoucherRefundTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private async Task AssertIntactAsync()
    {
        using var scope = factory.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<VoucherInvariants>().CheckAsync(null, default);
        Assert.True(result.Intact, System.Text.Json.JsonSerializer.Serialize(result));
    }

    private static Task<HttpResponseMessage> RefundAsync(HttpClient client, string kind, Guid id, string note = "仪器故障，费用全额退回") =>
        client.PostAsJsonAsync($"/api/v1/{kind}/{id}/refund", new { note });

    [Fact]
    public async Task RefundingABooking_ReversesTheVoucher_KeepsTheUseCompleted_AndOnlyOnce()
    {
        var (_, voucher) = await SceneAsync(factory);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        var booking = await BookingAsync(factory, 10_000);
        var redemption = (await RedeemedAsync(engineer, voucher.Code, booking)).GetProperty("id").GetGuid();
        Assert.Equal(100_000 - 3_333, await BalanceAsync(engineer, voucher.Code));
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);

        // Without a note: 400, nothing changes.
        await (await RefundAsync(manager, "bookings", booking, " ")).AssertFieldErrorAsync("note");
        Assert.Equal(HttpStatusCode.NoContent, (await RefundAsync(manager, "bookings", booking)).StatusCode);

        Assert.Equal(100_000, await BalanceAsync(engineer, voucher.Code));
        var (status, refundedAt) = await factory.WithDbAsync(async db =>
        {
            var b = await db.Set<InstrumentBooking>().AsNoTracking().FirstAsync(x => x.Id == booking);
            return (b.Status, b.RefundedAt);
        });
        Assert.Equal(BookingStatus.Completed, status);
        Assert.NotNull(refundedAt);
        Assert.Equal(VoucherRedemptionStatus.Reversed,
            await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.Id == redemption).Select(r => r.Status).FirstAsync()));
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "booking.refund" && a.Target == $"booking:{booking}")));
        await AssertIntactAsync();

        // Once; and a refunded use cannot be redeemed again.
        Assert.Equal(HttpStatusCode.Conflict, (await RefundAsync(manager, "bookings", booking)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await RedeemAsync(engineer, voucher.Code, booking)).StatusCode);
    }

    [Fact]
    public async Task APaidRedemption_RefusesTheRefund_409UsePaidOut_NothingChanges()
    {
        var (_, voucher) = await SceneAsync(factory);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        var booking = await BookingAsync(factory, 10_000);
        var redemption = (await RedeemedAsync(engineer, voucher.Code, booking)).GetProperty("id").GetGuid();
        // Paid as a payout batch leaves it (the payouts are another package's): the status is all the refund reads.
        await SetStatusAsync(redemption, VoucherRedemptionStatus.Paid);
        try
        {
            var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);

            var refused = await RefundAsync(manager, "bookings", booking);

            var body = await refused.AssertProblemAsync(409);
            Assert.Equal("Vouchers.UsePaidOut", body.GetProperty("code").GetString());
            Assert.Null(await factory.WithDbAsync(db => db.Set<InstrumentBooking>().Where(b => b.Id == booking).Select(b => b.RefundedAt).FirstAsync()));
            Assert.Equal(100_000 - 3_333, await BalanceAsync(engineer, voucher.Code));
        }
        finally
        {
            // Back to where its money is, so the other tests' ledger checks hold.
            await SetStatusAsync(redemption, VoucherRedemptionStatus.Reserved);
        }
    }

    private Task<int> SetStatusAsync(Guid redemption, VoucherRedemptionStatus status) => factory.WithDbAsync(async db =>
    {
        var r = await db.Set<VoucherRedemption>().FirstAsync(x => x.Id == redemption);
        r.Status = status;
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task RefundingAServiceOrder_ReversesAnApprovedRedemption_AnotherOrganisationCannot()
    {
        var (_, voucher) = await SceneAsync(factory);
        var order = await CompletedOrderAsync(20_000);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        var created = await engineer.PostAsJsonAsync($"/api/v1/vouchers/{voucher.Code}/redemptions", new { serviceOrderId = order });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var redemption = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        Assert.Equal(HttpStatusCode.NoContent, (await SubmitAsync(manager, redemption, "FP" + Guid.NewGuid().ToString("N")[..10])).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await DecideAsync(await factory.ApiClientAsync(Demo.SichuanAdmin), redemption, true, approvedFen: 6_000)).StatusCode);
        Assert.Equal(100_000 - 6_000, await BalanceAsync(engineer, voucher.Code));

        // Neither someone of another organisation nor the customer refunds.
        Assert.Equal(HttpStatusCode.NotFound, (await RefundAsync(await factory.ApiClientAsync(Demo.ScuResearcher), "service-orders", order)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RefundAsync(engineer, "service-orders", order)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await RefundAsync(manager, "service-orders", order)).StatusCode);
        Assert.Equal(100_000, await BalanceAsync(engineer, voucher.Code));
        Assert.Equal(VoucherRedemptionStatus.Reversed,
            await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.Id == redemption).Select(r => r.Status).FirstAsync()));
        await AssertIntactAsync();
    }

    // The refund on the manager's booking queue (预约管理, /Me/BookingQueue): the same service behind a page.

    /// <summary>
    /// A 重庆大学 instrument that only these page tests book (the demo never did, the other tests book another), so its
    /// completed list is short enough for one page.
    /// </summary>
    private async Task<Guid> QueueInstrumentAsync()
    {
        var cqu = await CquAsync(factory);
        var usual = await CquInstrumentAsync(factory);
        return await factory.WithDbAsync(db => db.Set<Chuanyu.Web.Features.Catalog.Resource>()
            .Where(r => r.OrganizationId == cqu && r.Kind == Chuanyu.Web.Features.Catalog.ResourceKind.Instrument && r.Id != usual
                && !db.Set<InstrumentBooking>().Any(b => b.ResourceId == r.Id && b.Purpose != "创新券测试"))
            .OrderByDescending(r => r.Id).Select(r => r.Id).FirstAsync());
    }

    /// <summary>A completed ¥100.00 booking on its own instrument with a reserved redemption of ¥33.33 (the scene's 1/3).</summary>
    private async Task<(Guid Booking, Guid Redemption, string Code, string QueueUrl)> RedeemedBookingAsync()
    {
        var (_, voucher) = await SceneAsync(factory);
        var instrument = await QueueInstrumentAsync();
        var booking = await BookingAsync(factory, 10_000, instrumentId: instrument);
        var redemption = (await RedeemedAsync(await factory.ApiClientAsync(Demo.Engineer), voucher.Code, booking)).GetProperty("id").GetGuid();
        return (booking, redemption, voucher.Code, $"/Me/BookingQueue?status=Completed&instrument={instrument}");
    }

    private async Task<PageSession> SignedInAsync(string email)
    {
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email)).StatusCode);
        return session;
    }

    private Task<DateTimeOffset?> RefundedAtAsync(Guid booking) =>
        factory.WithDbAsync(db => db.Set<InstrumentBooking>().Where(b => b.Id == booking).Select(b => b.RefundedAt).FirstAsync());

    private Task<VoucherRedemptionStatus> RedemptionStatusAsync(Guid redemption) =>
        factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.Id == redemption).Select(r => r.Status).FirstAsync());

    private static AngleSharp.Html.Dom.IHtmlDocument Parse(string html) => new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);

    private static readonly Dictionary<string, string> Confirmed = new() { ["note"] = "仪器故障，费用全额退回", ["confirm"] = "true" };

    [Fact]
    public async Task QueuePage_OffersTheRefundToTheManager_AndItReversesTheLiveRedemption_AfterConfirming()
    {
        var (booking, redemption, code, queueUrl) = await RedeemedBookingAsync();
        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        var form = $"tr[data-booking-id='{booking}'] form[data-testid=refund-form]";

        var (response, queue) = await manager.GetAsync(queueUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = queue.QuerySelector($"tr[data-booking-id='{booking}']")!;
        Assert.Equal("已完成", row.QuerySelector("[data-testid=status]")!.TextContent.Trim());
        Assert.Equal(nameof(VoucherRedemptionStatus.Reserved), row.QuerySelector("[data-testid=voucher-use]")!.GetAttribute("data-status"));
        Assert.Contains("¥33.33", row.QuerySelector("[data-testid=voucher-use]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("退款", row.QuerySelector("[data-testid=refund] summary")!.TextContent.Trim());
        Assert.NotNull(row.QuerySelector("[data-testid=refund-submit][data-confirm]"));

        // Not ticked: refused in Chinese, nothing changes.
        var unconfirmed = await manager.SubmitAsync(queueUrl, new Dictionary<string, string> { ["note"] = "仪器故障" }, form);
        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.Contains("请先勾选确认框", Parse(await unconfirmed.Content.ReadAsStringAsync())
            .QuerySelector("[data-testid=action-error]")!.TextContent, StringComparison.Ordinal);
        // No note: the error on that row, the form left open.
        var noNote = await manager.SubmitAsync(queueUrl, new Dictionary<string, string> { ["confirm"] = "true" }, form);
        var noNoteDoc = Parse(await noNote.Content.ReadAsStringAsync());
        var failedRow = noNoteDoc.QuerySelector($"tr[data-booking-id='{booking}']")!;
        Assert.Contains("请填写退款说明", failedRow.QuerySelector("[data-testid=error-refund-note]")!.TextContent, StringComparison.Ordinal);
        Assert.True(failedRow.QuerySelector("[data-testid=refund]")!.HasAttribute("open"));
        Assert.Null(await RefundedAtAsync(booking));
        Assert.Equal(VoucherRedemptionStatus.Reserved, await RedemptionStatusAsync(redemption));

        var refunded = await manager.SubmitAsync(queueUrl, Confirmed, form);
        Assert.Equal(HttpStatusCode.Redirect, refunded.StatusCode);
        Assert.Equal(queueUrl, refunded.Headers.Location!.OriginalString);
        var after = await manager.FollowAsync(refunded);
        Assert.Equal("已退款。", after.QuerySelector("[role=status]")!.TextContent.Trim());
        var refundedRow = after.QuerySelector($"tr[data-booking-id='{booking}']")!;
        Assert.Contains("已退款", refundedRow.QuerySelector("[data-testid=refunded]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(refundedRow.QuerySelector("[data-testid=refund]"));
        Assert.Null(refundedRow.QuerySelector("[data-testid=voucher-use]"));

        Assert.NotNull(await RefundedAtAsync(booking));
        Assert.Equal(VoucherRedemptionStatus.Reversed, await RedemptionStatusAsync(redemption));
        Assert.Equal(100_000, await BalanceAsync(await factory.ApiClientAsync(Demo.Engineer), code));
        await AssertIntactAsync();
    }

    [Fact]
    public async Task QueuePage_SomeoneElsesRefund_IsRefused_AndChangesNothing()
    {
        var (booking, redemption, code, queueUrl) = await RedeemedBookingAsync();
        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        // The form as the provider's manager sees it, posted with another person's sign-in.
        var (_, queue) = await manager.GetAsync(queueUrl);
        var action = queue.QuerySelector($"tr[data-booking-id='{booking}'] form[data-testid=refund-form]")!.GetAttribute("action")!;

        // The holder's administrator manages its own organisation, not the instrument: no row, no button, and the post is 404.
        var holderAdmin = await SignedInAsync("rongxin.admin@chuanyu.demo");
        var (_, theirs) = await holderAdmin.GetAsync(queueUrl);
        Assert.Null(theirs.QuerySelector($"tr[data-booking-id='{booking}']"));
        var engineer = await SignedInAsync(Demo.Engineer);
        foreach (var other in new[] { holderAdmin, engineer })
        {
            var (_, page) = await other.GetAsync("/Me/BookingQueue");
            var token = page.QuerySelector("meta[name=request-verification-token]")!.GetAttribute("content")!;
            using var content = new FormUrlEncodedContent(new Dictionary<string, string>(Confirmed)
            {
                ["bookingId"] = booking.ToString(),
                ["__RequestVerificationToken"] = token,
            });
            Assert.Equal(HttpStatusCode.NotFound, (await other.Client.PostAsync(action, content)).StatusCode);
        }

        Assert.Null(await RefundedAtAsync(booking));
        Assert.Equal(VoucherRedemptionStatus.Reserved, await RedemptionStatusAsync(redemption));
        Assert.Equal(100_000 - 3_333, await BalanceAsync(await factory.ApiClientAsync(Demo.Engineer), code));
    }

    [Fact]
    public async Task QueuePage_APaidRedemption_RefusesTheRefund_WithTheReasonShown()
    {
        var (booking, redemption, code, queueUrl) = await RedeemedBookingAsync();
        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        await SetStatusAsync(redemption, VoucherRedemptionStatus.Paid);
        try
        {
            var refused = await manager.SubmitAsync(queueUrl, Confirmed, $"tr[data-booking-id='{booking}'] form[data-testid=refund-form]");

            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var doc = Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("该次使用的创新券补助已支付，不能退款冲销。", doc.QuerySelector("[data-testid=action-error]")!.TextContent.Trim());
            Assert.Null(await RefundedAtAsync(booking));
            Assert.Equal(100_000 - 3_333, await BalanceAsync(await factory.ApiClientAsync(Demo.Engineer), code));
        }
        finally
        {
            await SetStatusAsync(redemption, VoucherRedemptionStatus.Reserved);
        }
    }

    /// <summary>A completed service order of a 重庆大学 service for 成都蓉芯 by 赵磊, as completion leaves it.</summary>
    private async Task<Guid> CompletedOrderAsync(long quoteFen)
    {
        var resource = await CquInstrumentAsync(factory);
        var cqu = await CquAsync(factory);
        var holder = await RongxinAsync(factory);
        var user = await UserAsync(factory, Demo.Engineer);
        var now = DateTimeOffset.UtcNow.AddDays(-1);
        var id = Guid.CreateVersion7();
        await factory.WithDbAsync(db =>
        {
            db.Add(new ServiceOrder
            {
                Id = id,
                Number = ServiceOrderService.NumberOf(id, now),
                ResourceId = resource,
                OwnerOrganizationId = cqu,
                RequesterId = user,
                RequesterOrganizationId = holder,
                UserType = Chuanyu.Web.Features.Catalog.FeeUserType.Enterprise,
                Status = ServiceOrderStatus.Completed,
                Items = "成分分析",
                ItemCount = 1,
                Samples = "[]",
                SampleCount = 1,
                Purpose = "创新券测试",
                QuoteFen = quoteFen,
                CreatedAt = now.AddDays(-3),
                QuotedAt = now.AddDays(-3),
                AcceptedAt = now.AddDays(-2),
                StartedAt = now.AddDays(-2),
                ReportedAt = now.AddDays(-1),
                CompletedAt = now,
            });
            return db.SaveChangesAsync();
        });
        return id;
    }
}

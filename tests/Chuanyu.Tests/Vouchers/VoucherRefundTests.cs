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

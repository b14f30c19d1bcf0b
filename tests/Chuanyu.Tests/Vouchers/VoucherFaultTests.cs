using System.Net;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Chuanyu.Tests.Vouchers.VoucherApi;
using static Chuanyu.Tests.Vouchers.VoucherTestData;

namespace Chuanyu.Tests.Vouchers;

/// <summary>The faults and bad input of issue 15, one test each, through the HTTP API as the enterprise and the admins call it.</summary>
public sealed class VoucherFaultTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static async Task AssertCodeAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.AssertProblemAsync(status);
        Assert.Equal(code, body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnExpiredVoucher_Is422()
    {
        var today = ChinaTime.Today(TimeProvider.System);
        var (_, voucher) = await SceneAsync(factory, change: p =>
        {
            p.ApplyFrom = today.AddDays(-60);
            p.ApplyUntil = today.AddDays(-30);
            p.UseUntil = today.AddDays(-1);
        });
        var engineer = await factory.ApiClientAsync(Demo.Engineer);

        await AssertCodeAsync(await RedeemAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000)), 422, "Vouchers.Expired");
    }

    [Fact]
    public async Task AProgrammeWithoutOtherRegionUse_RefusesAProviderOfTheOtherRegion()
    {
        var (_, voucher) = await SceneAsync(factory, change: p => p.AllowOtherRegion = false);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);

        await AssertCodeAsync(await RedeemAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000)), 422, "Vouchers.OtherRegionNotAllowed");
    }

    [Fact]
    public async Task AFeeOfZero_Is422_ANegativeEligibleFee_Is400()
    {
        var (_, voucher) = await SceneAsync(factory);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);

        await AssertCodeAsync(await RedeemAsync(engineer, voucher.Code, await BookingAsync(factory, 0)), 422, "Vouchers.FeeNotPositive");
        await (await RedeemAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000), eligibleFeeFen: -1)).AssertFieldErrorAsync("eligibleFeeFen");
        await (await RedeemAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000), eligibleFeeFen: 10_001)).AssertFieldErrorAsync("eligibleFeeFen");
        Assert.Equal(100_000, await BalanceAsync(engineer, voucher.Code));
    }

    [Fact]
    public async Task OneThirdOfOneHundredYuan_Pays3333Fen_TheEnterprisePays6667()
    {
        var (_, voucher) = await SceneAsync(factory);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);

        var created = await RedeemedAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000));

        Assert.Equal(3_333, created.GetProperty("subsidyFen").GetInt64());
        Assert.Equal(6_667, created.GetProperty("shareFen").GetInt64());
        Assert.Equal(100_000 - 3_333, await BalanceAsync(engineer, voucher.Code));
    }

    [Fact]
    public async Task TheSameInvoiceTwice_Is409()
    {
        var (_, voucher) = await SceneAsync(factory);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var first = (await RedeemedAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000))).GetProperty("id").GetGuid();
        var second = (await RedeemedAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000))).GetProperty("id").GetGuid();
        var invoice = "FP" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

        Assert.Equal(HttpStatusCode.NoContent, (await SubmitAsync(manager, first, invoice)).StatusCode);
        // The same number as typed differently: spaces, lower case.
        await AssertCodeAsync(await SubmitAsync(manager, second, $"  {invoice.ToLowerInvariant()} "), 409, "Vouchers.InvoiceUsed");
    }

    [Fact]
    public async Task AnotherEnterprisesCode_Is404()
    {
        var (programme, _) = await SceneAsync(factory);
        var other = await OrgAsync(factory, "四川大学");
        var theirs = await IssueAsync(factory, programme, other, 50_000);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);

        await AssertCodeAsync(await RedeemAsync(engineer, theirs.Code, await BookingAsync(factory, 10_000)), 404, "notFound");
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.GetAsync($"/api/v1/vouchers/{theirs.Code}")).StatusCode);
    }

    [Fact]
    public async Task AnotherRegionsAdmin_CannotDecide_TheIssuingRegionsCan()
    {
        var (_, voucher) = await SceneAsync(factory);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = (await RedeemedAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000))).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await SubmitAsync(manager, id, "FP" + Guid.NewGuid().ToString("N")[..10])).StatusCode);

        // Chongqing is the provider's region: it sees the redemption, but only Sichuan issued the voucher.
        var chongqing = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        Assert.Equal(HttpStatusCode.OK, (await chongqing.GetAsync($"/api/v1/voucher-redemptions/{id}")).StatusCode);
        await AssertCodeAsync(await DecideAsync(chongqing, id, approve: true), 403, "forbidden");

        var sichuan = await factory.ApiClientAsync(Demo.SichuanAdmin);
        Assert.Equal(HttpStatusCode.NoContent, (await DecideAsync(sichuan, id, approve: true)).StatusCode);
    }

    [Fact]
    public async Task ABookingNeverCheckedOut_Is409()
    {
        var (_, voucher) = await SceneAsync(factory);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);

        await AssertCodeAsync(await RedeemAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000, completed: false)), 409, "Vouchers.UseNotCompleted");
    }

    [Fact]
    public async Task AnEnterpriseThatLostItsSmeConfirmation_Is422()
    {
        // A programme year of its own, so revoking the declaration touches no other test's.
        var year = ChinaTime.Today(TimeProvider.System).Year + 2;
        var (_, voucher) = await SceneAsync(factory, change: p => p.Year = year);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        await RedeemedAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000));

        await ConfirmedSmeAsync(factory, await RongxinAsync(factory), year, SmeDeclarationStatus.Revoked);

        await AssertCodeAsync(await RedeemAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000)), 422, "Vouchers.SmeNotConfirmed");
    }

    [Fact]
    public async Task RelatedParties_Are422()
    {
        var (_, voucher) = await SceneAsync(factory);
        // 重庆市计量质量检测研究院 gets 蓉芯's legal representative (the same blind index of the ID number).
        var metrology = await OrgAsync(factory, "重庆市计量质量检测研究院");
        var rongxin = await RongxinAsync(factory);
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE organizations SET legal_representative_key = {key} WHERE id = {metrology} OR id = {rongxin}"));
        await ApprovedProviderAsync(factory, metrology, Chongqing);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);

        await AssertCodeAsync(await RedeemAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000, owner: metrology)), 422, "Vouchers.RelatedParties");
    }

    [Fact]
    public async Task AProviderActingForTheEnterprise_Is403()
    {
        var (_, voucher) = await SceneAsync(factory);
        // 重庆大学's instrument manager is also given a place in 蓉芯, and the use is in their own name.
        var manager = await UserAsync(factory, Demo.CquInstrumentManager);
        var rongxin = await RongxinAsync(factory);
        await factory.WithDbAsync(async db =>
        {
            if (!await db.Set<RoleGrant>().AnyAsync(g => g.UserId == manager && g.OrganizationId == rongxin))
            {
                db.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = manager, Role = PlatformRole.Member, OrganizationId = rongxin, GrantedAt = DateTimeOffset.UtcNow });
            }
            return await db.SaveChangesAsync();
        });
        var booking = await BookingAsync(factory, 10_000, user: Demo.CquInstrumentManager);
        var client = await factory.ApiClientAsync(Demo.CquInstrumentManager);

        await AssertCodeAsync(await RedeemAsync(client, voucher.Code, booking), 403, "forbidden");
        Assert.Equal(100_000, await BalanceAsync(await factory.ApiClientAsync(Demo.Engineer), voucher.Code));
    }
}

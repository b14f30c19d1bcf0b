using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Vouchers;

/// <summary>
/// The demo's vouchers on a fresh demo database (the factory seeds it): the two programmes modelled on Chongqing's and
/// Chengdu's, their vouchers issued through the ledger, redemptions in several states, a ledger that passes every
/// invariant (what <c>vouchers-check</c> runs), and a second seeding that adds nothing.
/// </summary>
public sealed class DemoVoucherTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task TheDemoSeedsBothProgrammes_WithVouchersAndRedemptions_AndTheLedgerIsIntact()
    {
        var (cqCode, cdCode) = DemoVouchers.Codes(ChinaTime.Today(TimeProvider.System).Year);
        var programmes = await factory.WithDbAsync(db => db.Set<VoucherProgramme>().Where(p => p.Code == cqCode || p.Code == cdCode).ToListAsync());
        var chongqing = Assert.Single(programmes, p => p.Code == cqCode);
        var chengdu = Assert.Single(programmes, p => p.Code == cdCode);
        Assert.Equal((VoucherMode.Reimburse, VoucherAllocation.FirstCome, 1, 10, 5_000_000L, (long?)null), (chongqing.Mode, chongqing.Allocation, chongqing.RatioNum, chongqing.RatioDen, chongqing.PerClaimCapFen.GetValueOrDefault(), chongqing.AnnualCapFen));
        Assert.Equal((VoucherMode.Redeem, VoucherAllocation.Lottery, 1, 5, (long?)10_000_000, "510100"), (chengdu.Mode, chengdu.Allocation, chengdu.RatioNum, chengdu.RatioDen, chengdu.AnnualCapFen, chengdu.IssuerDivisionCode));
        Assert.NotNull(chengdu.LotteryDrawnAt);
        Assert.False(string.IsNullOrEmpty(chengdu.LotterySeed));

        var vouchers = await factory.WithDbAsync(db => db.Set<Voucher>().Where(v => v.ProgrammeId == chongqing.Id || v.ProgrammeId == chengdu.Id).ToListAsync());
        var cqVoucher = Assert.Single(vouchers, v => v.ProgrammeId == chongqing.Id);
        Assert.Equal((20_000_000L, 1, 5), (cqVoucher.FaceValueFen, cqVoucher.RatioNum, cqVoucher.RatioDen)); // a confirmed network member: 20 %
        Assert.Equal([1_000_000L, 5_000_000L], vouchers.Where(v => v.ProgrammeId == chengdu.Id).Select(v => v.FaceValueFen).Order());

        var redemptions = await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.ProgrammeId == chongqing.Id || r.ProgrammeId == chengdu.Id).ToListAsync());
        Assert.Equal(
            [VoucherRedemptionStatus.Reserved, VoucherRedemptionStatus.Submitted, VoucherRedemptionStatus.Approved, VoucherRedemptionStatus.Paid, VoucherRedemptionStatus.Withdrawn,
                VoucherRedemptionStatus.Rejected],
            redemptions.Where(r => r.ProgrammeId == chengdu.Id).Select(r => r.Status).Distinct().Order());
        Assert.All(redemptions.Where(r => r.ProgrammeId == chengdu.Id), r => Assert.Equal(("510000", "500000"), (r.IssuingRegionCode, r.ProviderRegionCode)));
        Assert.Contains(redemptions, r => r.ProgrammeId == chongqing.Id && r.Status == VoucherRedemptionStatus.Approved
            && r.RatioRule == nameof(VoucherRatioCondition.MunicipalScienceProject) && r.ApprovedFen == r.SubsidyFen);
        Assert.Contains(redemptions, r => r.ProgrammeId == chongqing.Id && r.Status == VoucherRedemptionStatus.Submitted);

        // One Chengdu redemption was paid in an exported, paid batch; another approved one still waits for a batch.
        var paid = Assert.Single(redemptions, r => r.ProgrammeId == chengdu.Id && r.Status == VoucherRedemptionStatus.Paid);
        Assert.Contains(redemptions, r => r.ProgrammeId == chengdu.Id && r.Status == VoucherRedemptionStatus.Approved && r.PayoutBatchId == null);
        var batch = await factory.WithDbAsync(db => db.Set<VoucherPayoutBatch>().SingleAsync(b => b.Id == paid.PayoutBatchId));
        Assert.Equal((VoucherPayoutStatus.Paid, 1, paid.ApprovedFen!.Value), (batch.Status, batch.Count, batch.TotalFen));
        Assert.NotNull(batch.FileSha256);
        Assert.NotNull(batch.BankReference);

        using var scope = factory.Services.CreateScope();
        var check = await scope.ServiceProvider.GetRequiredService<VoucherInvariants>().CheckAsync(null, default);
        Assert.True(check.Intact, JsonSerializer.Serialize(check));
    }

    [Fact]
    public async Task TheDemosPaidBatch_ShowsOnThePayoutsPage_AndAsPaidMoneyInTheQuartersSettlement()
    {
        var batch = await factory.WithDbAsync(db => db.Set<VoucherPayoutBatch>().Where(b => b.Status == VoucherPayoutStatus.Paid && b.IssuingRegionCode == "510000")
            .Select(b => new { b.Number, b.TotalFen, b.PaidAt }).SingleAsync());
        var admin = await factory.ApiClientAsync(Demo.SichuanAdmin);

        var quarter = SettlementQuarter.Of(batch.PaidAt!.Value).ToString();
        var totals = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-settlements/{quarter}/510000-500000")).GetProperty("totals");
        Assert.True(totals.GetProperty("paidFen").GetInt64() >= batch.TotalFen, totals.ToString());

        var session = new PageSession(factory);
        await session.SignInAsync(Demo.SichuanAdmin);
        var (_, page) = await session.GetAsync("/Vouchers/Admin/Payouts");
        var row = page.QuerySelectorAll("[data-testid=payout-batches] tbody tr").Single(tr => tr.TextContent.Contains(batch.Number, StringComparison.Ordinal));
        Assert.Contains(Display.Money(batch.TotalFen / 100m), row.TextContent, StringComparison.Ordinal);
        Assert.Contains(Messages.Translate(Messages.Label(VoucherPayoutStatus.Paid), new System.Globalization.CultureInfo("zh-CN")), row.TextContent, StringComparison.Ordinal);

        // The settlement page's Paid column of the pair (the fourth) says the same money.
        (_, page) = await session.GetAsync($"/Vouchers/Admin/Settlement?quarter={quarter}");
        var pair = page.QuerySelectorAll("[data-testid=settlement-pairs] tbody tr").Single(tr => tr.QuerySelector("a[href*='510000-500000']") is not null);
        Assert.Equal(Display.Money(totals.GetProperty("paidFen").GetInt64() / 100m), pair.QuerySelectorAll("td")[3].TextContent.Trim());
    }

    [Fact]
    public async Task TheEnterpriseAdministrators_SignIn_AndSeeTheirVouchers()
    {
        var ljwc = await factory.WithDbAsync(db => db.Organizations.Where(o => o.CreditCode.StartsWith("91500112")).Select(o => new { o.Status, o.Kind }).ToListAsync());
        Assert.Contains(ljwc, o => o.Status == OrganizationStatus.Verified && o.Kind == OrganizationKind.Enterprise);
        foreach (var email in new[] { DemoVouchers.RongxinAdmin, DemoVouchers.LiangjiangAdmin })
        {
            using var client = await factory.ApiClientAsync(email);
            var mine = await client.GetFromJsonAsync<JsonElement>("/api/v1/vouchers");
            Assert.True(mine.ValueKind == JsonValueKind.Array ? mine.GetArrayLength() > 0 : mine.GetProperty("items").GetArrayLength() > 0, $"{email}: {mine}");
        }
    }

    [Fact]
    public async Task SeedingAgain_AddsNothing()
    {
        async Task<(int, int, int, int)> CountAsync() => await factory.WithDbAsync(async db => (await db.Set<VoucherProgramme>().CountAsync(),
            await db.Set<Voucher>().CountAsync(), await db.Set<VoucherRedemption>().CountAsync(), await db.Organizations.CountAsync()));
        var before = await CountAsync();
        using (var scope = factory.Services.CreateScope())
        {
            await DemoData.SeedAsync(scope.ServiceProvider);
        }
        Assert.Equal(before, await CountAsync());
    }
}

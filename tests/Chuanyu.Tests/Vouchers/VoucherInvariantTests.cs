using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Vouchers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Vouchers.VoucherApi;
using static Chuanyu.Tests.Vouchers.VoucherTestData;

namespace Chuanyu.Tests.Vouchers;

/// <summary>The ledger check (docs/vouchers.md): clean after a lifecycle through every event, and it names what an edit broke.</summary>
public sealed class VoucherInvariantTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task ALifecycleThroughEveryEvent_StaysClean_AndARawEditIsReported()
    {
        var (programme, voucher) = await SceneAsync(factory, 100_000);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var sichuan = await factory.ApiClientAsync(Demo.SichuanAdmin);
        async Task<Guid> RedeemOneAsync() => (await RedeemedAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000))).GetProperty("id").GetGuid();
        string Invoice() => "FP" + Guid.NewGuid().ToString("N")[..12];

        // Fund more, then Defund some (Fund happened when the scene was set up).
        await InTransactionAsync(factory, async (services, _) =>
        {
            var funding = services.GetRequiredService<VoucherFunding>();
            await funding.SetBudgetAsync(programme.Id, 120_000_000, default);
            await funding.SetBudgetAsync(programme.Id, 110_000_000, default);
            return 0;
        });
        // Redeem → Withdraw.
        var withdrawn = await RedeemOneAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await engineer.PostAsync($"/api/v1/voucher-redemptions/{withdrawn}/withdraw", null)).StatusCode);
        // Redeem → Submit → Return → Submit → Approve part.
        var approved = await RedeemOneAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await SubmitAsync(manager, approved, Invoice())).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await sichuan.PostAsJsonAsync($"/api/v1/voucher-redemptions/{approved}/return", new { reason = "发票抬头有误" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SubmitAsync(manager, approved, Invoice())).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await DecideAsync(sichuan, approved, approve: true, approvedFen: 3_000)).StatusCode);
        // Redeem → Submit → Reject.
        var rejected = await RedeemOneAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await SubmitAsync(manager, rejected, Invoice())).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await DecideAsync(sichuan, rejected, approve: false, reason: "服务内容不符")).StatusCode);
        // Refunds: a reserved one and the approved one are reversed.
        var reserved = await RedeemOneAsync();
        foreach (var id in new[] { reserved, approved })
        {
            var use = await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.Id == id).Select(r => r.BookingId!.Value).FirstAsync());
            var reversed = await InTransactionAsync(factory, (services, _) =>
                services.GetRequiredService<VoucherReversals>().ReverseForRefundAsync(new UseKey(VoucherUseKind.Booking, use), "退款", default));
            Assert.IsType<Chuanyu.Web.Infrastructure.ServiceResult.Ok>(reversed);
        }
        // One left reserved past the deadline lapses; the voucher past its date expires.
        var lapsing = await RedeemOneAsync();
        var today = Chuanyu.Web.Infrastructure.ChinaTime.Today(TimeProvider.System);
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"""
            UPDATE voucher_programmes SET apply_from = {today.AddDays(-40)}, apply_until = {today.AddDays(-30)}, use_until = {today.AddDays(-20)}, redeem_until = {today.AddDays(-10)}
            WHERE id = {programme.Id}
            """));
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE vouchers SET use_until = {today.AddDays(-20)} WHERE id = {voucher.Id}"));
        using (var scope = factory.Services.CreateScope())
        {
            var jobs = await scope.ServiceProvider.GetRequiredService<VoucherJobs>().RunAsync(TimeSpan.FromMinutes(1), default);
            Assert.NotNull(jobs);
            Assert.True(jobs.Expired >= 1 && jobs.Lapsed >= 1, JsonSerializer.Serialize(jobs));
        }
        var states = await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.VoucherId == voucher.Id).ToDictionaryAsync(r => r.Id, r => r.Status));
        Assert.Equal(VoucherRedemptionStatus.Withdrawn, states[withdrawn]);
        Assert.Equal(VoucherRedemptionStatus.Reversed, states[approved]);
        Assert.Equal(VoucherRedemptionStatus.Rejected, states[rejected]);
        Assert.Equal(VoucherRedemptionStatus.Reversed, states[reserved]);
        Assert.Equal(VoucherRedemptionStatus.Lapsed, states[lapsing]);
        var events = await factory.WithDbAsync(db => db.Set<VoucherLedgerTransaction>().Where(t => t.ProgrammeId == programme.Id).Select(t => t.Event).Distinct().ToListAsync());
        Assert.Equal(
            new[] { LedgerEvent.Fund, LedgerEvent.Defund, LedgerEvent.Issue, LedgerEvent.Redeem, LedgerEvent.Withdraw, LedgerEvent.Reject, LedgerEvent.Lapse,
                LedgerEvent.Approve, LedgerEvent.Reverse, LedgerEvent.Expire }.Order(),
            events.Order());

        var clean = await (await sichuan.GetAsync("/api/v1/voucher-ledger/check")).ReadJsonAsync();
        Assert.True(clean.GetProperty("intact").GetBoolean(), clean.ToString());
        var balances = await factory.WithDbAsync(db => db.Set<VoucherLedgerAccount>().Where(a => a.ProgrammeId == programme.Id).ToDictionaryAsync(a => a.Kind + ":" + a.Key, a => a.BalanceFen));
        Assert.Equal(0, balances["Voucher:" + LedgerKeys.Voucher(voucher.Id)]);
        Assert.Equal(110_000_000, balances["Funding:" + LedgerKeys.Funding(programme.Id)]);

        // An entry edited behind the ledger's back: its transaction no longer balances and its account differs from its entries.
        var entry = await factory.WithDbAsync(db => db.Set<VoucherLedgerEntry>().Where(e => e.ProgrammeId == programme.Id && e.Event == LedgerEvent.Redeem)
            .OrderBy(e => e.Id).Select(e => new { e.Id, e.TransactionId }).FirstAsync());
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE voucher_ledger_entries SET amount_fen = amount_fen + 1 WHERE id = {entry.Id}"));

        var broken = await (await sichuan.GetAsync("/api/v1/voucher-ledger/check")).ReadJsonAsync();
        Assert.False(broken.GetProperty("intact").GetBoolean());
        Assert.Equal(1, broken.GetProperty("entriesSumFen").GetInt64());
        Assert.Contains(entry.TransactionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            broken.GetProperty("unbalancedTransactions").EnumerateArray().Select(x => x.GetString()));
        Assert.NotEmpty(broken.GetProperty("accountsOffTheirEntries").EnumerateArray());
        // The audit administrator reads the same over every programme; Chongqing's admin sees Chongqing's programmes, not this one.
        var auditor = await factory.ApiClientAsync(Demo.AuditAdmin);
        Assert.False((await (await auditor.GetAsync("/api/v1/voucher-ledger/check")).ReadJsonAsync()).GetProperty("intact").GetBoolean());
        var chongqing = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        Assert.True((await (await chongqing.GetAsync("/api/v1/voucher-ledger/check")).ReadJsonAsync()).GetProperty("intact").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.GetAsync("/api/v1/voucher-ledger/check")).StatusCode);
    }
}

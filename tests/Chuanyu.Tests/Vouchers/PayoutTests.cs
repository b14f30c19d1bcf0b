using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Tests.Security;
using Chuanyu.Web.Features.Vouchers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Vouchers.VoucherApi;
using static Chuanyu.Tests.Vouchers.VoucherTestData;

namespace Chuanyu.Tests.Vouchers;

/// <summary>Payout batches: batch → signed export → paid, with the ledger's PaidOut postings; who may, and paying twice.</summary>
public sealed class PayoutTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    /// <summary>A redemption of ¥300.00 at 1/3 (S = 10000 fen), submitted by 重庆大学's manager and approved by Sichuan's administrator.</summary>
    internal static async Task<(Guid Id, string VoucherCode)> ApprovedRedemptionAsync(ChuanyuFactory factory, long feeFen = 30_000)
    {
        var (_, voucher) = await SceneAsync(factory);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        var id = (await RedeemedAsync(engineer, voucher.Code, await BookingAsync(factory, feeFen))).GetProperty("id").GetGuid();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        Assert.Equal(HttpStatusCode.NoContent, (await SubmitAsync(manager, id, "FP" + Guid.NewGuid().ToString("N")[..12])).StatusCode);
        var admin = await factory.ApiClientAsync(Demo.SichuanAdmin);
        Assert.Equal(HttpStatusCode.NoContent, (await DecideAsync(admin, id, approve: true)).StatusCode);
        return (id, voucher.Code);
    }

    private static async Task<JsonElement> BatchAsync(HttpClient admin, Guid payee)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/voucher-payouts", new { payeeOrganizationId = payee });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task ABatch_IsExportedSigned_ThenPaid_PostingPaidOutPerRedemption()
    {
        var (redemption, _) = await ApprovedRedemptionAsync(factory);
        var cqu = await CquAsync(factory);
        var admin = await factory.ApiClientAsync(Demo.SichuanAdmin);

        var batch = await BatchAsync(admin, cqu);
        var id = batch.GetProperty("id").GetGuid();
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-payouts/{id}");
        Assert.Contains(detail.GetProperty("items").EnumerateArray(), i => i.GetProperty("redemptionId").GetGuid() == redemption);

        var (bytes, export) = await AuditProbe.DownloadAsync(admin, $"/api/v1/voucher-payouts/{id}/export");
        var signature = AuditProbe.Header(export, VoucherExports.SignatureHeader)!;
        Assert.StartsWith("sm2-sm3:", signature, StringComparison.Ordinal);
        Assert.True((await AuditProbe.VerifyViaApiAsync(factory, bytes, signature)).GetProperty("valid").GetBoolean());
        Assert.False((await AuditProbe.VerifyViaApiAsync(factory, AuditProbe.Tampered(bytes, bytes.Length / 2), signature)).GetProperty("valid").GetBoolean());
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Assert.Equal(sha, AuditProbe.Header(export, VoucherExports.Sha256Header));

        var paid = await admin.PostAsJsonAsync($"/api/v1/voucher-payouts/{id}/paid", new { bankReference = "BANK-2026-0001" });
        Assert.Equal(HttpStatusCode.NoContent, paid.StatusCode);

        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-payouts/{id}");
        Assert.Equal("Paid", after.GetProperty("batch").GetProperty("status").GetString());
        Assert.Equal(sha, after.GetProperty("batch").GetProperty("fileSha256").GetString());
        // A copy exported after payment is a new file (dated now) and does not replace the record of the paid one.
        var (copy, copyExport) = await AuditProbe.DownloadAsync(admin, $"/api/v1/voucher-payouts/{id}/export");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(copy)), AuditProbe.Header(copyExport, VoucherExports.Sha256Header));
        var kept = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-payouts/{id}");
        Assert.Equal(sha, kept.GetProperty("batch").GetProperty("fileSha256").GetString());
        await factory.WithDbAsync(async db =>
        {
            var r = await db.Set<VoucherRedemption>().SingleAsync(x => x.Id == redemption);
            Assert.Equal(VoucherRedemptionStatus.Paid, r.Status);
            Assert.Equal(id, r.PayoutBatchId);
            var pay = await db.Set<VoucherLedgerEntry>().Where(e => e.RedemptionId == redemption && e.Event == LedgerEvent.Pay).ToListAsync();
            Assert.Equal(2, pay.Count);
            Assert.Equal(10_000, pay.Single(e => e.AccountKind == LedgerAccountKind.PaidOut).AmountFen);
            Assert.Equal(-10_000, pay.Single(e => e.AccountKind == LedgerAccountKind.Payable).AmountFen);
            return 0;
        });
        using var scope = factory.Services.CreateScope();
        Assert.True((await scope.ServiceProvider.GetRequiredService<VoucherInvariants>().CheckAsync(null, default)).Intact);
    }

    [Fact]
    public async Task AnotherRegionsAdmin_Is403_OnEveryStep()
    {
        await ApprovedRedemptionAsync(factory);
        var sichuan = await factory.ApiClientAsync(Demo.SichuanAdmin);
        var id = (await BatchAsync(sichuan, await CquAsync(factory))).GetProperty("id").GetGuid();
        var chongqing = await factory.ApiClientAsync(Demo.ChongqingAdmin);

        Assert.Equal(HttpStatusCode.Forbidden, (await chongqing.GetAsync($"/api/v1/voucher-payouts/{id}/export")).StatusCode);
        await (await sichuan.GetAsync($"/api/v1/voucher-payouts/{id}/export")).Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await chongqing.PostAsJsonAsync($"/api/v1/voucher-payouts/{id}/paid", new { bankReference = "BANK-X" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await chongqing.GetAsync($"/api/v1/voucher-payouts/{id}")).StatusCode);
        // Chongqing's administrator cannot batch Sichuan's redemptions either.
        Assert.Equal(HttpStatusCode.Forbidden, (await chongqing.PostAsJsonAsync("/api/v1/voucher-payouts", new { regionCode = Sichuan })).StatusCode);
        // An enterprise's member is not a region administrator at all.
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostAsJsonAsync("/api/v1/voucher-payouts", new { })).StatusCode);
        await factory.WithDbAsync(async db =>
        {
            Assert.Equal(VoucherPayoutStatus.Exported, (await db.Set<VoucherPayoutBatch>().SingleAsync(b => b.Id == id)).Status);
            return 0;
        });
    }

    [Fact]
    public async Task PayingTwice_Is409_AndPaysOnce_PayingUnexported_Is409()
    {
        var (redemption, _) = await ApprovedRedemptionAsync(factory);
        var admin = await factory.ApiClientAsync(Demo.SichuanAdmin);
        var id = (await BatchAsync(admin, await CquAsync(factory))).GetProperty("id").GetGuid();

        var early = await admin.PostAsJsonAsync($"/api/v1/voucher-payouts/{id}/paid", new { bankReference = "BANK-1" });
        Assert.Equal("VoucherSettlement.PayoutNotExported", (await early.AssertProblemAsync(409)).GetProperty("code").GetString());
        await (await admin.GetAsync($"/api/v1/voucher-payouts/{id}/export")).Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/voucher-payouts/{id}/paid", new { bankReference = "BANK-1" })).StatusCode);
        var twice = await admin.PostAsJsonAsync($"/api/v1/voucher-payouts/{id}/paid", new { bankReference = "BANK-1" });
        Assert.Equal("VoucherSettlement.PayoutAlreadyPaid", (await twice.AssertProblemAsync(409)).GetProperty("code").GetString());

        await factory.WithDbAsync(async db =>
        {
            Assert.Equal(2, await db.Set<VoucherLedgerEntry>().CountAsync(e => e.RedemptionId == redemption && e.Event == LedgerEvent.Pay));
            return 0;
        });
        // Nothing approved is left out of a batch: a new batch has nothing to pay.
        var empty = await admin.PostAsJsonAsync("/api/v1/voucher-payouts", new { payeeOrganizationId = await CquAsync(factory) });
        Assert.Equal("VoucherSettlement.NothingToPay", (await empty.AssertProblemAsync(422)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Revoke_ReturnsTheBalanceToTheBudget_OnlyForTheIssuer()
    {
        var (_, voucher) = await SceneAsync(factory, faceValueFen: 50_000);
        var chongqing = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        Assert.Equal(HttpStatusCode.Forbidden, (await chongqing.PostAsJsonAsync($"/api/v1/vouchers/{voucher.Code}/revoke", new { reason = "测试撤销" })).StatusCode);
        var admin = await factory.ApiClientAsync(Demo.SichuanAdmin);
        await (await admin.PostAsJsonAsync($"/api/v1/vouchers/{voucher.Code}/revoke", new { reason = "" })).AssertFieldErrorAsync("reason");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/vouchers/{voucher.Code}/revoke", new { reason = "企业资格取消" })).StatusCode);

        var again = await admin.PostAsJsonAsync($"/api/v1/vouchers/{voucher.Code}/revoke", new { reason = "企业资格取消" });
        Assert.Equal("VoucherSettlement.VoucherNotActive", (await again.AssertProblemAsync(409)).GetProperty("code").GetString());
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        Assert.Equal(0, await BalanceAsync(engineer, voucher.Code));
        await factory.WithDbAsync(async db =>
        {
            var revoke = await db.Set<VoucherLedgerEntry>().Where(e => e.Event == LedgerEvent.Revoke && e.ProgrammeId == voucher.ProgrammeId).ToListAsync();
            Assert.Equal(50_000, revoke.Single(e => e.AccountKind == LedgerAccountKind.Budget).AmountFen);
            Assert.Equal(VoucherStatus.Revoked, (await db.Set<Voucher>().SingleAsync(v => v.Id == voucher.Id)).Status);
            return 0;
        });
    }

    [Fact]
    public async Task ThePages_BatchExportAndPay_AndShowTheSettlementAndTheAlerts()
    {
        var (redemption, _) = await ApprovedRedemptionAsync(factory);
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.SichuanAdmin);

        var (_, page) = await session.GetAsync("/Vouchers/Admin/Payouts");
        Assert.NotNull(page.QuerySelector("[data-testid=nav-voucher-settlement]"));
        Assert.Contains("重庆大学", page.QuerySelector("[data-testid=payouts-waiting]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SubmitAsync("/Vouchers/Admin/Payouts", new Dictionary<string, string>(), "[data-testid=payouts-waiting] form")).StatusCode);
        var batch = await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.Id == redemption).Select(r => r.PayoutBatchId!.Value).SingleAsync());
        (_, page) = await session.GetAsync("/Vouchers/Admin/Payouts");
        var export = page.QuerySelectorAll("[data-testid=payout-batches] a").Select(a => a.GetAttribute("href")!).Single(h => h.Contains(batch.ToString(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync(export)).StatusCode);
        var paid = await session.SubmitAsync("/Vouchers/Admin/Payouts", new Dictionary<string, string> { ["id"] = batch.ToString(), ["bankReference"] = "BANK-PAGE-1" },
            "[data-testid=payout-batches] form");
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        await factory.WithDbAsync(async db =>
        {
            Assert.Equal(VoucherRedemptionStatus.Paid, (await db.Set<VoucherRedemption>().SingleAsync(r => r.Id == redemption)).Status);
            return 0;
        });

        var quarter = SettlementQuarter.Of(DateTimeOffset.UtcNow).ToString();
        (_, page) = await session.GetAsync($"/Vouchers/Admin/Settlement?quarter={quarter}");
        var pair = page.QuerySelector("[data-testid=settlement-pairs] a[href*='510000-500000']")!;
        var (_, detail) = await session.GetAsync(pair.GetAttribute("href")!);
        var number = await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.Id == redemption).Select(r => r.Number).SingleAsync());
        Assert.Contains(number, detail.QuerySelector("[data-testid=settlement-lines]")!.TextContent, StringComparison.Ordinal);
        var (alerts, _) = await session.GetAsync("/Vouchers/Admin/Alerts");
        Assert.Equal(HttpStatusCode.OK, alerts.StatusCode);
    }

    private async Task AssertIntactAsync()
    {
        using var scope = factory.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<VoucherInvariants>().CheckAsync(null, default);
        Assert.True(result.Intact, JsonSerializer.Serialize(result));
    }

    private Task<VoucherPayoutBatch> BatchRowAsync(Guid id) => factory.WithDbAsync(db => db.Set<VoucherPayoutBatch>().AsNoTracking().SingleAsync(b => b.Id == id));

    [Fact]
    public async Task RefundingABatchedRedemption_TakesItOutOfTheExportedBatch_WhichIsExportedAgainAndPaysTheRest()
    {
        var (kept, _) = await ApprovedRedemptionAsync(factory);
        var (refunded, _) = await ApprovedRedemptionAsync(factory, feeFen: 60_000);
        var admin = await factory.ApiClientAsync(Demo.SichuanAdmin);
        var id = (await BatchAsync(admin, await CquAsync(factory))).GetProperty("id").GetGuid();
        await (await admin.GetAsync($"/api/v1/voucher-payouts/{id}/export")).Content.ReadAsByteArrayAsync();
        var before = await BatchRowAsync(id);
        Assert.Equal(VoucherPayoutStatus.Exported, before.Status);
        var booking = await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.Id == refunded).Select(r => r.BookingId!.Value).SingleAsync());

        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var refund = await manager.PostAsJsonAsync($"/api/v1/bookings/{booking}/refund", new { note = "仪器故障，费用全额退回" });
        Assert.Equal(HttpStatusCode.NoContent, refund.StatusCode);

        // The refunded redemption (S = 20000 fen) left the batch; the signed file no longer matches, so the batch is open again.
        var after = await BatchRowAsync(id);
        Assert.Equal(before.Count - 1, after.Count);
        Assert.Equal(before.TotalFen - 20_000, after.TotalFen);
        Assert.Equal(VoucherPayoutStatus.Open, after.Status);
        Assert.Null(after.FileSha256);
        Assert.Null(after.Signature);
        Assert.True(after.Version > before.Version);
        await factory.WithDbAsync(async db =>
        {
            var r = await db.Set<VoucherRedemption>().AsNoTracking().SingleAsync(x => x.Id == refunded);
            Assert.Equal(VoucherRedemptionStatus.Reversed, r.Status);
            Assert.Null(r.PayoutBatchId);
            Assert.False(await db.Set<VoucherPayoutItem>().AnyAsync(i => i.RedemptionId == refunded));
            var audit = await db.AuditEntries.SingleAsync(a => a.Action == "voucher.payout.remove" && a.Target == $"voucher-payout:{id}");
            Assert.Contains($"{r.Number}; amount=20000", audit.Detail, StringComparison.Ordinal);
            Assert.Contains($"Exported->Open; export voided sha256={before.FileSha256}", audit.Detail, StringComparison.Ordinal);
            return 0;
        });
        await AssertIntactAsync();

        // The payouts page shows the batch's new total.
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.SichuanAdmin);
        var (_, page) = await session.GetAsync("/Vouchers/Admin/Payouts");
        var row = page.QuerySelectorAll("[data-testid=payout-batches] tbody tr").Single(tr => tr.TextContent.Contains(before.Number, StringComparison.Ordinal));
        Assert.Contains(Chuanyu.Web.Infrastructure.Display.Money(after.TotalFen / 100m), row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(Chuanyu.Web.Infrastructure.Display.Money(before.TotalFen / 100m), row.TextContent, StringComparison.Ordinal);

        // Not payable until exported again; then it pays the rest.
        var early = await admin.PostAsJsonAsync($"/api/v1/voucher-payouts/{id}/paid", new { bankReference = "BANK-REFUND-1" });
        Assert.Equal("VoucherSettlement.PayoutNotExported", (await early.AssertProblemAsync(409)).GetProperty("code").GetString());
        var (bytes, _) = await AuditProbe.DownloadAsync(admin, $"/api/v1/voucher-payouts/{id}/export");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), (await BatchRowAsync(id)).FileSha256);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/voucher-payouts/{id}/paid", new { bankReference = "BANK-REFUND-1" })).StatusCode);
        await factory.WithDbAsync(async db =>
        {
            Assert.Equal(VoucherRedemptionStatus.Paid, (await db.Set<VoucherRedemption>().SingleAsync(r => r.Id == kept)).Status);
            var paidOut = await db.Set<VoucherLedgerEntry>().Where(e => e.Event == LedgerEvent.Pay && e.AccountKind == LedgerAccountKind.PaidOut)
                .Join(db.Set<VoucherLedgerTransaction>().Where(t => t.PayoutBatchId == id), e => e.TransactionId, t => t.Id, (e, _) => e.AmountFen).ToListAsync();
            Assert.Equal(after.Count, paidOut.Count);
            Assert.Equal(after.TotalFen, paidOut.Sum());
            Assert.False(await db.Set<VoucherLedgerEntry>().AnyAsync(e => e.RedemptionId == refunded && e.Event == LedgerEvent.Pay));
            return 0;
        });
        await AssertIntactAsync();
    }

    [Fact]
    public async Task RefundingEveryRedemptionOfABatch_CancelsIt_NothingToExportOrPay()
    {
        await ApprovedRedemptionAsync(factory);
        var admin = await factory.ApiClientAsync(Demo.SichuanAdmin);
        var id = (await BatchAsync(admin, await CquAsync(factory))).GetProperty("id").GetGuid();
        var uses = await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.PayoutBatchId == id)
            .Select(r => new { r.UseKind, Use = r.BookingId ?? r.ServiceOrderId!.Value }).ToListAsync());
        Assert.NotEmpty(uses);

        foreach (var use in uses)
        {
            var reversed = await InTransactionAsync(factory, (services, _) =>
                services.GetRequiredService<VoucherReversals>().ReverseForRefundAsync(new UseKey(use.UseKind, use.Use), "退款", default));
            Assert.IsType<Chuanyu.Web.Infrastructure.ServiceResult.Ok>(reversed);
        }

        var batch = await BatchRowAsync(id);
        Assert.Equal(VoucherPayoutStatus.Cancelled, batch.Status);
        Assert.Equal(0, batch.Count);
        Assert.Equal(0, batch.TotalFen);
        Assert.False(await factory.WithDbAsync(db => db.Set<VoucherPayoutItem>().AnyAsync(i => i.BatchId == id)));
        var export = await admin.GetAsync($"/api/v1/voucher-payouts/{id}/export");
        Assert.Equal("VoucherSettlement.PayoutCancelled", (await export.AssertProblemAsync(409)).GetProperty("code").GetString());
        var paid = await admin.PostAsJsonAsync($"/api/v1/voucher-payouts/{id}/paid", new { bankReference = "BANK-NONE" });
        Assert.Equal("VoucherSettlement.PayoutCancelled", (await paid.AssertProblemAsync(409)).GetProperty("code").GetString());
        await AssertIntactAsync();
    }

    [Fact]
    public async Task ABatchWhoseTotalDiffersFromItsItems_IsReportedByTheCheck()
    {
        await ApprovedRedemptionAsync(factory);
        var admin = await factory.ApiClientAsync(Demo.SichuanAdmin);
        var id = (await BatchAsync(admin, await CquAsync(factory))).GetProperty("id").GetGuid();
        var number = (await BatchRowAsync(id)).Number;
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE voucher_payout_batches SET total_fen = total_fen + 1 WHERE id = {id}"));
        try
        {
            var broken = await (await admin.GetAsync("/api/v1/voucher-ledger/check")).ReadJsonAsync();
            Assert.False(broken.GetProperty("intact").GetBoolean());
            Assert.Contains(number, broken.GetProperty("batchesOffTheirItems").EnumerateArray().Select(x => x.GetString()));
        }
        finally
        {
            await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE voucher_payout_batches SET total_fen = total_fen - 1 WHERE id = {id}"));
        }
        await AssertIntactAsync();
    }
}

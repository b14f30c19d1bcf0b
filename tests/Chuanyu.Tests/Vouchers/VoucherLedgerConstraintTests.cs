using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Vouchers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using static Chuanyu.Tests.Vouchers.VoucherTestData;

namespace Chuanyu.Tests.Vouchers;

/// <summary>
/// What the engine itself refuses, with the application out of the way (raw SQL), on the engine this run uses: the
/// migration test compares columns and indexes but not CHECKs or index filters, so each one is hit here.
/// </summary>
public sealed class VoucherLedgerConstraintTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task ABalanceBelowZero_IsRefusedByTheEngine()
    {
        var programme = await ProgrammeAsync(factory, 1_000_000);
        var voucher = await IssueAsync(factory, programme, await RongxinAsync(factory), 100_000);
        var key = LedgerKeys.Voucher(voucher.Id);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE voucher_ledger_accounts SET balance_fen = 0 WHERE key = {key}")));

        await AssertCheckViolationAsync(() => factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE voucher_ledger_accounts SET balance_fen = -1 WHERE key = {key}")));
        // Funding is kept in its normal (credit) orientation too, so it is ≥ 0 like every other account.
        var funding = LedgerKeys.Funding(programme.Id);
        await AssertCheckViolationAsync(() => factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE voucher_ledger_accounts SET balance_fen = -1 WHERE key = {funding}")));
    }

    [Fact]
    public async Task AQuotaAboveItsCap_IsRefusedByTheEngine()
    {
        var programme = await ProgrammeAsync(factory, 1_000_000, p => p.AnnualCapFen = 50_000);
        var holder = await RongxinAsync(factory);
        await IssueAsync(factory, programme, holder, 100_000);

        Assert.Equal(1, await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE voucher_holder_quotas SET used_fen = 50000 WHERE programme_id = {programme.Id} AND organization_id = {holder}")));
        await AssertCheckViolationAsync(() => factory.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE voucher_holder_quotas SET used_fen = 50001 WHERE programme_id = {programme.Id} AND organization_id = {holder}")));
        await AssertCheckViolationAsync(() => factory.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE voucher_holder_quotas SET used_fen = -1 WHERE programme_id = {programme.Id} AND organization_id = {holder}")));
    }

    [Fact]
    public async Task TheSameInvoiceTwiceAtOneProvider_IsRefusedByTheEngine()
    {
        var (first, second) = await TwoRedemptionsAsync();
        Assert.Equal(1, await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE voucher_redemptions SET invoice_number = 'INV-0001' WHERE id = {first.Id}")));

        await AssertUniqueViolationAsync(() => factory.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE voucher_redemptions SET invoice_number = 'INV-0001' WHERE id = {second.Id}")));
    }

    [Fact]
    public async Task ASecondLiveRedemptionOfOneUse_IsRefusedByTheEngine_AFinishedOneIsNot()
    {
        var (first, second) = await TwoRedemptionsAsync();

        await AssertUniqueViolationAsync(() => factory.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE voucher_redemptions SET booking_id = {first.BookingId} WHERE id = {second.Id}")));
        // A withdrawn redemption no longer holds the use: another may take it.
        Assert.Equal(1, await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE voucher_redemptions SET status = 'Withdrawn' WHERE id = {first.Id}")));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE voucher_redemptions SET booking_id = {first.BookingId} WHERE id = {second.Id}")));
    }

    [Fact]
    public async Task AmountsOutsideTheirRange_AreRefusedByTheEngine()
    {
        var (first, _) = await TwoRedemptionsAsync();
        foreach (var set in new[] { "fee_fen = 0", "eligible_fee_fen = fee_fen + 1", "subsidy_fen = 0", "approved_fen = subsidy_fen + 1", "booking_id = NULL" })
        {
            var sql = "UPDATE voucher_redemptions SET " + set + " WHERE id = {0}";
            await AssertCheckViolationAsync(() => factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql, first.Id)));
        }
        await AssertCheckViolationAsync(() => factory.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE voucher_ledger_entries SET amount_fen = 0 WHERE redemption_id IS NULL AND programme_id = {first.ProgrammeId}")));
    }

    /// <summary>Two reserved redemptions of one voucher on two uses (rows only: the ledger is not what these tests hit).</summary>
    private async Task<(VoucherRedemption First, VoucherRedemption Second)> TwoRedemptionsAsync()
    {
        var programme = await ProgrammeAsync(factory, 1_000_000);
        var holder = await RongxinAsync(factory);
        var voucher = await IssueAsync(factory, programme, holder, 100_000);
        var cqu = await CquAsync(factory);
        var instrument = await CquInstrumentAsync(factory);
        VoucherRedemption Row(Guid booking) => new()
        {
            Id = Guid.CreateVersion7(),
            Number = "RD-T-" + Guid.NewGuid().ToString("N")[..20],
            VoucherId = voucher.Id,
            ProgrammeId = programme.Id,
            Mode = VoucherMode.Redeem,
            HolderOrganizationId = holder,
            ProviderOrganizationId = cqu,
            PayeeOrganizationId = cqu,
            IssuingRegionCode = Sichuan,
            ProviderRegionCode = Chongqing,
            UseKind = VoucherUseKind.Booking,
            BookingId = booking,
            ResourceId = instrument,
            FeeFen = 10_000,
            EligibleFeeFen = 10_000,
            RatioNum = 1,
            RatioDen = 3,
            RatioRule = "Base",
            SubsidyFen = 3_333,
            ShareFen = 6_667,
            Status = VoucherRedemptionStatus.Reserved,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var first = Row(await BookingAsync(factory, 10_000));
        var second = Row(await BookingAsync(factory, 10_000));
        await factory.WithDbAsync(db =>
        {
            db.AddRange(first, second);
            return db.SaveChangesAsync();
        });
        return (first, second);
    }

    private static async Task AssertCheckViolationAsync(Func<Task> write)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(write);
        switch (e)
        {
            case Npgsql.PostgresException pg:
                Assert.Equal(Npgsql.PostgresErrorCodes.CheckViolation, pg.SqlState);
                break;
            case SqliteException sqlite:
                Assert.Equal(275, sqlite.SqliteExtendedErrorCode); // SQLITE_CONSTRAINT_CHECK
                break;
            default:
                Assert.Fail($"not a CHECK violation: {e}");
                break;
        }
    }

    private static async Task AssertUniqueViolationAsync(Func<Task> write)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(write);
        switch (e)
        {
            case Npgsql.PostgresException pg:
                Assert.Equal(Npgsql.PostgresErrorCodes.UniqueViolation, pg.SqlState);
                break;
            case SqliteException sqlite:
                Assert.Equal(2067, sqlite.SqliteExtendedErrorCode); // SQLITE_CONSTRAINT_UNIQUE
                break;
            default:
                Assert.Fail($"not a unique violation: {e}");
                break;
        }
    }
}

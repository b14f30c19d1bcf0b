using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

public sealed record VoucherJobsResult(int Expired, long ReturnedFen, int Lapsed);

/// <summary>
/// The voucher clock, run by one instance at a time (lease <see cref="LeaseName"/>): an active voucher past its use-until
/// date expires and its balance returns to the programme's budget (Expire: Budget +b, Voucher −b); a reserved 通兑
/// redemption nobody submitted by the programme's redemption deadline lapses (Lapse: Budget +S, Pending −S). Each
/// voucher and each redemption in a transaction of its own, so one failure holds up no other.
/// </summary>
public sealed class VoucherJobs(AppDbContext db, VoucherLedger ledger, VoucherRedemptions redemptions, JobLeases leases, TimeProvider clock)
{
    public const string LeaseName = "voucher-jobs";
    private const int Batch = 200;

    public async Task<VoucherJobsResult?> RunAsync(TimeSpan lease, CancellationToken ct)
    {
        if (!await leases.TryAcquireAsync(LeaseName, leases.Holder, lease, ct))
        {
            return null;
        }
        var today = ChinaTime.Today(clock);
        var lapsing = await (
            from r in db.Set<VoucherRedemption>()
            join p in db.Set<VoucherProgramme>() on r.ProgrammeId equals p.Id
            where r.Status == VoucherRedemptionStatus.Reserved && r.Mode == VoucherMode.Redeem && p.RedeemUntil < today
            orderby r.CreatedAt
            select r.Id).Take(Batch).ToListAsync(ct);
        var lapsed = 0;
        foreach (var id in lapsing)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var r = await db.Set<VoucherRedemption>().FirstAsync(x => x.Id == id, ct);
            if (r.Status != VoucherRedemptionStatus.Reserved)
            {
                continue;
            }
            await redemptions.ApplyAsync(r, VoucherRedemptionStatus.Lapsed, LedgerEvent.Lapse, null, ct);
            await tx.CommitAsync(ct);
            lapsed++;
        }
        var expiring = await db.Set<Voucher>().Where(v => v.Status == VoucherStatus.Active && v.UseUntil < today)
            .OrderBy(v => v.UseUntil).Select(v => v.Id).Take(Batch).ToListAsync(ct);
        long returned = 0;
        foreach (var id in expiring)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var voucher = await db.Set<Voucher>().FirstAsync(v => v.Id == id, ct);
            if (voucher.Status != VoucherStatus.Active)
            {
                continue;
            }
            voucher.Status = VoucherStatus.Expired;
            voucher.ClosedAt = clock.GetUtcNow();
            var account = await ledger.FindAsync(LedgerKeys.Voucher(voucher.Id), ct);
            var balance = account is null ? 0 : await ledger.BalanceAsync(account.Id, ct);
            if (balance > 0)
            {
                var programme = await db.Set<VoucherProgramme>().AsNoTracking().FirstAsync(p => p.Id == voucher.ProgrammeId, ct);
                var budget = await ledger.AccountAsync(LedgerKeys.Budget(programme.Id), programme.Id, LedgerAccountKind.Budget, null, null, ct);
                await ledger.PostAsync(new LedgerPosting(programme.Id, LedgerEvent.Expire, programme.IssuingRegionCode,
                    [new LedgerLeg(budget, balance), new LedgerLeg(account!, -balance)])
                { VoucherId = voucher.Id }, ct);
                returned += balance;
            }
            else
            {
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        return new VoucherJobsResult(expiring.Count, returned, lapsed);
    }
}

internal sealed class VoucherJobsService(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<VoucherJobsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Vouchers:JobIntervalSeconds", 300));
        if (interval <= TimeSpan.Zero)
        {
            logger.LogInformation("Voucher jobs are off (Vouchers:JobIntervalSeconds = 0).");
            return;
        }
        await PeriodicLoop.RunAsync(interval, clock, async ct =>
        {
            using var scope = scopes.CreateScope();
            if (await scope.ServiceProvider.GetRequiredService<VoucherJobs>().RunAsync(interval * 2, ct) is { } r && r.Expired + r.Lapsed > 0)
            {
                logger.LogInformation("Voucher jobs: {Expired} vouchers expired ({Returned} fen back to the budgets), {Lapsed} redemptions lapsed",
                    r.Expired, r.ReturnedFen, r.Lapsed);
            }
        }, logger, "Voucher jobs failed", stoppingToken);
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

public sealed record VoucherSummary(string Code, Guid ProgrammeId, string ProgrammeName, string IssuingRegionCode, VoucherMode Mode, Guid HolderOrganizationId,
    long FaceValueFen, long BalanceFen, int RatioNum, int RatioDen, VoucherStatus Status, DateOnly UseUntil, DateTimeOffset IssuedAt);

public sealed record VoucherEntryDto(long TransactionId, LedgerEvent Event, long AmountFen, Guid? RedemptionId, DateTimeOffset PostedAt);

public sealed record VoucherDetail(VoucherSummary Voucher, IReadOnlyList<VoucherEntryDto> Entries);

/// <summary>What a voucher would pay for a fee, and what is left to pay (<see cref="VoucherHoldings.EstimateAsync"/>).</summary>
public sealed record VoucherEstimate(string? VoucherCode, long FeeFen, long SubsidyFen, long ShareFen);

/// <summary>
/// The vouchers of the caller's organisations: the list with balances, one voucher with its ledger entries (members of
/// the holder only: anyone else is told it does not exist), and the estimate a booking or order page shows before the
/// user confirms.
/// </summary>
public sealed class VoucherHoldings(AppDbContext db, OrganizationDirectory organizations, CatalogDirectory catalog, TimeProvider clock)
{
    public const int MaxEntries = 500;

    public async Task<IReadOnlyList<VoucherSummary>> MineAsync(CancellationToken ct)
    {
        var mine = organizations.MyOrganizationIds().ToList();
        return await Summaries(db.Set<Voucher>().Where(v => mine.Contains(v.HolderOrganizationId)).OrderByDescending(v => v.IssuedAt)).ToListAsync(ct);
    }

    public async Task<VoucherDetail?> GetAsync(string code, CancellationToken ct)
    {
        var mine = organizations.MyOrganizationIds().ToList();
        var summary = await Summaries(db.Set<Voucher>().Where(v => v.Code == code && mine.Contains(v.HolderOrganizationId))).FirstOrDefaultAsync(ct);
        if (summary is null)
        {
            return null;
        }
        var key = LedgerKeys.Voucher(await db.Set<Voucher>().Where(v => v.Code == code).Select(v => v.Id).FirstAsync(ct));
        var entries = await (
            from e in db.Set<VoucherLedgerEntry>().AsNoTracking()
            join a in db.Set<VoucherLedgerAccount>() on e.AccountId equals a.Id
            where a.Key == key
            orderby e.Id descending
            select new VoucherEntryDto(e.TransactionId, e.Event, e.AmountFen, e.RedemptionId, e.PostedAt)).Take(MaxEntries).ToListAsync(ct);
        return new VoucherDetail(summary, entries);
    }

    /// <summary>
    /// The best voucher the caller's organisations hold for a fee at a resource (the highest subsidy by the rule, without
    /// a plan project), or none: what the booking and order pages show before the user confirms.
    /// </summary>
    public async Task<VoucherEstimate> EstimateAsync(Guid resourceId, VoucherServiceCategory category, long feeFen, CancellationToken ct) =>
        await EstimatesAsync(resourceId, category, feeFen, null, ct) is [var best, ..] ? best : new VoucherEstimate(null, feeFen, 0, feeFen);

    /// <summary>
    /// Every voucher of the caller's organisations (or of <paramref name="holder"/> among them) that would pay something
    /// for a fee at a resource, the best first, each with its subsidy and what is left to pay: the choice the use page offers.
    /// </summary>
    public async Task<IReadOnlyList<VoucherEstimate>> EstimatesAsync(Guid resourceId, VoucherServiceCategory category, long feeFen, Guid? holder,
        CancellationToken ct)
    {
        var owner = await catalog.Instruments().Where(r => r.Id == resourceId).Select(r => (Guid?)r.OrganizationId).FirstOrDefaultAsync(ct);
        var provider = owner is null ? null : await db.Set<VoucherProvider>().AsNoTracking()
            .FirstOrDefaultAsync(p => p.OrganizationId == owner && p.Status == VoucherProviderStatus.Approved, ct);
        if (feeFen <= 0 || provider is null || !provider.Categories.HasFlag(category))
        {
            return [];
        }
        var all = organizations.MyOrganizationIds().ToList();
        var mine = all.Where(o => holder is null || o == holder).ToList();
        var today = ChinaTime.Today(clock);
        var candidates = await (
            from v in db.Set<Voucher>().AsNoTracking()
            join p in db.Set<VoucherProgramme>() on v.ProgrammeId equals p.Id
            join a in db.Set<VoucherLedgerAccount>() on v.Id equals a.VoucherId
            where mine.Contains(v.HolderOrganizationId) && v.Status == VoucherStatus.Active && v.UseUntil >= today
                && (p.AllowOtherRegion || p.IssuingRegionCode == provider.RegionCode)
            select new
            {
                v.Code,
                v.RatioNum,
                v.RatioDen,
                p.Categories,
                p.PerClaimCapFen,
                a.BalanceFen,
                Quota = db.Set<VoucherHolderQuota>().Where(q => q.ProgrammeId == p.Id && q.OrganizationId == v.HolderOrganizationId)
                    .Select(q => q.CapFen - q.UsedFen).FirstOrDefault(),
            }).ToListAsync(ct);
        return candidates.Where(c => c.Categories.HasFlag(category) && !all.Contains(owner!.Value))
            .Select(c => (c.Code, Subsidy: SubsidyRule.Compute(feeFen, new SubsidyRatio(c.RatioNum, c.RatioDen), c.PerClaimCapFen, c.BalanceFen, c.Quota)))
            .Where(c => c.Subsidy > 0).OrderByDescending(c => c.Subsidy).ThenBy(c => c.Code, StringComparer.Ordinal)
            .Select(c => new VoucherEstimate(c.Code, feeFen, c.Subsidy, feeFen - c.Subsidy)).ToList();
    }

    private IQueryable<VoucherSummary> Summaries(IQueryable<Voucher> vouchers) =>
        from v in vouchers.AsNoTracking()
        join p in db.Set<VoucherProgramme>() on v.ProgrammeId equals p.Id
        join a in db.Set<VoucherLedgerAccount>() on v.Id equals a.VoucherId
        select new VoucherSummary(v.Code, p.Id, p.Name, p.IssuingRegionCode, p.Mode, v.HolderOrganizationId, v.FaceValueFen, a.BalanceFen,
            v.RatioNum, v.RatioDen, v.Status, v.UseUntil, v.IssuedAt);
}

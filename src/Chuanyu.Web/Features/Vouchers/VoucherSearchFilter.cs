using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// The search's "accepts my vouchers" (可用我的创新券, <c>only=my-vouchers</c>): the instruments and testing services of
/// approved providers where a voucher the caller's organisations hold can be used today — active, not past its use
/// date, with a balance; a provider of the issuing region, or of either region when the programme allows the other;
/// approved for a category the programme pays for (instrument use: instruments; testing: testing services and
/// instruments, which take orders too).
/// </summary>
public sealed class VoucherSearchFilter(AppDbContext db, OrganizationDirectory organizations, TimeProvider clock) : ISearchFilterSource
{
    public string Name => "my-vouchers";

    public string LabelKey => "Search.Only.MyVouchers";

    public string EmptyKey => "VoucherProgrammes.NoUsableVoucher";

    public async Task<SearchRestriction> RestrictionAsync(CancellationToken ct)
    {
        var holders = organizations.MyOrganizationIds().ToList();
        var today = ChinaTime.Today(clock);
        var usable = await (
            from v in db.Set<Voucher>().AsNoTracking()
            join p in db.Set<VoucherProgramme>() on v.ProgrammeId equals p.Id
            join a in db.Set<VoucherLedgerAccount>() on v.Id equals a.VoucherId
            where holders.Contains(v.HolderOrganizationId) && v.Status == VoucherStatus.Active && v.UseUntil >= today && a.BalanceFen > 0
            select new { p.IssuingRegionCode, p.AllowOtherRegion, p.Categories }).Distinct().ToListAsync(ct);
        if (usable.Count == 0)
        {
            return new SearchRestriction(new HashSet<Guid>(), 0);
        }
        var providers = await db.Set<VoucherProvider>().AsNoTracking().Where(p => p.Status == VoucherProviderStatus.Approved)
            .Select(p => new { p.OrganizationId, p.RegionCode, p.Categories }).ToListAsync(ct);
        var allowed = new HashSet<Guid>();
        var categories = VoucherServiceCategory.None;
        foreach (var provider in providers)
        {
            foreach (var u in usable)
            {
                var shared = provider.Categories & u.Categories;
                if (shared != VoucherServiceCategory.None && (u.AllowOtherRegion || provider.RegionCode == u.IssuingRegionCode))
                {
                    allowed.Add(provider.OrganizationId);
                    categories |= shared;
                }
            }
        }
        var types = 0L;
        if (categories.HasFlag(VoucherServiceCategory.InstrumentUse))
        {
            types |= 1L << (int)ResourceKind.Instrument;
        }
        if (categories.HasFlag(VoucherServiceCategory.Testing))
        {
            types |= (1L << (int)ResourceKind.Instrument) | (1L << (int)ResourceKind.TestingService);
        }
        return new SearchRestriction(allowed, types);
    }
}

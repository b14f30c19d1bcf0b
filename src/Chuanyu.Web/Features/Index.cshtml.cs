using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features;

[AllowAnonymous]
public sealed class IndexModel(AppDbContext db) : PageModel
{
    public static readonly string[] Parts = ["Identity", "Catalog", "Booking", "Vouchers", "Experts", "Transfer", "Challenges", "Monitoring", "Exchange"];

    public sealed record RegionStat(string Name, string ShortName, int Organizations, int Districts);

    public IReadOnlyList<RegionStat> Regions { get; private set; } = [];
    public int Users { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Regions = await db.Regions.AsNoTracking().OrderBy(r => r.SortOrder)
            .Select(r => new RegionStat(r.Name, r.ShortName,
                db.Set<Organization>().Count(o => o.RegionCode == r.Code && o.Status == OrganizationStatus.Verified),
                db.Set<District>().Count(d => d.RegionCode == r.Code && d.Level == DistrictLevel.County)))
            .ToListAsync(ct);
        Users = await db.Users.CountAsync(ct);
    }
}

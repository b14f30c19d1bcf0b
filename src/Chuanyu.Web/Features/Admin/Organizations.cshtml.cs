using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Admin;

/// <summary>A region administrator's verification queue: organisations of their own region only.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class AdminOrganizationsModel(AppDbContext db, CurrentUser me, OrganizationService service, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public OrganizationStatus Status { get; set; } = OrganizationStatus.Pending;

    public IReadOnlyList<Organization> Items { get; private set; } = [];
    private Dictionary<string, string> _districts = [];

    public string DistrictName(string code) => _districts.GetValueOrDefault(code, code);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var regions = me.AdminRegions.ToList();
        var query = db.Organizations.AsNoTracking().Where(o => o.Status == Status);
        if (!me.IsSystemAdmin)
        {
            query = query.Where(o => regions.Contains(o.RegionCode));
        }
        Items = await query.OrderBy(o => o.CreatedAt).Take(200).ToListAsync(ct);
        _districts = await db.Districts.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.Name, ct);
    }

    public async Task<IActionResult> OnPostAsync(Guid id, bool approve, string? note, CancellationToken ct)
    {
        var result = await service.VerifyAsync(id, approve, note, ct);
        switch (result)
        {
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return Forbid();
            default:
                TempData["Message"] = result.FailureMessage ?? l[approve ? "AdminOrgs.Verified" : "AdminOrgs.Rejected"].Value;
                break;
        }
        return RedirectToPage();
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Organizations;

[AllowAnonymous]
public sealed class OrganizationDetailsModel(AppDbContext db, OrganizationService service, CurrentUser me, IStringLocalizer<SharedResource> l) : PageModel
{
    public Organization Organization { get; private set; } = null!;
    public string RegionName { get; private set; } = "";
    public string DistrictName { get; private set; } = "";
    public MembershipStatus? MyMembership { get; private set; }
    public bool CanManage { get; private set; }

    /// <summary>The reviewer's note is for the organisation's administrators and the region's reviewers, not the public.</summary>
    public bool CanReadNote { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        // An organisation still under review is private: to anyone else it does not exist.
        if (org is null || !service.CanSee(org))
        {
            return NotFound();
        }
        Organization = org;
        RegionName = await db.Regions.Where(r => r.Code == org.RegionCode).Select(r => r.Name).FirstAsync(ct);
        DistrictName = await db.Districts.Where(d => d.Code == org.DistrictCode).Select(d => d.Name).FirstAsync(ct);
        if (me.IsAuthenticated)
        {
            MyMembership = await db.Memberships.Where(m => m.OrganizationId == id && m.UserId == me.Id && m.Status != MembershipStatus.Rejected)
                .Select(m => (MembershipStatus?)m.Status).FirstOrDefaultAsync(ct);
        }
        CanManage = service.CanManageMembers(org);
        CanReadNote = CanManage || service.CanVerify(org);
        return Page();
    }

    public async Task<IActionResult> OnPostJoinAsync(Guid id, CancellationToken ct)
    {
        if (!me.IsAuthenticated)
        {
            return Challenge();
        }
        var result = await service.RequestMembershipAsync(id, ct);
        switch (result)
        {
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Conflict c:
                TempData["Message"] = c.Reason;
                break;
            default:
                TempData["Message"] = l["Orgs.JoinRequested"].Value;
                break;
        }
        return RedirectToPage(new { id });
    }
}

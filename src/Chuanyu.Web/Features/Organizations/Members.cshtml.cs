using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Organizations;

/// <summary>The organisation admin's page: approve people who asked to join, name instrument managers.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class OrganizationMembersModel(AppDbContext db, OrganizationService service, IStringLocalizer<SharedResource> l) : PageModel
{
    public Organization Organization { get; private set; } = null!;
    public IReadOnlyList<OrganizationService.MemberRow> Members { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (org is null || !service.CanSee(org))
        {
            return NotFound();
        }
        if (!service.CanManageMembers(org))
        {
            return Forbid();
        }
        Organization = org;
        Members = await service.ListMembersAsync(id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDecideAsync(Guid id, Guid membershipId, bool approve, CancellationToken ct) =>
        Done(await service.DecideMembershipAsync(id, membershipId, approve, ct), id, approve ? "Members.Approved" : "Members.Rejected");

    public async Task<IActionResult> OnPostRoleAsync(Guid id, Guid userId, PlatformRole role, bool grant, CancellationToken ct) =>
        Done(await service.SetOrganizationRoleAsync(id, userId, role, grant, ct), id, grant ? "Members.Granted" : "Members.Revoked");

    private IActionResult Done(ServiceResult result, Guid id, string messageKey)
    {
        switch (result)
        {
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return Forbid();
            default:
                TempData["Message"] = result.FailureMessage ?? l[messageKey].Value;
                break;
        }
        return RedirectToPage(new { id });
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Organizations;

/// <summary>The buttons of a region administrator's decision on a declaration (the partial _SmeDecision, on this page and /Admin/Smes).</summary>
public sealed record SmeDecisionForm(Guid OrganizationId, int Year, SmeDeclarationStatus Status, string OrganizationName)
{
    /// <summary>The pages' DecideSme handler: the decision, its outcome as the page's message, back to the page (with <paramref name="routeValues"/>).</summary>
    public static async Task<IActionResult> PostAsync(PageModel page, SmeDeclarationService smes, IStringLocalizer<SharedResource> l, Guid id, int year,
        bool confirm, string? note, object? routeValues, CancellationToken ct)
    {
        var result = await smes.DecideAsync(id, new SmeDecisionInput(year, confirm, note), ct);
        switch (result)
        {
            case ServiceResult.NotFound:
                return page.NotFound();
            case ServiceResult.Forbidden:
                return page.Forbid();
            default:
                page.TempData["Message"] = result.FailureMessage ?? l[confirm ? "Sme.ConfirmedDone" : "Sme.RejectedDone"].Value;
                return page.RedirectToPage(routeValues);
        }
    }
}

[AllowAnonymous]
public sealed class OrganizationDetailsModel(AppDbContext db, OrganizationService service, CurrentUser me, IStringLocalizer<SharedResource> l,
    SmeDeclarationService smes) : PageModel
{
    public Organization Organization { get; private set; } = null!;
    public string RegionName { get; private set; } = "";
    public string DistrictName { get; private set; } = "";
    public MembershipStatus? MyMembership { get; private set; }
    public bool CanManage { get; private set; }

    /// <summary>The reviewer's note is for the organisation's administrators and the region's reviewers, not the public.</summary>
    public bool CanReadNote { get; private set; }

    public sealed class SmeInputModel
    {
        public int? Year { get; set; }
        public string? RegistrationNumber { get; set; }
        public string? LegalRepresentative { get; set; }
        public string? LegalRepresentativeIdNumber { get; set; }
    }

    /// <summary>The 科技型中小企业 declaration shown (the latest), for enterprises; null for other kinds.</summary>
    public SmeDeclarationDto? Sme { get; private set; }

    public bool CanDeclareSme { get; private set; }
    public bool CanDecideSme { get; private set; }
    public int CurrentYear => smes.CurrentYear;

    [BindProperty]
    public SmeInputModel SmeInput { get; set; } = new();

    private FieldErrors _smeErrors = new();

    public string? SmeError(string field) => _smeErrors.Message(field);

    public string SmeInvalid(string field) => _smeErrors.CssFor(field);

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => LoadAsync(id, ct);

    private async Task<IActionResult> LoadAsync(Guid id, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        // An organisation still under review is private: to anyone else it does not exist.
        if (org is null || !service.CanSee(org))
        {
            return NotFound();
        }
        Organization = org;
        if (org.Kind == OrganizationKind.Enterprise)
        {
            Sme = (await smes.GetAsync(id, null, ct)).Value;
            CanDeclareSme = smes.CanDeclare(org) && org.Status == OrganizationStatus.Verified;
            CanDecideSme = smes.CanDecide(org);
        }
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

    public async Task<IActionResult> OnPostDeclareSmeAsync(Guid id, CancellationToken ct)
    {
        var (_, result) = await smes.DeclareAsync(id, new SmeDeclarationInput(SmeInput.Year, SmeInput.RegistrationNumber, SmeInput.LegalRepresentative,
            SmeInput.LegalRepresentativeIdNumber), ct);
        switch (result)
        {
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return Forbid();
            case ServiceResult.Invalid invalid:
                _smeErrors = invalid.Errors;
                return await LoadAsync(id, ct);
            default:
                TempData["Message"] = result.FailureMessage ?? l["Sme.Declared"].Value;
                return RedirectToPage(new { id });
        }
    }

    public Task<IActionResult> OnPostDecideSmeAsync(Guid id, int year, bool confirm, string? note, CancellationToken ct) =>
        SmeDecisionForm.PostAsync(this, smes, l, id, year, confirm, note, new { id }, ct);
}

using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// 申领创新券: an enterprise's administrator applies for a programme for one of their enterprises, ticking the face values
/// (at most the programme's vouchers per enterprise) and whether it claims the sharing network members' ratio.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class VoucherApplyModel(VoucherProgrammes programmes, VoucherApplications applications, OrganizationDirectory organizations,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public Guid? OrganizationId { get; set; }
    [BindProperty] public List<long> FaceValues { get; set; } = [];
    [BindProperty] public bool NetworkMember { get; set; }

    public VoucherProgrammeDto Programme { get; private set; } = null!;

    /// <summary>The caller's enterprises where they are the administrator: only these may apply.</summary>
    public IReadOnlyList<OrganizationRef> Enterprises { get; private set; } = [];

    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    /// <summary>Set when the refusal is the missing 科技型中小企业 confirmation: the page links to where it is declared.</summary>
    public Guid? DeclareAt { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, CancellationToken ct) => await LoadAsync(programmeId, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid programmeId, CancellationToken ct)
    {
        if (await LoadAsync(programmeId, ct) is { } refused)
        {
            return refused;
        }
        var (created, result) = await applications.ApplyAsync(programmeId, new VoucherApplicationInput(OrganizationId, FaceValues, NetworkMember), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["Vouchers.Applied", created!.ProgrammeName].Value;
            return RedirectToPage("/Vouchers/Applications");
        }
        if (PageResults.Refused(this, result, out var errors, out var failure) is { } answer)
        {
            return answer;
        }
        (Errors, Failure) = (errors, failure);
        if (result is ServiceResult.RuleBroken { Rule: "sme" })
        {
            DeclareAt = OrganizationId ?? (Enterprises.Count == 1 ? Enterprises[0].Id : null);
        }
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid programmeId, CancellationToken ct)
    {
        if (await programmes.GetAsync(programmeId, ct) is not { } programme)
        {
            return NotFound();
        }
        Programme = programme;
        var mine = organizations.OrganizationIdsWhereIHold(PlatformRole.OrgAdmin);
        Enterprises = mine.Count == 0 ? [] : await organizations.Organizations()
            .Where(o => mine.Contains(o.Id) && o.Kind == OrganizationKind.Enterprise).OrderBy(o => o.Name).ToListAsync(ct);
        return null;
    }
}

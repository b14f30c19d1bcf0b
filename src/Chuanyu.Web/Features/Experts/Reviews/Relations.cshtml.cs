using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>我的回避关系: the relations an expert declares so that draws keep them off what they should not review.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class ExpertRelationsModel(ExpertPool pool, OrganizationDirectory organizations, IStringLocalizer<SharedResource> l) : PageModel
{
    public IReadOnlyList<ExpertRelationDto>? Relations { get; private set; }
    public IReadOnlyList<OrganizationRef> Organizations { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();

    [BindProperty] public ExpertRelationKind? Kind { get; set; }
    [BindProperty] public Guid? OrganizationId { get; set; }
    [BindProperty] public string? PersonName { get; set; }
    [BindProperty] public string? PersonIdNumber { get; set; }
    [BindProperty] public string? EndedOn { get; set; }
    [BindProperty] public string? Note { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    private async Task LoadAsync(CancellationToken ct)
    {
        Relations = await pool.RelationsAsync(null, ct);
        Organizations = await organizations.Organizations().Where(o => o.Status == OrganizationStatus.Verified)
            .OrderBy(o => EF.Functions.Collate(o.Name, Data.ChineseCollation.Name)).Take(500).ToListAsync(ct);
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        var errors = new FieldErrors();
        var ended = FormValues.Date(EndedOn, "endedOn", errors, new Message("Reviews.DateInvalid"));
        var result = errors.Count > 0 ? new ServiceResult.Invalid(errors)
            : (await pool.AddRelationAsync(null, new ExpertRelationInput(Kind, OrganizationId, PersonName, PersonIdNumber, ended, Note), ct)).Result;
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["Reviews.RelationAdded"].Value;
            return RedirectToPage();
        }
        if (PageResults.Refused(this, result, out var fieldErrors, out _) is { } refused)
        {
            return refused;
        }
        Errors = fieldErrors;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid relationId, CancellationToken ct) =>
        PageResults.Done(this, await pool.RemoveRelationAsync(null, relationId, ct), l["Reviews.RelationRemoved"]);
}

using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>A manager records a new resource of an organisation they manage; it starts as a draft.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class NewResourceModel(OrganizationDirectory organizations, RegionDirectory divisions, CatalogService catalog, CurrentUser me,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public ResourceForm Form { get; set; } = new();

    public FieldErrors Errors { get; private set; } = new();
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];
    public IReadOnlyList<CatalogPages.DistrictChoice> Districts { get; private set; } = [];

    public ResourceFormView View => new(Form, Errors, Districts, Organizations, null);

    public async Task<IActionResult> OnGetAsync(Guid? organizationId, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        var orgId = organizationId is { } chosen && Organizations.Any(o => o.Id == chosen) ? chosen : Organizations[0].Id;
        var district = await organizations.Organizations().Where(o => o.Id == orgId).Select(o => o.DistrictCode).FirstAsync(ct);
        Form = ResourceForm.Blank(orgId, district);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Form.Version = null;
        var (input, parseErrors, key) = Form.ToInput();
        if (input is null)
        {
            Errors = parseErrors;
            return Page();
        }
        var (created, result) = await catalog.CreateAsync(input, ct);
        if (created is null)
        {
            Errors = result is ServiceResult.Invalid invalid ? ResourceForm.Translate(invalid.Errors, key) : new FieldErrors();
            return Page();
        }
        TempData["Message"] = l["Catalog.Created"].Value;
        return RedirectToPage("/Catalog/Details", new { id = created.Id });
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var managed = me.ManagedOrganizations;
        if (managed.Count == 0)
        {
            return false;
        }
        Organizations = await organizations.ChoicesAsync([.. managed], ct);
        Districts = await CatalogPages.DistrictChoicesAsync(divisions, ct);
        return true;
    }
}

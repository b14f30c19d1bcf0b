using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>A region administrator adds an expert to the region's pool (the entry conditions checked by the service, field errors on the form).</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class ExpertNewModel(ExpertPool pool, OrganizationDirectory organizations, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public ExpertForm Form { get; set; } = new() { Availability = ExpertAvailability.Available };

    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }
    public IReadOnlyList<OrganizationRef> Institutions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Institutions = await ExpertPages.InstitutionsAsync(organizations, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var (input, errors) = Form.ToInput();
        Errors = errors;
        if (input is not null)
        {
            var (created, result) = await pool.CreateAsync(input, ct);
            if (created is not null)
            {
                TempData["Message"] = l["ExpertPages.Created", created.Name].Value;
                return RedirectToPage("/Experts/Admin/Details", new { id = created.Id });
            }
            if (ExpertPages.Refused(this, result, Errors, f => Failure = f) is { } refused)
            {
                return refused;
            }
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Institutions = await ExpertPages.InstitutionsAsync(organizations, ct);
        Form.IdNumber = null;
        return Page();
    }
}

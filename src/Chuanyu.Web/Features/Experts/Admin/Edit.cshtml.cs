using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>A region administrator edits an expert of the region (phone, e-mail and ID number left blank stay as stored; the version read guards against a lost update).</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class ExpertEditModel(ExpertPool pool, OrganizationDirectory organizations, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public ExpertForm Form { get; set; } = new();

    public ExpertAdminDto Expert { get; private set; } = null!;
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }
    public IReadOnlyList<OrganizationRef> Institutions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await pool.ManagedGetAsync(id, ct) is not { } e)
        {
            return NotFound();
        }
        Expert = e;
        Form = ExpertForm.Of(e);
        Institutions = await ExpertPages.InstitutionsAsync(organizations, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (await pool.ManagedGetAsync(id, ct) is not { } e)
        {
            return NotFound();
        }
        Expert = e;
        var (input, errors) = Form.ToInput();
        Errors = errors;
        if (input is not null)
        {
            var result = await pool.UpdateAsync(id, input, ct);
            if (result is ServiceResult.Ok)
            {
                TempData["Message"] = l["ExpertPages.Saved"].Value;
                return RedirectToPage("/Experts/Admin/Details", new { id });
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
        Form.Phone = null;
        Form.Email = null;
        return Page();
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// 我的专家信息: an expert (the Expert role, account linked to a profile) sees their profile with contact data masked and
/// keeps what the expert keeps (as <c>PUT /api/v1/experts/me</c>); anyone else gets a page saying there is no profile.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class ExpertMineModel(ExpertPool pool, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public ExpertSelfForm Form { get; set; } = new();

    public ExpertAdminDto? Expert { get; private set; }
    public FieldErrors Errors { get; } = new();
    public string? Failure { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Expert = await pool.MineAsync(ct);
        if (Expert is not null)
        {
            Form = ExpertSelfForm.Of(Expert);
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await pool.UpdateMineAsync(Form.ToInput(), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["ExpertPages.Saved"].Value;
            return RedirectToPage();
        }
        if (result is ServiceResult.NotFound)
        {
            return NotFound();
        }
        Expert = await pool.MineAsync(ct);
        if (ExpertPages.Refused(this, result, Errors, f => Failure = f) is { } refused)
        {
            return refused;
        }
        // The contact data typed is not echoed back: the form shows the masked values as placeholders.
        Form.Phone = null;
        Form.Email = null;
        return Page();
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// One expert of the administrator's region: the profile with personal data masked; 查看完整信息 (a POST, audited by the
/// service as <c>privacy.view</c>) shows phone, e-mail and ID number once, in that answer only; suspend, reinstate and
/// remove take a reason and a second, confirming step. Another region's expert is a 404, as if it did not exist.
/// </summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class ExpertAdminDetailsModel(ExpertPool pool, IStringLocalizer<SharedResource> l) : PageModel
{
    public ExpertAdminDto Expert { get; private set; } = null!;
    public ExpertPersonalDataDto? Revealed { get; private set; }

    /// <summary>A status change asked for and waiting for its confirmation.</summary>
    public (ExpertStatus To, string? Reason)? Pending { get; private set; }

    public FieldErrors Errors { get; } = new();
    public string? Failure { get; private set; }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        Expert = (await pool.ManagedGetAsync(id, ct))!;
        return Expert is not null;
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostRevealAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        var (data, result) = await pool.RevealAsync(id, "page", ct);
        if (data is null)
        {
            return result is ServiceResult.NotFound ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
        }
        Revealed = data;
        // Shown once: neither kept by the browser's cache nor put in a redirect.
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostStatusAsync(Guid id, ExpertStatus to, string? reason, int? version, bool confirmed, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (!confirmed)
        {
            if (to != ExpertStatus.Active && string.IsNullOrWhiteSpace(reason))
            {
                Errors.Add("reason", new Message("Experts.ReasonRequired", ExpertRules.MaxReasonLength));
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            }
            Pending = (to, reason);
            return Page();
        }
        var result = await pool.SetStatusAsync(id, to, new ExpertStatusInput(reason, version), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["ExpertPages.StatusChanged", Messages.Label(to)].Value;
            return RedirectToPage(new { id });
        }
        return ExpertPages.Refused(this, result, Errors, f => Failure = f) ?? Page();
    }
}

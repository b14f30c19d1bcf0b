using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>
/// One contract for its readers (the seller's and buyer's region administrators, the parties' organisations; anyone else
/// 404): the registration, the file, and for the seller's region correction and revocation (confirmed, with a reason).
/// </summary>
public sealed class ContractDetailsModel(TechContracts contracts, IStringLocalizer<SharedResource> l) : PageModel
{
    public TechContractDto Contract { get; private set; } = null!;
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public bool Confirm { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await contracts.GetAsync(id, ct) is not { } c)
        {
            return NotFound();
        }
        Contract = c;
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        if (await contracts.GetAsync(id, ct) is not { } c)
        {
            return NotFound();
        }
        Contract = c;
        if (!Confirm)
        {
            Errors.Add("confirm", new Message("Contracts.ConfirmRevoke"));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var result = await contracts.RevokeAsync(id, new TechContractRevokeInput(Reason, c.Version), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["ContractPages.Revoked"].Value;
            return RedirectToPage("/Contracts/Details", new { id });
        }
        if (PageResults.Refused(this, result, out var errors, out var failure) is { } answer)
        {
            return answer;
        }
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        (Errors, Failure) = (errors, failure);
        return Page();
    }
}

using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Market;

/// <summary>A member writes a new technology demand or edits a draft of their organisation (another organisation's: 404/403).</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class DemandEditModel(MarketService market, OrganizationDirectory organizations, IStringLocalizer<SharedResource> l) : PageModel
{
    [FromRoute] public Guid? Id { get; set; }
    [BindProperty] public DemandForm Form { get; set; } = new();
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];
    public FieldErrors Errors { get; } = new();
    public string? Failure { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Organizations = await organizations.ChoicesAsync(market.MyOrganizations, ct);
        if (Id is { } id)
        {
            if (await market.GetDemandAsync(id, ct) is not { IsOwner: true } a)
            {
                return NotFound();
            }
            Form = DemandForm.Of(a);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Organizations = await organizations.ChoicesAsync(market.MyOrganizations, ct);
        ServiceResult result;
        if (Id is { } id)
        {
            result = await market.UpdateDemandAsync(id, Form.ToInput(), ct);
        }
        else
        {
            (_, result) = await market.CreateDemandAsync(Form.ToInput(), ct);
        }
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["MarketPages.Saved"].Value;
            return RedirectToPage("/Market/Mine");
        }
        return MarketPages.Refused(this, result, Errors, f => Failure = f) ?? Page();
    }
}

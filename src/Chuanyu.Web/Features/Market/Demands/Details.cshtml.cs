using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Market;

/// <summary>
/// One demand: its public part for everyone while published; the details for the owner organisation and organisations it
/// approved (the same rule as the API); a stranger may ask for access, the owner decides here.
/// </summary>
[AllowAnonymous]
public sealed class DemandDetailsModel(MarketService market, MatchReactions reactions, OrganizationDirectory organizations, IStringLocalizer<SharedResource> l)
    : PageModel
{
    public DemandDto Demand { get; private set; } = null!;
    public IReadOnlyList<AccessRequestDto>? Requests { get; private set; }

    /// <summary>For the owner: interest and dismissal reasons from results' match lists.</summary>
    public MatchInterest? Interest { get; private set; }
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];
    public FieldErrors Errors { get; } = new();
    public string? Failure { get; private set; }

    [BindProperty] public string? RequestMessage { get; set; }
    [BindProperty] public Guid? RequestOrganization { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await market.GetDemandAsync(id, ct) is not { } d)
        {
            return false;
        }
        Demand = d;
        Requests = d.IsOwner ? await market.AccessRequestsAsync(id, ct) : null;
        Interest = d.IsOwner ? await reactions.InterestAsync(MatchSide.Achievement, id, ct) : null;
        Organizations = d.IsOwner ? [] : await organizations.ChoicesAsync(market.MyOrganizations.Where(o => o != d.OrganizationId).ToList(), ct);
        return true;
    }

    public async Task<IActionResult> OnPostRequestAsync(Guid id, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }
        var (_, result) = await market.RequestAccessAsync(id, new AccessRequestInput(RequestOrganization, RequestMessage), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["MarketPages.RequestSent"].Value;
            return RedirectToPage(new { id });
        }
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        return MarketPages.Refused(this, result, Errors, f => Failure = f) ?? Page();
    }

    public async Task<IActionResult> OnPostDecideAsync(Guid id, Guid requestId, bool approve, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }
        var result = await market.DecideAccessAsync(id, requestId, approve, ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["MarketPages.Saved"].Value;
            return RedirectToPage(new { id });
        }
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        return MarketPages.Refused(this, result, Errors, f => Failure = f) ?? Page();
    }
}

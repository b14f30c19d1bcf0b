using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Market;

/// <summary>成果与需求审核: the organisation administrator's queue; approve publishes, reject sends back to draft with a note.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MarketReviewModel(MarketService market, IStringLocalizer<SharedResource> l) : PageModel
{
    public List<MarketListItem> Achievements { get; private set; } = [];
    public List<MarketListItem> Demands { get; private set; } = [];
    public bool IsReviewer { get; private set; }
    public FieldErrors Errors { get; } = new();
    public string? Failure { get; private set; }
    public Guid? FailedId { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    private async Task LoadAsync(CancellationToken ct)
    {
        IsReviewer = market.ReviewedOrganizations.Count > 0;
        (Achievements, Demands) = await market.ReviewQueueAsync(ct);
    }

    public Task<IActionResult> OnPostApproveAsync(Guid id, string kind, CancellationToken ct) =>
        ActAsync(id, kind == "demand" ? market.ApproveAsync<Demand>(id, ct) : market.ApproveAsync<Achievement>(id, ct), ct);

    public Task<IActionResult> OnPostRejectAsync(Guid id, string kind, string? note, CancellationToken ct) =>
        ActAsync(id, kind == "demand" ? market.RejectAsync<Demand>(id, new ReviewInput(note), ct) : market.RejectAsync<Achievement>(id, new ReviewInput(note), ct), ct);

    private async Task<IActionResult> ActAsync(Guid id, Task<ServiceResult> action, CancellationToken ct)
    {
        var result = await action;
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["MarketPages.Saved"].Value;
            return RedirectToPage();
        }
        await LoadAsync(ct);
        FailedId = id;
        return MarketPages.Refused(this, result, Errors, f => Failure = f) ?? Page();
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Market;

/// <summary>我的成果与需求: the caller's organisations' results and demands by status; submit, renew, close (after a confirmation).</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MarketMineModel(MarketService market, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)] public MarketStatus? Status { get; set; }

    /// <summary>The record whose closing waits for confirmation (?close=id&amp;kind=demand).</summary>
    [BindProperty(SupportsGet = true)] public Guid? Close { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }

    public List<MarketListItem> Achievements { get; private set; } = [];
    public List<MarketListItem> Demands { get; private set; } = [];
    public MarketListItem? Closing { get; private set; }
    public bool HasOrganization { get; private set; }
    public FieldErrors Errors { get; } = new();
    public string? Failure { get; private set; }

    public bool IsDemand => string.Equals(Kind, "demand", StringComparison.OrdinalIgnoreCase);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    private async Task LoadAsync(CancellationToken ct)
    {
        HasOrganization = market.MyOrganizations.Count > 0;
        (Achievements, Demands) = await market.MineAsync(Status, ct);
        if (Close is { } id)
        {
            Closing = (IsDemand ? (await market.MineAsync(null, ct)).Demands : (await market.MineAsync(null, ct)).Achievements).FirstOrDefault(r => r.Id == id);
        }
    }

    public Task<IActionResult> OnPostSubmitAsync(Guid id, string kind, CancellationToken ct) =>
        ActAsync(kind == "demand" ? market.SubmitAsync<Demand>(id, ct) : market.SubmitAsync<Achievement>(id, ct), ct);

    public Task<IActionResult> OnPostRenewAsync(Guid id, string kind, DateOnly? deadline, CancellationToken ct) =>
        ActAsync(kind == "demand" ? market.RenewAsync<Demand>(id, new RenewInput(deadline), ct) : market.RenewAsync<Achievement>(id, new RenewInput(null), ct), ct);

    public Task<IActionResult> OnPostCloseAsync(Guid id, string kind, MarketCloseReason? reason, CancellationToken ct) =>
        ActAsync(kind == "demand" ? market.CloseAsync<Demand>(id, new CloseInput(reason), ct) : market.CloseAsync<Achievement>(id, new CloseInput(reason), ct), ct);

    private async Task<IActionResult> ActAsync(Task<ServiceResult> action, CancellationToken ct)
    {
        var result = await action;
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["MarketPages.Saved"].Value;
            return RedirectToPage(new { Status });
        }
        await LoadAsync(ct);
        return MarketPages.Refused(this, result, Errors, f => Failure = f) ?? Page();
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers.Admin;

/// <summary>跨区域结算: a quarter's statements of the pairs the region takes part in, their export and confirmation.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class SettlementModel(VoucherSettlements settlements, TimeProvider clock, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Quarter { get; set; }

    public SettlementQuarter Shown { get; private set; }

    /// <summary>The quarters offered: the running one and the eight before it.</summary>
    public IReadOnlyList<SettlementQuarter> Quarters { get; private set; } = [];

    public IReadOnlyList<SettlementStatement> Statements { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var current = SettlementQuarter.Of(clock.GetUtcNow());
        var quarters = new List<SettlementQuarter> { current };
        while (quarters.Count < 9)
        {
            quarters.Add(quarters[^1].Previous);
        }
        Quarters = quarters;
        Shown = SettlementQuarter.TryParse(Quarter, out var q) ? q : current.Previous;
        Statements = await settlements.ListAsync(Shown, ct);
    }

    public async Task<IActionResult> OnPostConfirmAsync(string quarter, string issuer, string provider, string? fileSha256, CancellationToken ct)
    {
        if (!SettlementQuarter.TryParse(quarter, out var q))
        {
            return NotFound();
        }
        var result = await settlements.ConfirmAsync(q, issuer, provider, new SettlementConfirmInput(fileSha256), ct);
        if (result is ServiceResult.NotFound)
        {
            return NotFound();
        }
        TempData["Message"] = result is ServiceResult.Ok ? l["Settlement.Confirmed"].Value : result.FailureMessage;
        return RedirectToPage(new { quarter });
    }
}

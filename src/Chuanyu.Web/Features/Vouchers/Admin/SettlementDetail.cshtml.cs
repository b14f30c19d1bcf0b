using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers.Admin;

/// <summary>结算明细: one pair's redemptions with flows in the quarter, 50 a page by keyset.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class SettlementDetailModel(VoucherSettlements settlements) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? After { get; set; }

    public SettlementStatement Statement { get; private set; } = null!;

    public SettlementPage Lines { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(string quarter, string pair, CancellationToken ct)
    {
        var parts = pair.Split('-');
        if (!SettlementQuarter.TryParse(quarter, out var q) || parts.Length != 2
            || await settlements.GetAsync(q, parts[0], parts[1], ct) is not { } statement)
        {
            return NotFound();
        }
        Statement = statement;
        Lines = (await settlements.RedemptionsAsync(q, parts[0], parts[1], After, ct))!;
        return Page();
    }
}

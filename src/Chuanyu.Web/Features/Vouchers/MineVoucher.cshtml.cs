using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>创新券明细: one voucher's balance and every ledger entry, for the members of its holder only (anyone else: 404, as the API).</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MyVoucherModel(VoucherHoldings holdings, VoucherRedemptions redemptions) : PageModel
{
    public VoucherDetail Detail { get; private set; } = null!;

    /// <summary>The redemption numbers of the entries, by redemption id.</summary>
    public IReadOnlyDictionary<Guid, string> Numbers { get; private set; } = new Dictionary<Guid, string>();

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        if (await holdings.GetAsync(code, ct) is not { } detail)
        {
            return NotFound();
        }
        Detail = detail;
        Numbers = await redemptions.NumbersAsync(detail.Entries.Where(e => e.RedemptionId is not null).Select(e => e.RedemptionId!.Value).Distinct().ToList(), ct);
        return Page();
    }
}

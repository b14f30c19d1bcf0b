using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>我的创新券: the vouchers of the caller's organisations with their balances, and where they can be used.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MyVouchersModel(VoucherHoldings holdings) : PageModel
{
    public IReadOnlyList<VoucherSummary> Vouchers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Vouchers = await holdings.MineAsync(ct);
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers.Admin;

/// <summary>异常兑付线索: the suspicious patterns over the last 180 days of the region's redemptions.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class AlertsModel(VoucherAlerts alerts) : PageModel
{
    public IReadOnlyList<VoucherAlert> Alerts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Alerts = await alerts.FindAsync(ct);
}

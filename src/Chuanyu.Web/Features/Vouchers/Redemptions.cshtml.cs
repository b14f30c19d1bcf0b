using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// 创新券兑付: the redemptions of the caller's organisations, as the provider (its managers submit them) or as the holder,
/// by status, paged. The issuing region's queue is <see cref="VoucherAdminRedemptionsModel"/>.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class VoucherRedemptionsModel(VoucherRedemptions redemptions) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public VoucherRedemptionStatus? Status { get; set; }

    public PagedList<RedemptionDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);

    public async Task OnGetAsync(CancellationToken ct) => Items = await redemptions.ListAsync(Status, Pager.RequestedPage(Request), PageSize, ct);
}

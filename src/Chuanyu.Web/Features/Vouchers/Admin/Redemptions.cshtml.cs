using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>兑付审核: the issuing region administrator's queue, submitted first (the default filter), paged.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class VoucherAdminRedemptionsModel(VoucherRedemptions redemptions) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public VoucherRedemptionStatus? Status { get; set; } = VoucherRedemptionStatus.Submitted;
    [BindProperty(SupportsGet = true)] public bool All { get; set; }

    public PagedList<RedemptionDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);

    public async Task OnGetAsync(CancellationToken ct) =>
        Items = await redemptions.IssuedAsync(All ? null : Status, Pager.RequestedPage(Request), PageSize, ct);
}

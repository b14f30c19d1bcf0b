using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>我的申领: the applications of the caller's organisations (status, reason, the codes issued), with withdrawal.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class VoucherMyApplicationsModel(VoucherApplications applications, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 20;

    public PagedList<VoucherApplicationDto> Items { get; private set; } = new(0, 1, PageSize, []);

    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);

    public async Task OnGetAsync(CancellationToken ct) =>
        Items = await applications.ListAsync(null, null, mine: true, Pager.RequestedPage(Request), PageSize, ct);

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id, CancellationToken ct) =>
        PageResults.Done(this, await applications.WithdrawAsync(id, ct), l["Vouchers.Withdrawn"].Value);
}

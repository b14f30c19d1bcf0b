using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers.Admin;

/// <summary>兑付支付批次: the approved redemptions waiting by payee, the batches, their signed export and payment.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class PayoutsModel(VoucherPayouts payouts, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<(Guid PayeeOrganizationId, string PayeeName, int Count, long TotalFen)> Waiting { get; private set; } = [];

    public PagedList<PayoutBatchDto> Batches { get; private set; } = new(0, 1, PageSize, []);

    public Pager Pager => new(Batches.PageNumber, PageSize, Batches.Total, Request);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Waiting = await payouts.WaitingAsync(ct);
        Batches = await payouts.ListAsync(null, Pager.RequestedPage(Request), PageSize, ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(Guid? payee, CancellationToken ct)
    {
        var (created, result) = await payouts.CreateAsync(new PayoutBatchInput(null, payee), ct);
        TempData["Message"] = created is null ? result.FailureMessage ?? l["Payouts.Refused"].Value : l["Payouts.Created", created.Number].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostPaidAsync(Guid id, string? bankReference, CancellationToken ct)
    {
        var result = await payouts.MarkPaidAsync(id, new PayoutPaidInput(bankReference), ct);
        TempData["Message"] = result is ServiceResult.Ok ? l["Payouts.PaidDone"].Value : result.FailureMessage ?? l["Payouts.Refused"].Value;
        return RedirectToPage();
    }
}

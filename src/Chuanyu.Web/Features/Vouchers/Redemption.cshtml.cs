using Chuanyu.Web.Features.Signatures;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// 兑付详情: one redemption for its holder, its provider and the admins of either region (anyone else: 404, as the API):
/// amounts, states, invoice, proof, ledger transactions, and the actions the caller's role allows now: the provider
/// submits (invoice and proof), the holder withdraws, the issuing region's administrator approves, rejects or returns.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
[RequestSizeLimit(VoucherRedemptions.MaxProofRequestBytes)]
[RejectOversizedUpload(VoucherRedemptions.MaxProofRequestBytes)]
public sealed class VoucherRedemptionModel(VoucherRedemptions redemptions, IStringLocalizer<SharedResource> l) : PageModel
{
    public RedemptionDto Redemption { get; private set; } = null!;
    public RedemptionActions Actions { get; private set; } = new(false, false, false);
    public IReadOnlyList<RedemptionTransaction> Transactions { get; private set; } = [];

    /// <summary>Field errors of the action that failed, keyed <c>submit-invoiceNumber</c>, <c>decide-approvedFen</c>, <c>reason</c> ….</summary>
    public FieldErrors Errors { get; } = new();
    public string? ActionError { get; private set; }

    [BindProperty] public string? InvoiceNumber { get; set; }
    [BindProperty] public IFormFile? Proof { get; set; }
    [BindProperty] public string? ApprovedYuan { get; set; }
    [BindProperty] public bool ProjectConfirmed { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnGetProofAsync(Guid id, CancellationToken ct) =>
        await redemptions.ProofAsync(id, ct) is { } proof
            ? File(proof.Content, VoucherPages.ContentType(proof.FileName), proof.FileName)
            : NotFound();

    public async Task<IActionResult> OnPostSubmitAsync(Guid id, CancellationToken ct)
    {
        ServiceResult result;
        if (Proof is null || Proof.Length == 0)
        {
            result = await redemptions.SubmitAsync(id, InvoiceNumber, null, null, 0, ct);
        }
        else
        {
            await using var content = Proof.OpenReadStream();
            result = await redemptions.SubmitAsync(id, InvoiceNumber, Proof.FileName, content, Proof.Length, ct);
        }
        return await DoneAsync(id, result, "submit", "Vouchers.Redemption.Submitted", ct);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await redemptions.WithdrawAsync(id, ct), "withdraw", "Vouchers.Redemption.Withdrawn", ct);

    public async Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var approved = VoucherPages.Fen(ApprovedYuan, "approvedFen", errors);
        var result = errors.Count > 0
            ? new ServiceResult.Invalid(errors)
            : await redemptions.DecideAsync(id, new RedemptionDecisionInput(true, approved, ProjectConfirmed, Reason), ct);
        return await DoneAsync(id, result, "approve", "Vouchers.Redemption.Approved", ct);
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await redemptions.DecideAsync(id, new RedemptionDecisionInput(false, null, null, Reason), ct), "reject", "Vouchers.Redemption.Rejected", ct);

    public async Task<IActionResult> OnPostReturnAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await redemptions.ReturnAsync(id, Reason, ct), "return", "Vouchers.Redemption.Returned", ct);

    private async Task<IActionResult> DoneAsync(Guid id, ServiceResult result, string action, string okKey, CancellationToken ct)
    {
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l[okKey].Value;
            return RedirectToPage("/Vouchers/Redemption", new { id });
        }
        var fieldErrors = new FieldErrors();
        if (PageResults.Refused(this, result, fieldErrors, e => ActionError = e) is { } refused)
        {
            return refused;
        }
        foreach (var (field, reasons) in fieldErrors)
        {
            foreach (var reason in reasons)
            {
                Errors.Add($"{action}-{field}", reason);
            }
        }
        return await LoadAsync(id, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await redemptions.GetAsync(id, ct) is not { } r)
        {
            return NotFound();
        }
        Redemption = r;
        Actions = await redemptions.ActionsAsync(id, ct);
        Transactions = await redemptions.TransactionsAsync(id, ct);
        return null;
    }
}

using Chuanyu.Web.Features.Signatures;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// 使用创新券: a finished booking or service order of the caller's organisation, the vouchers that can pay part of it with
/// what each would pay and what is left, the form (voucher, eligible fee in 元, plan project number; in 通用 the invoice
/// number and the proof of full payment); confirming creates the redemption. Every rule is the service's: its refusals
/// are shown as it words them.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
[RequestSizeLimit(VoucherRedemptions.MaxProofRequestBytes)]
[RejectOversizedUpload(VoucherRedemptions.MaxProofRequestBytes)]
public sealed class UseVoucherModel(VoucherRedemptions redemptions, VoucherHoldings holdings, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Booking { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Order { get; set; }
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? EligibleFee { get; set; }
    [BindProperty] public string? ScienceProjectNo { get; set; }
    [BindProperty] public string? InvoiceNumber { get; set; }
    [BindProperty] public IFormFile? Proof { get; set; }

    public UseToRedeem Use { get; private set; } = null!;
    public IReadOnlyList<VoucherEstimate> Options { get; private set; } = [];

    /// <summary>The modes of the offered vouchers, by code (通用 asks for the invoice and the proof).</summary>
    public IReadOnlyDictionary<string, VoucherMode> Modes { get; private set; } = new Dictionary<string, VoucherMode>();
    public FieldErrors Errors { get; } = new();
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } missing)
        {
            return missing;
        }
        var eligible = VoucherPages.Fen(EligibleFee, "eligibleFeeFen", Errors);
        var reimburse = Code is not null && Modes.TryGetValue(Code, out var mode) && mode == VoucherMode.Reimburse;
        if (reimburse && (Proof is null || Proof.Length == 0))
        {
            Errors.Add("file", new Message("Vouchers.ProofRequired", VoucherRedemptions.MaxProofBytes / 1024 / 1024));
        }
        if (string.IsNullOrWhiteSpace(Code))
        {
            Errors.Add("code", new Message("Vouchers.Page.ChooseVoucher"));
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var input = new RedemptionInput(Use.Kind == VoucherUseKind.Booking ? Use.Id : null, Use.Kind == VoucherUseKind.ServiceOrder ? Use.Id : null,
            eligible, ScienceProjectNo, reimburse ? InvoiceNumber : null);
        var (created, result) = await redemptions.RedeemAsync(Code!.Trim(), input, ct);
        if (created is null)
        {
            return PageResults.Refused(this, result, Errors, e => Error = e) ?? Page();
        }
        var done = l["Vouchers.Use.Done", created.Number, VoucherPages.Money(created.SubsidyFen), VoucherPages.Money(created.ShareFen)].Value;
        if (reimburse)
        {
            await using var content = Proof!.OpenReadStream();
            var attached = await redemptions.AttachClaimProofAsync(created.Id, Proof.FileName, content, Proof.Length, ct);
            done = attached.FailureMessage is { } failed ? $"{done} {failed}" : done;
        }
        TempData["Message"] = done;
        return RedirectToPage("/Vouchers/Redemption", new { id = created.Id });
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (await redemptions.UseToRedeemAsync(Booking, Order, ct) is not { } use)
        {
            return NotFound();
        }
        Use = use;
        Options = await holdings.EstimatesAsync(use.ResourceId, use.Category, use.FeeFen, use.HolderOrganizationId, ct);
        var mine = await holdings.MineAsync(ct);
        Modes = mine.ToDictionary(v => v.Code, v => v.Mode, StringComparer.Ordinal);
        return null;
    }
}

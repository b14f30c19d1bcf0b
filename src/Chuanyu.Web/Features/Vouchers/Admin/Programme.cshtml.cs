using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// 项目设置: the issuing region's administrator edits a draft's terms, sets the budget (元), opens and closes the
/// programme, and draws its lottery with a public seed; every action is the service's, every refusal said here.
/// </summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class VoucherAdminProgrammeModel(VoucherProgrammes programmes, RegionDirectory regions, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public VoucherProgrammeForm Form { get; set; } = new();
    [BindProperty] public string? Budget { get; set; }
    [BindProperty] public string? Seed { get; set; }
    [BindProperty] public int? Version { get; set; }

    public VoucherProgrammeDto Programme { get; private set; } = null!;
    public IReadOnlyList<(string Code, string Name)> Divisions { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }
        Form = VoucherProgrammeForm.Of(Programme);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken ct)
    {
        var (input, errors) = Form.ToInput();
        return await OutcomeAsync(id, input is null ? new ServiceResult.Invalid(errors) : await programmes.UpdateAsync(id, input, ct), "Vouchers.Admin.Saved", ct);
    }

    public async Task<IActionResult> OnPostBudgetAsync(Guid id, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var fen = VoucherPages.Fen(Budget, "budgetFen", errors);
        if (fen is null && errors.Count == 0)
        {
            errors.Add("budgetFen", new Message("VoucherPages.MoneyInvalid"));
        }
        return await OutcomeAsync(id, errors.Count > 0 ? new ServiceResult.Invalid(errors) : await programmes.SetBudgetAsync(id, fen, Version, ct),
            "Vouchers.Admin.BudgetSet", ct);
    }

    public async Task<IActionResult> OnPostOpenAsync(Guid id, CancellationToken ct) =>
        await OutcomeAsync(id, await programmes.SetStatusAsync(id, VoucherProgrammeStatus.Open, Version, ct), "Vouchers.Admin.Opened", ct);

    public async Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken ct) =>
        await OutcomeAsync(id, await programmes.SetStatusAsync(id, VoucherProgrammeStatus.Closed, Version, ct), "Vouchers.Admin.Closed", ct);

    public async Task<IActionResult> OnPostDrawAsync(Guid id, CancellationToken ct) =>
        await OutcomeAsync(id, await programmes.DrawAsync(id, Seed, Version, ct), "Vouchers.Admin.Drawn", ct);

    /// <summary>Done: back to the page with a message. Refused: the page again, the fields marked or the reason as an alert.</summary>
    private async Task<IActionResult> OutcomeAsync(Guid id, ServiceResult result, string doneKey, CancellationToken ct)
    {
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l[doneKey].Value;
            return RedirectToPage(new { id });
        }
        if ((PageResults.Refused(this, result, out var errors, out var failure) ?? await LoadAsync(id, ct)) is { } answer)
        {
            return answer;
        }
        if (doneKey != "Vouchers.Admin.Saved")
        {
            Form = VoucherProgrammeForm.Of(Programme); // another form was posted: the terms as they are
        }
        (Errors, Failure) = (errors, failure);
        return Page();
    }

    /// <summary>The programme, for its region's administrators only: another region's is 403 (or 404 while it is a draft, which they cannot see).</summary>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await programmes.GetAsync(id, ct) is not { } programme)
        {
            return NotFound();
        }
        if (!programme.CanManage)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Programme = programme;
        Budget ??= VoucherPages.YuanText(programme.BudgetFen);
        Divisions = await VoucherAdminPages.DivisionsAsync(regions, programme.IssuingRegionCode, ct);
        return null;
    }
}

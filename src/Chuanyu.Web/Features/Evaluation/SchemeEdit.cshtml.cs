using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Evaluation;

/// <summary>
/// 评价指标体系: the indicators with their weights and targets and the grade thresholds, for whoever may see the
/// evaluation; the platform administrator edits them (the version read travels in the form, so an edit on an older
/// copy is refused with the service's 409 message). Field errors are the scheme's own <c>Validate()</c> keys.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class EvaluationSchemeModel(EvaluationService evaluation, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public SchemeForm Form { get; set; } = new();

    public SchemeDto Scheme { get; private set; } = null!;
    public FieldErrors Errors { get; private set; } = new();
    public string? Conflict { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!evaluation.CanView)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Scheme = await evaluation.GetSchemeAsync(ct);
        Form = SchemeForm.From(Scheme);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!evaluation.CanRun)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Scheme = await evaluation.GetSchemeAsync(ct);
        Form.Pad();
        var (input, rows, parseErrors) = Form.ToInput();
        if (input is null)
        {
            Errors = parseErrors;
            return Page();
        }
        var (_, result) = await evaluation.SetSchemeAsync(input, ct);
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l["Eval.SchemeSaved"].Value;
                return RedirectToPage("/Evaluation/SchemeEdit");
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                Errors = SchemeForm.Translate(invalid.Errors, rows);
                break;
            default:
                Conflict = result.FailureMessage;
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
        }
        return Page();
    }
}

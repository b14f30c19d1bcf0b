using Chuanyu.Web.Features.Signatures;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// The region administrators' .xlsx import of experts: the template, the upload, and either the number of experts added
/// or every bad row (row, column, reason) with nothing written — the service's all-or-nothing import.
/// </summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
[RejectOversizedUpload(ExpertImport.MaxFileBytes + (64 << 10))]
public sealed class ExpertImportModel(ExpertImport import) : PageModel
{
    /// <summary>Rows of the error table; the count above it says how many there are in all.</summary>
    public const int MaxShownErrors = 1_000;

    [BindProperty] public IFormFile? Upload { get; set; }

    public ExpertImportResult? Result { get; private set; }
    public FieldErrors Errors { get; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Upload is null || Upload.Length == 0)
        {
            Errors.Add("upload", new Message("Experts.ImportFileMissing"));
        }
        else if (Upload.Length > ExpertImport.MaxFileBytes)
        {
            Errors.Add("upload", new Message("Experts.ImportTooLarge", ExpertImport.MaxFileBytes >> 20));
            Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }
        if (Errors.Count > 0)
        {
            return Page();
        }
        await using var content = Upload!.OpenReadStream();
        var (result, refused) = await import.ImportAsync(content, null, ct);
        if (result is null)
        {
            return refused is ServiceResult.Forbidden ? StatusCode(StatusCodes.Status403Forbidden) : NotFound();
        }
        if (result.FileProblem is { } problem)
        {
            Errors.Add("upload", problem);
            return Page();
        }
        Result = result;
        if (!result.Applied)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        return Page();
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// One record with its documents, for both regions' administrators; the issuing region's add documents and revoke it
/// (the reason first, then a confirmation step that works without JavaScript); the full ID number through the audited reveal.
/// </summary>
[Authorize(Policy = Policies.RegionOrSecurityAdmin)]
public sealed class IntegrityRecordModel(IntegrityRecords records, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public bool Confirm { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public IFormFile? Document { get; set; }

    public IntegrityRecordDto Record { get; private set; } = null!;
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    /// <summary>The reason was given: the page asks to confirm the revocation.</summary>
    public bool Confirming { get; private set; }

    public string? RevealedIdNumber { get; private set; }
    public bool CanReveal => Record.MaskedIdNumber is not null && records.CanReveal(Record.RegionCode);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }
        if (!Confirm)
        {
            // Step one: the reason is checked here as the service would, then the page asks to confirm.
            if (Reason?.Trim() is not { Length: >= 2 and <= IntegrityRules.MaxReasonLength })
            {
                Errors.Add("reason", new Message("Experts.IntegrityReasonRequired", IntegrityRules.MaxReasonLength));
            }
            Confirming = Errors.Count == 0;
            return Page();
        }
        return await OutcomeAsync(id, await records.RevokeAsync(id, new IntegrityRevokeInput(Reason, Version), ct), "Integrity.Revoked", ct);
    }

    public async Task<IActionResult> OnPostUploadAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }
        if (Document is null)
        {
            return await OutcomeAsync(id, new ServiceResult.Invalid(new FieldErrors { { "file", [new Message("Experts.IntegrityFileMissing")] } }), "", ct);
        }
        await using var content = Document.OpenReadStream();
        var (_, result) = await records.AddDocumentAsync(id, Document.FileName, content, Document.Length, ct);
        return await OutcomeAsync(id, result, "Integrity.Uploaded", ct);
    }

    public async Task<IActionResult> OnPostRevealAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }
        var (data, result) = await records.RevealAsync(id, "page", ct);
        if (data is null)
        {
            return StatusCode(result is ServiceResult.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);
        }
        RevealedIdNumber = data.IdNumber;
        return Page();
    }

    private async Task<IActionResult> OutcomeAsync(Guid id, ServiceResult result, string doneKey, CancellationToken ct)
    {
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l[doneKey].Value;
            return RedirectToPage(new { id });
        }
        if (PageResults.Refused(this, result, out var errors, out var failure) is { } answer)
        {
            return answer;
        }
        (Errors, Failure) = (errors, failure);
        return await LoadAsync(id, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var (record, result) = await records.GetAsync(id, ct);
        if (record is null)
        {
            return result is ServiceResult.Forbidden ? StatusCode(StatusCodes.Status403Forbidden) : NotFound();
        }
        Record = record;
        return null;
    }
}

using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Market;

/// <summary>
/// A member writes a new research result or edits a draft of their organisation (another organisation's: 404/403), and
/// uploads its attachments (PDF, PNG, JPEG; the type and size refused on the file field) or deletes one after a confirmation.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
// Twice the attachment limit, so an oversized file still reaches the check that names the file field (not a bare 413).
[RequestSizeLimit(2 * MarketRules.MaxAttachmentBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = 2 * MarketRules.MaxAttachmentBytes)]
public sealed class AchievementEditModel(MarketService market, OrganizationDirectory organizations, IStringLocalizer<SharedResource> l) : PageModel
{
    [FromRoute] public Guid? Id { get; set; }
    [BindProperty] public AchievementForm Form { get; set; } = new();
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];
    public FieldErrors Errors { get; } = new();
    public string? Failure { get; private set; }

    public IReadOnlyList<AttachmentDto> Attachments { get; private set; } = [];

    /// <summary>The attachment whose deletion waits for confirmation (?remove=id).</summary>
    [BindProperty(SupportsGet = true)] public Guid? Remove { get; set; }

    public AttachmentDto? Removing => Attachments.FirstOrDefault(x => x.Id == Remove);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Organizations = await organizations.ChoicesAsync(market.MyOrganizations, ct);
        if (Id is { } id)
        {
            if (await market.GetAchievementAsync(id, ct) is not { IsOwner: true } a)
            {
                return NotFound();
            }
            Form = AchievementForm.Of(a);
            Attachments = a.Attachments;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Organizations = await organizations.ChoicesAsync(market.MyOrganizations, ct);
        ServiceResult result;
        if (Id is { } id)
        {
            result = await market.UpdateAchievementAsync(id, Form.ToInput(), ct);
        }
        else
        {
            (_, result) = await market.CreateAchievementAsync(Form.ToInput(), ct);
        }
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["MarketPages.Saved"].Value;
            return RedirectToPage("/Market/Mine");
        }
        return await RefusedAsync(result, keepForm: true, ct);
    }

    /// <summary>The page again with the reasons; the attachment forms show the stored record (the edit form keeps what was typed).</summary>
    private async Task<IActionResult> RefusedAsync(ServiceResult result, bool keepForm, CancellationToken ct)
    {
        if (Id is { } id && await market.GetAchievementAsync(id, ct) is { IsOwner: true } a)
        {
            Attachments = a.Attachments;
            Form = keepForm ? Form : AchievementForm.Of(a);
        }
        return MarketPages.Refused(this, result, Errors, f => Failure = f) ?? Page();
    }

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? file, CancellationToken ct)
    {
        if (Id is not { } id)
        {
            return NotFound();
        }
        Organizations = await organizations.ChoicesAsync(market.MyOrganizations, ct);
        ServiceResult result;
        if (file is null)
        {
            var errors = new FieldErrors();
            errors.Add("file", new Message("Market.FileMissing"));
            result = new ServiceResult.Invalid(errors);
        }
        else
        {
            await using var content = new MemoryStream();
            await file.CopyToAsync(content, ct);
            content.Position = 0;
            (_, result) = await market.AddAttachmentAsync(id, file.FileName, content, file.Length, ct);
        }
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["MarketPages.AttachmentAdded"].Value;
            return RedirectToPage(new { id });
        }
        return await RefusedAsync(result, keepForm: false, ct);
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid attachmentId, CancellationToken ct)
    {
        if (Id is not { } id)
        {
            return NotFound();
        }
        var result = await market.RemoveAttachmentAsync(id, attachmentId, ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["MarketPages.AttachmentRemoved"].Value;
            return RedirectToPage(new { id });
        }
        Organizations = await organizations.ChoicesAsync(market.MyOrganizations, ct);
        return await RefusedAsync(result, keepForm: false, ct);
    }
}

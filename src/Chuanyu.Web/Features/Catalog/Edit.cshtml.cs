using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Signatures;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>
/// A manager edits a record of their organisation and manages its photos. The record's version travels in the form,
/// so an edit made on an older copy is refused with the 409 message instead of overwriting someone else's change.
/// A record the caller may not see is 404; one they see but do not manage is 403. The upload limit is endpoint
/// metadata on the page (Edit.cshtml).
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
[RejectOversizedUpload(PhotoService.MaxRequestBytes)]
public sealed class EditResourceModel(RegionDirectory divisions, CatalogService catalog, PhotoService photos, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public ResourceForm Form { get; set; } = new();

    public ResourceDto Resource { get; private set; } = null!;
    public FieldErrors Errors { get; private set; } = new();
    public string? Conflict { get; private set; }
    public string? PhotoError { get; private set; }
    public IReadOnlyList<PhotoDto> Photos { get; private set; } = [];
    public IReadOnlyList<CatalogPages.DistrictChoice> Districts { get; private set; } = [];

    public ResourceFormView View => new(Form, Errors, Districts, null, Resource.OrganizationName);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        Form = ResourceForm.From(Resource);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        Form.OrganizationId = Resource.OrganizationId;
        var (input, parseErrors, key) = Form.ToInput();
        if (input is null)
        {
            Errors = parseErrors;
            return Page();
        }
        var (updated, result) = await catalog.UpdateAsync(id, input, ct);
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l["Catalog.Saved"].Value;
                return RedirectToPage("/Catalog/Details", new { id = updated!.Id });
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                Errors = ResourceForm.Translate(invalid.Errors, key);
                return Page();
            default:
                // The form keeps what the person typed; the message says to reload and re-apply it.
                Conflict = result.FailureMessage;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
        }
    }

    public async Task<IActionResult> OnPostUploadPhotoAsync(Guid id, IFormFile? photo, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (photo is null)
        {
            return PhotoPage(l["Catalog.Photo.Choose"].Value);
        }
        await using var content = photo.OpenReadStream();
        var (added, result) = await photos.AddAsync(id, photo.FileName, content, photo.Length, ct);
        return added is not null ? Back("Catalog.Photo.Added") : Outcome(result);
    }

    public async Task<IActionResult> OnPostDeletePhotoAsync(Guid id, Guid photoId, bool confirm, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!confirm)
        {
            // The confirmation step without script: nothing is deleted until the box is ticked.
            return PhotoPage(l["Catalog.Photo.ConfirmFirst"].Value);
        }
        var result = await photos.DeleteAsync(id, photoId, ct);
        return result is ServiceResult.Ok ? Back("Catalog.Photo.Deleted") : Outcome(result);
    }

    public async Task<IActionResult> OnPostMovePhotoAsync(Guid id, Guid photoId, int offset, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        var result = await photos.MoveAsync(id, photoId, offset, ct);
        return result is ServiceResult.Ok ? Back("Catalog.Photo.Moved") : Outcome(result);
    }

    private RedirectToPageResult Back(string messageKey)
    {
        TempData["Message"] = l[messageKey].Value;
        return RedirectToPage("/Catalog/Edit", null, new { id = Resource.Id }, "photos");
    }

    private IActionResult Outcome(ServiceResult result) => result switch
    {
        ServiceResult.NotFound => NotFound(),
        ServiceResult.Forbidden => StatusCode(StatusCodes.Status403Forbidden),
        _ => PhotoPage(result.FailureMessage),
    };

    private PageResult PhotoPage(string? error)
    {
        PhotoError = error;
        Form = ResourceForm.From(Resource);
        ModelState.Clear();
        return Page();
    }

    /// <summary>The record, its photos and the choices; or the refusal (404 not visible, 403 not a manager of its organisation).</summary>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var resource = await catalog.GetAsync(id, ct);
        if (resource is null)
        {
            return NotFound();
        }
        if (!catalog.CanManage(resource.OrganizationId))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Resource = resource;
        Photos = await photos.ListVisibleAsync(id, ct);
        Districts = await CatalogPages.DistrictChoicesAsync(divisions, ct);
        return null;
    }
}

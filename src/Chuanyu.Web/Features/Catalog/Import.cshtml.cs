using Chuanyu.Web.Features.Signatures;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>
/// The import wizard for managers: 1. download the template, 2. upload the file (check only, or import and publish),
/// 3. the result: how many records were imported, or every bad row with its column and reason and nothing written.
/// The organisation is chosen among those the person manages; the service checks that again.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
[RejectOversizedUpload(ResourceImporter.MaxRequestBytes)]
public sealed class ImportModel(ResourceImportService service) : PageModel
{
    /// <summary>Rows of the error table; the count above it says how many there are in all.</summary>
    public const int MaxShownErrors = 1_000;

    [BindProperty]
    public Guid? OrganizationId { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    [BindProperty]
    public bool DryRun { get; set; }

    [BindProperty]
    public bool Publish { get; set; }

    public IReadOnlyList<ResourceImportService.ManagedOrganization> Organizations { get; private set; } = [];

    public ImportResult? Result { get; private set; }

    public string? OrganizationName => Organizations.FirstOrDefault(o => o.Id == OrganizationId)?.Name;

    public FieldErrors Errors { get; } = new();

    public async Task OnGetAsync(Guid? organizationId, CancellationToken ct)
    {
        Organizations = await service.ManagedOrganizationsAsync(ct);
        OrganizationId = organizationId ?? (Organizations.Count > 0 ? Organizations[0].Id : null);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Organizations = await service.ManagedOrganizationsAsync(ct);
        if (OrganizationId is not { } org || Organizations.All(o => o.Id != org))
        {
            Errors.Add(nameof(OrganizationId), new Message("Catalog.ImportChooseOrganization"));
        }
        if (Upload is null || Upload.Length == 0)
        {
            Errors.Add(nameof(Upload), new Message("Catalog.ImportNoFile"));
        }
        else if (Upload.Length > ResourceImporter.MaxFileBytes)
        {
            Errors.Add(nameof(Upload), new Message("Catalog.ImportFileTooLarge", ResourceImporter.MaxFileBytes / 1024 / 1024));
            Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }
        if (Errors.Count > 0)
        {
            return Page();
        }
        await using var content = Upload!.OpenReadStream();
        var (result, refused) = await service.ImportAsync(OrganizationId!.Value, content, Upload.Length, Upload.FileName, new ImportOptions(DryRun, Publish), ct);
        if (refused is not null)
        {
            Errors.Add(nameof(OrganizationId), new Message("Catalog.ImportChooseOrganization"));
            return Page();
        }
        if (result!.Failure == ImportFailure.File)
        {
            // The file itself (empty, not a spreadsheet, damaged): said on the file field.
            Errors.Add(nameof(Upload), result.Message!);
            return Page();
        }
        Result = result;
        return Page();
    }
}

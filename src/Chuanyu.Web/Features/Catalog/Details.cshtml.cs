using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>
/// A resource's public page: everything in the record, the owner, the fee table, certificates, photos and a
/// map-free location. Anyone may open it within <see cref="CatalogService.CanSee(Resource)"/>; otherwise it does not exist
/// (404). The owning organisation's managers also see its status and act on it here; actions that cannot be undone
/// by one click (retire, transfer) ask for a ticked confirmation first.
/// </summary>
[AllowAnonymous]
public sealed class ResourceDetailsModel(OrganizationDirectory organizations, RegionDirectory divisions, CatalogService catalog, PhotoService photos, BookingService bookings,
    CurrentUser me, TimeProvider clock, IStringLocalizer<SharedResource> l) : PageModel
{
    public ResourceDto Resource { get; private set; } = null!;
    public string Place { get; private set; } = "";
    public string? ClassPath { get; private set; }
    public IReadOnlyList<PhotoDto> Photos { get; private set; } = [];
    public bool CanManage { get; private set; }
    public bool CanTransfer { get; private set; }
    public IReadOnlyList<(Guid Id, string Name)> TransferTargets { get; private set; } = [];
    public DateOnly Today { get; private set; }
    public string? ActionError { get; private set; }

    /// <summary>
    /// For an instrument or facility, whether the caller may book it at all (Booking's answer, asked once): the page offers
    /// the booking only then, and otherwise says why.
    /// </summary>
    public BookingEligibility? Booking { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostPublishAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await catalog.SetStatusAsync(id, ResourceStatus.Published, ct), "Catalog.Published", ct);

    public async Task<IActionResult> OnPostUnpublishAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await catalog.SetStatusAsync(id, ResourceStatus.Draft, ct), "Catalog.Unpublished", ct);

    public async Task<IActionResult> OnPostRetireAsync(Guid id, bool confirm, CancellationToken ct)
    {
        if (!confirm)
        {
            return await RefuseAsync(id, l["Catalog.ConfirmFirst"].Value, ct);
        }
        return await DoneAsync(id, await catalog.SetStatusAsync(id, ResourceStatus.Retired, ct), "Catalog.Retired", ct);
    }

    public async Task<IActionResult> OnPostTransferAsync(Guid id, Guid? organizationId, bool confirm, CancellationToken ct)
    {
        if (!confirm)
        {
            return await RefuseAsync(id, l["Catalog.ConfirmFirst"].Value, ct);
        }
        return await DoneAsync(id, await catalog.TransferAsync(id, organizationId ?? Guid.Empty, ct), "Catalog.Transferred", ct);
    }

    private async Task<IActionResult> DoneAsync(Guid id, (ResourceDto? Resource, ServiceResult Result) outcome, string okKey, CancellationToken ct)
    {
        switch (outcome.Result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l[okKey].Value;
                return RedirectToPage("/Catalog/Details", new { id });
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            default:
                return await RefuseAsync(id, outcome.Result.FailureMessage, ct);
        }
    }

    /// <summary>The page again with the reason the action did not happen (nothing changed).</summary>
    private async Task<IActionResult> RefuseAsync(Guid id, string? reason, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (!CanManage)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        ActionError = reason;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var resource = await catalog.GetAsync(id, ct);
        if (resource is null)
        {
            return false;
        }
        Resource = resource;
        Place = await CatalogPages.PlaceAsync(divisions, resource.RegionCode, resource.DistrictCode, ct);
        ClassPath = InstrumentClasses.PathOf(resource.CategoryCode);
        Photos = await photos.ListVisibleAsync(id, ct);
        CanManage = catalog.CanManage(resource.OrganizationId);
        CanTransfer = me.HasInOrganization(PlatformRole.OrgAdmin, resource.OrganizationId);
        if (CanTransfer)
        {
            TransferTargets = (await organizations.Organizations()
                    .Where(o => o.Status == OrganizationStatus.Verified && o.Id != resource.OrganizationId)
                    .OrderBy(o => o.RegionCode).ThenBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(ct))
                .Select(o => (o.Id, o.Name)).ToList();
        }
        Today = ChinaTime.Today(clock);
        if (BookingService.IsBookable(resource.Kind))
        {
            Booking = await bookings.EligibilityAsync(id, ct);
        }
        return true;
    }
}

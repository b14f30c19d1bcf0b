using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Booking;

/// <summary>
/// An instrument's booking rules and schedule, for its managers: the rules form (its version travels in the form, so
/// an edit made on an older copy is refused with the 409 message), the blackouts (停机时段) and the training records
/// (上机资格). As with the edit page, an instrument the caller may not see is 404 and one they see but do not manage is
/// 403. Removing a blackout or a training record asks for a ticked confirmation first.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class BookingRulesModel(AppDbContext db, BookingService bookings, CatalogService catalog, TimeProvider clock,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public BookingRulesForm Form { get; set; } = new();
    [BindProperty] public BlackoutForm Blackout { get; set; } = new();
    [BindProperty] public QualificationForm Grant { get; set; } = new();

    public ResourceDto Resource { get; private set; } = null!;
    public BookingRulesDto Rules { get; private set; } = null!;
    public IReadOnlyList<BlackoutDto> Blackouts { get; private set; } = [];
    public IReadOnlyList<QualificationDto> Qualifications { get; private set; } = [];
    public DateOnly Today { get; private set; }
    public FieldErrors Errors { get; private set; } = new();
    public FieldErrors BlackoutErrors { get; private set; } = new();
    public FieldErrors GrantErrors { get; private set; } = new();
    public string? Conflict { get; private set; }

    /// <summary>Why a blackout or training action did not happen, shown in its section.</summary>
    public string? BlackoutError { get; private set; }
    public string? GrantError { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        Form = BookingRulesForm.From(Rules);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        var (input, parseErrors) = Form.ToInput();
        if (input is null)
        {
            Errors = parseErrors;
            return Page();
        }
        var (_, result) = await bookings.SetRulesAsync(id, input, ct);
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l["Booking.RulesSaved"].Value;
                return RedirectToPage("/Booking/Rules", new { id });
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                Errors = invalid.Errors;
                return Page();
            default:
                // The form keeps what the manager typed; the message says to reload and apply it again.
                Conflict = result.FailureMessage;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
        }
    }

    public async Task<IActionResult> OnPostAddBlackoutAsync(Guid id, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        var (input, parseErrors) = Blackout.ToInput();
        if (input is null)
        {
            BlackoutErrors = parseErrors;
            return FormPage();
        }
        var (_, result) = await bookings.AddBlackoutAsync(id, input, ct);
        if (result is ServiceResult.Invalid invalid)
        {
            BlackoutErrors = invalid.Errors;
            return FormPage();
        }
        return Outcome(result, "Booking.BlackoutAdded", "blackouts", e => BlackoutError = e);
    }

    public async Task<IActionResult> OnPostRemoveBlackoutAsync(Guid id, Guid blackoutId, bool confirm, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!confirm)
        {
            BlackoutError = l["Catalog.ConfirmFirst"].Value;
            return FormPage();
        }
        return Outcome(await bookings.RemoveBlackoutAsync(id, blackoutId, ct), "Booking.BlackoutRemoved", "blackouts", e => BlackoutError = e);
    }

    public async Task<IActionResult> OnPostGrantAsync(Guid id, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        var (input, parseErrors) = Grant.ToInput();
        if (input is null)
        {
            GrantErrors = parseErrors;
            return FormPage();
        }
        var (_, result) = await bookings.GrantQualificationAsync(id, input, ct);
        if (result is ServiceResult.Invalid invalid)
        {
            GrantErrors = invalid.Errors;
            return FormPage();
        }
        return Outcome(result, "Booking.QualificationGranted", "qualifications", e => GrantError = e);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, Guid qualificationId, bool confirm, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!confirm)
        {
            GrantError = l["Catalog.ConfirmFirst"].Value;
            return FormPage();
        }
        return Outcome(await bookings.RevokeQualificationAsync(id, qualificationId, ct), "Booking.QualificationRevoked", "qualifications", e => GrantError = e);
    }

    private IActionResult Outcome(ServiceResult result, string okKey, string section, Action<string?> refuse)
    {
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l[okKey].Value;
                return RedirectToPage("/Booking/Rules", null, new { id = Resource.Id }, section);
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.NotFound:
                // The row is gone already (removed in another tab): say so rather than a bare 404 for the whole page.
                refuse(l["Booking.AlreadyRemoved"].Value);
                return FormPage();
            default:
                refuse(result.FailureMessage);
                return FormPage();
        }
    }

    /// <summary>The page again after a blackout or training action: the rules form as stored.</summary>
    private PageResult FormPage()
    {
        Form = BookingRulesForm.From(Rules);
        return Page();
    }

    /// <summary>The instrument, its rules, blackouts and training records; or the refusal (404 not visible or not bookable, 403 not a manager).</summary>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var resource = await catalog.GetAsync(id, ct);
        if (resource is null || !BookingService.IsBookable(resource.Kind))
        {
            return NotFound();
        }
        if (!catalog.CanManage(resource.OrganizationId))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Resource = resource;
        var (rules, rulesResult) = await bookings.GetRulesAsync(id, ct);
        var (qualifications, listResult) = await bookings.ListQualificationsAsync(id, ct);
        if (rules is null || qualifications is null)
        {
            return (rules is null ? rulesResult : listResult) is ServiceResult.Forbidden ? StatusCode(StatusCodes.Status403Forbidden) : NotFound();
        }
        Rules = rules;
        Qualifications = qualifications;
        // Blackouts still to come or under way; past ones no longer matter to booking.
        var now = clock.GetUtcNow();
        Blackouts = await db.Set<InstrumentBlackout>().AsNoTracking().Where(b => b.ResourceId == id && b.EndAt > now).OrderBy(b => b.StartAt)
            .Select(b => new BlackoutDto(b.Id, b.StartAt, b.EndAt, b.Reason)).ToListAsync(ct);
        Today = ChinaTime.Today(clock);
        return null;
    }
}

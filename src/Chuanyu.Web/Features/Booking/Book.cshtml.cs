using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Booking;

/// <summary>
/// Booking an instrument's time: a week of its opening hours cut into the rules' increment, each cell free, held
/// (pending or approved, never by whom), the caller's own, or blacked out; below it the request form. Anyone who may
/// see the instrument sees the week; signing in is needed to book. The form keeps what was typed when the service says
/// no (field errors beside their inputs, a taken slot as 409, a broken rule as 422); a request made goes to "my bookings".
/// </summary>
[AllowAnonymous]
public sealed class BookModel(OrganizationDirectory organizations, UserDirectory users, BookingService bookings, CatalogService catalog, CurrentUser me, TimeProvider clock,
    IStringLocalizer<SharedResource> l) : PageModel
{
    private static readonly HashSet<string> FormFields = ["date", "start", "end", "purpose", "organizationId", "onBehalfOf", "repeatFrequency", "repeatCount"];

    [BindProperty] public BookingForm Form { get; set; } = new();

    /// <summary>The first day of the week shown (China Standard Time); today when absent.</summary>
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }

    public ResourceDto Resource { get; private set; } = null!;
    public AvailabilityDto Availability { get; private set; } = null!;
    public WeekView Week { get; private set; } = null!;
    public IReadOnlyList<string> Starts { get; private set; } = [];
    public IReadOnlyList<string> Ends { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Colleagues { get; private set; } = [];
    public DateOnly Today { get; private set; }
    public FieldErrors Errors { get; private set; } = new();

    /// <summary>Why the request was refused as a whole (a taken slot, a broken rule), in Chinese.</summary>
    public string? Failure { get; private set; }

    public string WeekUrl(DateOnly from) => Url.PagePath("/Booking/Book", new { id = Resource.Id, from = CatalogPages.Date(from) });

    public string LoginUrl => Url.PagePath("/Accounts/Login", new { returnUrl = Request.Path + Request.QueryString });

    public BookingColleaguesView ColleaguesView => new(Colleagues, Form.OnBehalfOf, Errors.Message("onBehalfOf"));

    public async Task<IActionResult> OnGetAsync(Guid id, string? date, string? start, Guid? organizationId, CancellationToken ct)
    {
        // A free cell links here with its day and start: the form comes filled with the shortest booking from there.
        Form.Date = date;
        Form.Start = start;
        Form.OrganizationId = organizationId;
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (BookingService.ParseClock(start) is { } from)
        {
            var end = from + Math.Max(Availability.Rules.MinMinutes, Availability.Rules.IncrementMinutes);
            Form.End = Ends.Contains(BookingRulesCheck.Clock(end)) ? BookingRulesCheck.Clock(end) : null;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!me.IsAuthenticated)
        {
            return Challenge();
        }
        // After a refusal show the week of the day asked for.
        if (Form.Day is { } day && (From is not { } shown || day < shown || day >= shown.AddDays(BookingPages.WeekDays)))
        {
            From = day;
        }
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        var (input, parseErrors) = Form.ToInput(id);
        if (input is null)
        {
            Errors = parseErrors;
            return Page();
        }
        var (created, result) = await bookings.CreateAsync(input, ct);
        switch (result)
        {
            case ServiceResult.Ok:
                var count = created!.Occurrences.Count;
                TempData["Message"] = created.Status == BookingStatus.Pending
                    ? l["Booking.Submitted", count].Value
                    : l["Booking.Confirmed", count].Value;
                return RedirectToPage("/Booking/MyBookings");
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                Errors = BookingForm.Translate(invalid.Errors);
                var elsewhere = Errors.Where(e => !FormFields.Contains(e.Key)).SelectMany(e => e.Value).ToList();
                Failure = elsewhere.Count > 0 ? string.Join(" ", elsewhere) : null;
                break;
            case ServiceResult.Conflict:
                Failure = result.FailureMessage;
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            default:
                Failure = result.FailureMessage;
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
        }
        return Page();
    }

    /// <summary>The colleague choice for the organisation picked in the form (htmx swaps it in when the organisation changes).</summary>
    public async Task<IActionResult> OnGetColleaguesAsync(Guid id, [FromQuery(Name = "Form.OrganizationId")] Guid? organizationId, CancellationToken ct)
    {
        if (!me.IsAuthenticated)
        {
            return Challenge();
        }
        Organizations = await BookingPages.MyOrganizationsAsync(organizations, ct);
        Form.OrganizationId = organizationId;
        await LoadColleaguesAsync(ct);
        return Partial("_Colleagues", ColleaguesView);
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var resource = await catalog.GetAsync(id, ct);
        if (resource is null || !BookingService.IsBookable(resource.Kind))
        {
            return NotFound();
        }
        Resource = resource;
        Today = ChinaTime.Today(clock);
        // A year either way is plenty to look at, and keeps a hand-typed ?from=9999-12-31 from overflowing the calendar.
        var (earliest, latest) = (Today.AddYears(-1), Today.AddYears(1));
        From = From is not { } from ? Today : from < earliest ? earliest : from > latest ? latest : from;
        var (availability, result) = await bookings.AvailabilityAsync(id, From.Value, BookingPages.WeekDays, ct);
        if (availability is null)
        {
            return result is ServiceResult.Forbidden ? StatusCode(StatusCodes.Status403Forbidden) : NotFound();
        }
        Availability = availability;
        Week = BookingPages.Week(availability, From.Value, clock.GetUtcNow());
        (Starts, Ends) = BookingPages.TimeChoices(availability.Rules);
        if (me.IsAuthenticated)
        {
            Organizations = await BookingPages.MyOrganizationsAsync(organizations, ct);
            await LoadColleaguesAsync(ct);
        }
        return null;
    }

    private async Task LoadColleaguesAsync(CancellationToken ct)
    {
        var organization = Form.OrganizationId ?? (Organizations.Count == 1 ? Organizations[0].Id : null);
        Colleagues = organization is { } o && Organizations.Any(x => x.Id == o) ? await BookingPages.ColleaguesAsync(users, o, me.Id!.Value, ct) : [];
    }
}

/// <summary>What the colleague choice needs: the people of the chosen organisation, who is chosen, and the error if any.</summary>
public sealed record BookingColleaguesView(IReadOnlyList<(Guid Id, string Name)> Colleagues, Guid? Selected, string? Error);

using System.Globalization;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Booking;

/// <summary>
/// Booking an instrument's time: a week of its opening hours cut into the rules' increment, each cell free, held
/// (pending or approved, never by whom), the caller's own, or blacked out (with the reason); below it the request form.
/// Anyone who may see the instrument sees the week; signing in is needed to book. Before anything is offered the
/// service says whether the caller may book the instrument at all (<see cref="BookingService.EligibilityAsync"/>): if
/// not, the page says why once, offers no free cell and disables the form. Choosing a free cell fills the form in place
/// (htmx: the times, the usual length from that start, the fee estimate; the chosen cell marked), or, without
/// JavaScript, by loading the page again. The form keeps what was typed when the service says no (field errors beside
/// their inputs, a taken slot as 409, a broken rule as 422); a request made goes to "my bookings", shown first there.
/// </summary>
[AllowAnonymous]
public sealed class BookModel(OrganizationDirectory organizations, UserDirectory users, BookingService bookings, CatalogService catalog, CurrentUser me, TimeProvider clock,
    IStringLocalizer<SharedResource> l, VoucherHoldings vouchers) : PageModel
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

    /// <summary>Whether the caller may book this instrument at all, asked once before anything is offered.</summary>
    public BookingEligibility Eligibility { get; private set; } = null!;

    /// <summary>The fee of the booking as chosen so far, for the caller's user type (null before an organisation is known).</summary>
    public BookingEstimate? Estimate { get; private set; }

    /// <summary>What the best voucher the chosen organisation holds would pay of one occurrence's fee, once that fee is known.</summary>
    public VoucherEstimate? VoucherEstimate { get; private set; }

    /// <summary>Rendering the times and the week for htmx (the week swapped out of band), not the whole page.</summary>
    public bool Fragment { get; private set; }

    /// <summary>The caller may book here now: signed in, with an organisation, and the service allows it.</summary>
    public bool CanBook => me.IsAuthenticated && Organizations.Count > 0 && Eligibility.MayBook;

    /// <summary>
    /// Why booking is refused, said once at the top; null when it is not, and for someone without an organisation,
    /// whom the form's own notice sends to the organisation directory.
    /// </summary>
    public string? Refusal => Eligibility.MayBook || (me.IsAuthenticated && Organizations.Count == 0) ? null : Eligibility.Reason?.ToString();

    /// <summary>Why the request was refused as a whole (a taken slot, a broken rule), in Chinese.</summary>
    public string? Failure { get; private set; }

    public string WeekUrl(DateOnly from) => Url.PagePath("/Booking/Book", new { id = Resource.Id, from = CatalogPages.Date(from) });

    /// <summary>Where htmx asks for the times, the estimate and the week when a free cell (its day and start) is chosen.</summary>
    public string SlotUrl(DateOnly date, string start) => Url.Page("/Booking/Book", "Slot", new RouteValueDictionary
    {
        ["id"] = Resource.Id,
        ["from"] = CatalogPages.Date(Week.From),
        ["Form.Date"] = CatalogPages.Date(date),
        ["Form.Start"] = start,
    }) ?? throw new InvalidOperationException("no /Booking/Book page");

    /// <summary>Where htmx asks for the estimate and the week when a time, the organisation or the repetition changes.</summary>
    public string EstimateUrl => Url.Page("/Booking/Book", "Estimate", new { id = Resource.Id, from = CatalogPages.Date(Week.From) })
        ?? throw new InvalidOperationException("no /Booking/Book page");

    /// <summary>Whether a free cell is the one chosen in the form.</summary>
    public bool IsChosen(DateOnly date, string start) => Form.Day == date && Form.Start == start;

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
        await ProposeEndAsync(ct);
        await EstimateAsync(ct);
        return Page();
    }

    /// <summary>
    /// htmx: a free cell was chosen (its day and start): the times again with the end proposed from the instrument's usual
    /// length, the estimate, and the week with the chosen cell marked (out of band).
    /// </summary>
    public Task<IActionResult> OnGetSlotAsync(Guid id, CancellationToken ct) => FragmentAsync(id, "_BookingSlot", proposeEnd: true, ct);

    /// <summary>htmx: a time, the organisation or the repetition changed: the estimate again, and the week with the chosen cell marked (out of band).</summary>
    public Task<IActionResult> OnGetEstimateAsync(Guid id, CancellationToken ct) => FragmentAsync(id, "_BookingEstimateUpdate", proposeEnd: false, ct);

    private async Task<IActionResult> FragmentAsync(Guid id, string partial, bool proposeEnd, CancellationToken ct)
    {
        // The form's fields come in the query (Form.Date, Form.Start …): as typed, the service judges them on submit.
        await TryUpdateModelAsync(Form, nameof(Form));
        ModelState.Clear();
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!CanBook)
        {
            return me.IsAuthenticated ? StatusCode(StatusCodes.Status422UnprocessableEntity) : Challenge();
        }
        if (proposeEnd)
        {
            await ProposeEndAsync(ct);
        }
        await EstimateAsync(ct);
        Fragment = true;
        return Partial(partial, this);
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
        await EstimateAsync(ct);
        if (!Eligibility.MayBook)
        {
            // The page already says why (once); the form it offered was disabled.
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
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
                // The new booking first and marked in the list (the form posts to a URL without a fragment, so none follows).
                return RedirectToPage("/Booking/MyBookings", new { created = created.Id });
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
        var eligibility = await bookings.EligibilityAsync(id, ct);
        if (eligibility is null)
        {
            return NotFound();
        }
        Eligibility = eligibility;
        Week = BookingPages.Week(availability, From.Value, clock.GetUtcNow(), eligibility.MayBook);
        (Starts, Ends) = BookingPages.TimeChoices(availability.Rules);
        if (me.IsAuthenticated)
        {
            Organizations = await BookingPages.MyOrganizationsAsync(organizations, ct);
            await LoadColleaguesAsync(ct);
        }
        return null;
    }

    /// <summary>
    /// With a start and no end after it (a cell just chosen), the end the instrument's bookings usually have: their
    /// median length from that start, cut at closing time, unless that is shorter than the rules allow.
    /// </summary>
    private async Task ProposeEndAsync(CancellationToken ct)
    {
        if (!CanBook || BookingService.ParseClock(Form.Start) is not { } start ||
            (BookingService.ParseClock(Form.End) is { } typed && typed > start && Ends.Contains(Form.End!)))
        {
            return;
        }
        var rules = Availability.Rules;
        var usual = await bookings.UsualMinutesAsync(Resource.Id, rules, ct);
        var closes = BookingService.ParseClock(rules.ClosesAt) ?? 24 * 60;
        var end = Math.Min(start + usual, closes);
        var endText = BookingRulesCheck.Clock(end);
        Form.End = end - start >= rules.MinMinutes && Ends.Contains(endText) ? endText : null;
    }

    /// <summary>The fee estimate of the times in the form, for the organisation chosen (or the caller's only one).</summary>
    private async Task EstimateAsync(CancellationToken ct)
    {
        var organization = Form.OrganizationId ?? (Organizations.Count == 1 ? Organizations[0].Id : null);
        if (!CanBook || organization is null)
        {
            return;
        }
        var start = BookingService.ParseClock(Form.Start);
        var end = BookingService.ParseClock(Form.End);
        var minutes = start is { } s && end is { } e && e > s ? e - s : 0;
        var count = !string.IsNullOrEmpty(Form.RepeatFrequency) &&
                    int.TryParse(Form.RepeatCount?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 2 and <= BookingService.MaxRepeat
            ? n : 1;
        Estimate = await bookings.EstimateAsync(Resource.Id, organization, minutes, count, ct);
        if (Estimate?.EachFen is > 0 and var each)
        {
            var best = await vouchers.EstimatesAsync(Resource.Id, VoucherServiceCategory.InstrumentUse, each, organization, ct);
            VoucherEstimate = best is [var first, ..] ? first : new VoucherEstimate(null, each, 0, each);
        }
    }

    private async Task LoadColleaguesAsync(CancellationToken ct)
    {
        var organization = Form.OrganizationId ?? (Organizations.Count == 1 ? Organizations[0].Id : null);
        Colleagues = organization is { } o && Organizations.Any(x => x.Id == o) ? await BookingPages.ColleaguesAsync(users, o, me.Id!.Value, ct) : [];
    }
}

/// <summary>What the colleague choice needs: the people of the chosen organisation, who is chosen, and the error if any.</summary>
public sealed record BookingColleaguesView(IReadOnlyList<(Guid Id, string Name)> Colleagues, Guid? Selected, string? Error);

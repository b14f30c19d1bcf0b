using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Booking;

/// <summary>
/// The approval queue (预约审批) of instrument managers and organisation admins: requests for the instruments they
/// manage, earliest first, with who asks, for which organisation, as which user type and why. Approving takes an
/// optional note; rejecting requires one (the applicant receives it). Other statuses are one filter away.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class BookingQueueModel(BookingService bookings, CurrentUser me, IStringLocalizer<SharedResource> l) : PageModel
{
    private const int PageSize = 20;

    /// <summary>The filter value that lists every status.</summary>
    public const string AllStatuses = "All";

    /// <summary>Pending when absent; <see cref="AllStatuses"/> or a <see cref="BookingStatus"/> name.</summary>
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }

    /// <summary>Only this instrument's bookings (the rules page links here).</summary>
    [BindProperty(SupportsGet = true)] public Guid? Instrument { get; set; }

    public BookingStatus? StatusFilter { get; private set; } = BookingStatus.Pending;
    public bool IsManager { get; private set; }
    public int PageNumber { get; private set; } = 1;
    public int Total { get; private set; }
    public Pager Pager => new(PageNumber, PageSize, Total, Request);
    public IReadOnlyList<BookingDto> Items { get; private set; } = [];

    /// <summary>The booking whose decision was refused, and why (keyed <c>approve-note</c> / <c>reject-note</c>), shown on that row.</summary>
    public Guid? ErrorBooking { get; private set; }
    public FieldErrors Errors { get; private set; } = new();

    /// <summary>The note typed on the refused row, kept.</summary>
    public string? Note { get; private set; }
    public string? ActionError { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostApproveAsync(Guid bookingId, string? note, CancellationToken ct) =>
        await DecideAsync(bookingId, approve: true, note, ct);

    public async Task<IActionResult> OnPostRejectAsync(Guid bookingId, string? note, CancellationToken ct) =>
        await DecideAsync(bookingId, approve: false, note, ct);

    public string ActionUrl(string handler) => ListUrl(Status, Instrument, Pager.RequestedPage(Request), handler);

    public string With(string? status) => ListUrl(status, Instrument, 1, null);

    /// <summary>The queue of every instrument, keeping the status filter.</summary>
    public string AllInstruments => ListUrl(Status, null, 1, null);

    private string ListUrl(string? status, Guid? instrument, int page, string? handler) =>
        Url.PagePath("/Booking/Queue", new { handler, status, instrument }, page);

    private async Task<IActionResult> DecideAsync(Guid bookingId, bool approve, string? note, CancellationToken ct)
    {
        var result = await bookings.DecideAsync(bookingId, approve, note, ct);
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l[approve ? "Booking.Approved" : "Booking.Rejected"].Value;
                return Redirect(ListUrl(Status, Instrument, Pager.RequestedPage(Request), null));
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                ErrorBooking = bookingId;
                Note = note;
                var prefix = approve ? "approve-" : "reject-";
                foreach (var (field, reasons) in invalid.Errors)
                {
                    foreach (var reason in reasons)
                    {
                        Errors.Add(prefix + field, reason);
                    }
                }
                break;
            default:
                ActionError = result.FailureMessage;
                Response.StatusCode = result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
                break;
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        StatusFilter = string.IsNullOrEmpty(Status) ? BookingStatus.Pending
            : Status == AllStatuses ? null
            : Enum.TryParse<BookingStatus>(Status, ignoreCase: false, out var s) && Enum.IsDefined(s) ? s : BookingStatus.Pending;
        IsManager = me.ManagedOrganizations.Count > 0;
        if (!IsManager)
        {
            return;
        }
        PageNumber = Pager.RequestedPage(Request);
        var list = await bookings.ListManagedAsync(StatusFilter, Instrument, PageNumber, PageSize, ct);
        Total = list.Total;
        Items = list.Items;
    }
}

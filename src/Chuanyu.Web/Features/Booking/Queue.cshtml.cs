using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Booking;

/// <summary>
/// The approval queue (预约审批) of instrument managers and organisation admins: requests for the instruments they
/// manage, earliest first, with who asks, for which organisation, as which user type and why. Approving takes an
/// optional note; rejecting requires one (the applicant receives it). Other statuses are one filter away. A completed
/// booking shows the voucher used on it, and its managers may refund it (UseRefunds: a note, a ticked confirmation; the
/// voucher's redemption is reversed, a paid one refuses).
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class BookingQueueModel(BookingService bookings, UseRefunds refunds, VoucherDirectory vouchers, CurrentUser me,
    IStringLocalizer<SharedResource> l) : PageModel
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

    /// <summary>The live voucher redemption of each listed booking that has one.</summary>
    public IReadOnlyDictionary<Guid, VoucherSubsidyRef> Vouchers { get; private set; } = new Dictionary<Guid, VoucherSubsidyRef>();

    /// <summary>The booking whose decision or refund was refused, and why (keyed <c>approve-note</c> / <c>reject-note</c> / <c>refund-note</c>), shown on that row.</summary>
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

    public async Task<IActionResult> OnPostRefundAsync(Guid bookingId, string? note, bool confirm, CancellationToken ct) =>
        !confirm ? await RefuseAsync(l["Catalog.ConfirmFirst"].Value, StatusCodes.Status200OK, ct)
        : await DoneAsync(bookingId, await refunds.RefundBookingAsync(bookingId, note, ct), "refund-", "Vouchers.Refund.Done", note, ct);

    public string ActionUrl(string handler) => ListUrl(Status, Instrument, Pager.RequestedPage(Request), handler);

    public string With(string? status) => ListUrl(status, Instrument, 1, null);

    /// <summary>The queue of every instrument, keeping the status filter.</summary>
    public string AllInstruments => ListUrl(Status, null, 1, null);

    private string ListUrl(string? status, Guid? instrument, int page, string? handler) =>
        Url.PagePath("/Booking/Queue", new { handler, status, instrument }, page);

    private async Task<IActionResult> DecideAsync(Guid bookingId, bool approve, string? note, CancellationToken ct) =>
        await DoneAsync(bookingId, await bookings.DecideAsync(bookingId, approve, note, ct), approve ? "approve-" : "reject-",
            approve ? "Booking.Approved" : "Booking.Rejected", note, ct);

    /// <summary>After an action on one row: back to the list with the message, or the list again with the refusal on that row or above it.</summary>
    private async Task<IActionResult> DoneAsync(Guid bookingId, ServiceResult result, string prefix, string okKey, string? note, CancellationToken ct)
    {
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l[okKey].Value;
                return Redirect(ListUrl(Status, Instrument, Pager.RequestedPage(Request), null));
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                ErrorBooking = bookingId;
                Note = note;
                foreach (var (field, reasons) in invalid.Errors)
                {
                    foreach (var reason in reasons)
                    {
                        Errors.Add(prefix + field, reason);
                    }
                }
                break;
            default:
                return await RefuseAsync(result.FailureMessage,
                    result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, ct);
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task<IActionResult> RefuseAsync(string? reason, int status, CancellationToken ct)
    {
        ActionError = reason;
        Response.StatusCode = status;
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
        var ids = Items.Where(b => b.Status == BookingStatus.Completed).Select(b => (Guid?)b.Id).ToList();
        Vouchers = await vouchers.Subsidies().Where(v => ids.Contains(v.BookingId)).ToDictionaryAsync(v => v.BookingId!.Value, ct);
    }
}

using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Booking;

/// <summary>
/// "My bookings": the caller's bookings, as the user or as the colleague who booked, latest first, with what may be
/// done to each now (the service's CanCancel / CanCheckIn / CanCheckOut). Cancelling asks for a ticked confirmation first.
/// The booking just made (<c>?created=</c>) is listed first and marked.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MyBookingsModel(BookingService bookings, CurrentUser me, IStringLocalizer<SharedResource> l, VoucherDirectory vouchers) : PageModel
{
    private const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public BookingStatus? Status { get; set; }

    /// <summary>The booking just made (the booking page redirects here with it): listed first and marked.</summary>
    [BindProperty(SupportsGet = true)] public Guid? Created { get; set; }

    public int PageNumber { get; private set; } = 1;
    public int Total { get; private set; }
    public Pager Pager => new(PageNumber, PageSize, Total, Request);
    public IReadOnlyList<BookingDto> Items { get; private set; } = [];

    /// <summary>The live voucher redemption of each listed booking that has one (vredeem).</summary>
    public IReadOnlyDictionary<Guid, VoucherSubsidyRef> Vouchers { get; private set; } = new Dictionary<Guid, VoucherSubsidyRef>();
    public Guid MyId => me.Id!.Value;

    /// <summary>Why an action did not happen (nothing changed).</summary>
    public string? ActionError { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCancelAsync(Guid bookingId, bool confirm, CancellationToken ct)
    {
        if (!confirm)
        {
            return await RefuseAsync(l["Catalog.ConfirmFirst"].Value, ct);
        }
        return await DoneAsync(await bookings.CancelAsync(bookingId, null, ct), "Booking.Cancelled", ct);
    }

    public async Task<IActionResult> OnPostCheckInAsync(Guid bookingId, CancellationToken ct) =>
        await DoneAsync(await bookings.CheckInAsync(bookingId, ct), "Booking.CheckedIn", ct);

    public async Task<IActionResult> OnPostCheckOutAsync(Guid bookingId, CancellationToken ct) =>
        await DoneAsync(await bookings.CheckOutAsync(bookingId, ct), "Booking.CheckedOut", ct);

    /// <summary>This list's URL (its filter and page) for a form's action, with the handler to call.</summary>
    public string ActionUrl(string handler) => ListUrl(Status, Pager.RequestedPage(Request), handler);

    /// <summary>This list's URL with another status filter (back to page 1).</summary>
    public string With(BookingStatus? status) => ListUrl(status, 1, null);

    private string ListUrl(BookingStatus? status, int page, string? handler) =>
        Url.PagePath("/Booking/MyBookings", new { handler, status }, page);

    private async Task<IActionResult> DoneAsync(ServiceResult result, string okKey, CancellationToken ct)
    {
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l[okKey].Value;
                return Redirect(ListUrl(Status, Pager.RequestedPage(Request), null));
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            default:
                Response.StatusCode = result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
                return await RefuseAsync(result.FailureMessage, ct);
        }
    }

    private async Task<IActionResult> RefuseAsync(string? reason, CancellationToken ct)
    {
        ActionError = reason;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        PageNumber = Pager.RequestedPage(Request);
        var list = await bookings.ListMineAsync(Status, PageNumber, PageSize, ct);
        Total = list.Total;
        Items = list.Items;
        // The booking just made goes first on the first page, whatever its date, if it is the caller's and in the filter.
        if (Created is { } id && PageNumber == 1 && await bookings.GetAsync(id, ct) is { } created &&
            (created.UserId == MyId || created.BookedBy == MyId) && (Status is null || created.Status == Status))
        {
            Items = [created, .. Items.Where(b => b.Id != id)];
        }
        else
        {
            Created = null;
        }
        var ids = Items.Select(b => (Guid?)b.Id).ToList();
        Vouchers = await vouchers.Subsidies().Where(v => ids.Contains(v.BookingId)).ToDictionaryAsync(v => v.BookingId!.Value, ct);
    }
}

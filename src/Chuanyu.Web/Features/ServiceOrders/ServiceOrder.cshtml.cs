using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Signatures;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.ServiceOrders;

/// <summary>
/// One service order (订单详情) for its customer, the provider's managers and the region's admins (anyone else: 404,
/// as the API). Shows every field, the dates so far, and the actions the service allows the caller now (the DTO's
/// Can… flags): quote, reject, accept, cancel, start, upload the report (PDF and machine time), accept the report.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
[RequestSizeLimit(ServiceOrderService.MaxReportRequestBytes)]
[RejectOversizedUpload(ServiceOrderService.MaxReportRequestBytes)]
public sealed class ServiceOrderDetailsModel(ServiceOrderService orders, CatalogService catalog, TimeProvider clock, IStringLocalizer<SharedResource> l,
    ServiceOrderRefunds refunds, ServiceOrderDirectory directory, VoucherDirectory vouchers) : PageModel
{
    public ServiceOrderDto Order { get; private set; } = null!;

    /// <summary>The fee line the quote will use (the order's user type), when the caller may read the schedule.</summary>
    public FeeRef? Line { get; private set; }
    public bool Hourly => Line is not null && BookingRulesCheck.IsHourly(Line.Unit);

    /// <summary>What the quote would be from the schedule (not when hourly: the hours are the provider's).</summary>
    public OrderPrice? Suggested { get; private set; }
    public DateOnly Today { get; private set; }

    /// <summary>When the provider refunded the completed order (vredeem), and its live voucher redemption.</summary>
    public DateTimeOffset? RefundedAt { get; private set; }
    public VoucherSubsidyRef? Voucher { get; private set; }

    /// <summary>The provider's managers refund a completed order once.</summary>
    public bool CanRefund { get; private set; }

    /// <summary>Field errors of the action that failed, keyed <c>quote-hours</c>, <c>reject-note</c>, <c>report-file</c> ….</summary>
    public FieldErrors Errors { get; private set; } = new();
    public string? ActionError { get; private set; }

    [BindProperty] public string? Hours { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public string? PromisedOn { get; set; }
    [BindProperty] public string? MachineMinutes { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public IFormFile? ReportFile { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnPostQuoteAsync(Guid id, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var hours = FormValues.Number(Hours, "hours", errors, new Message("ServiceOrders.HoursNotANumber"));
        var promised = FormValues.Date(PromisedOn, "promisedOn", errors, new Message("ServiceOrders.PromisedOnNotADate"));
        var result = errors.Count > 0 ? new ServiceResult.Invalid(errors) : await orders.QuoteAsync(id, new QuoteInput(hours, Note, promised, Version), ct);
        return await DoneAsync(id, result, "quote", "Order.Quoted", ct);
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await orders.RejectAsync(id, Note, ct), "reject", "Order.RejectedMessage", ct);

    public async Task<IActionResult> OnPostAcceptAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await orders.AcceptAsync(id, Version, ct), "accept", "Order.AcceptedMessage", ct);

    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await orders.CancelAsync(id, Note, ct), "cancel", "Order.CancelledMessage", ct);

    public async Task<IActionResult> OnPostStartAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await orders.StartAsync(id, ct), "start", "Order.StartedMessage", ct);

    public async Task<IActionResult> OnPostReportAsync(Guid id, CancellationToken ct)
    {
        var errors = new FieldErrors();
        int? minutes = null;
        if (!string.IsNullOrWhiteSpace(MachineMinutes))
        {
            if (int.TryParse(MachineMinutes.Trim().Normalize(System.Text.NormalizationForm.FormKC), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var m))
            {
                minutes = m;
            }
            else
            {
                errors.Add("machineMinutes", new Message("ServiceOrders.MachineMinutesNotInteger"));
            }
        }
        if (ReportFile is null || ReportFile.Length == 0)
        {
            errors.Add("file", new Message("ServiceOrders.ReportFileRequired"));

        }
        ServiceResult result;
        if (errors.Count > 0)
        {
            result = new ServiceResult.Invalid(errors);
        }
        else
        {
            await using var content = ReportFile!.OpenReadStream();
            result = await orders.ReportAsync(id, ReportFile.FileName, content, ReportFile.Length, minutes, ct);
        }
        return await DoneAsync(id, result, "report", "Order.ReportedMessage", ct);
    }

    public async Task<IActionResult> OnPostCompleteAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await orders.CompleteAsync(id, ct), "complete", "Order.CompletedMessage", ct);

    public async Task<IActionResult> OnPostRefundAsync(Guid id, CancellationToken ct) =>
        await DoneAsync(id, await refunds.RefundAsync(id, Note, ct), "refund", "Vouchers.Refund.Done", ct);

    private async Task<IActionResult> DoneAsync(Guid id, ServiceResult result, string action, string okKey, CancellationToken ct)
    {
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l[okKey].Value;
                return RedirectToPage("/ServiceOrders/ServiceOrder", new { id });
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                foreach (var (field, reasons) in invalid.Errors)
                {
                    foreach (var reason in reasons)
                    {
                        Errors.Add($"{action}-{field}", reason);
                    }
                }
                break;
            default:
                ActionError = result.FailureMessage;
                Response.StatusCode = result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
                break;
        }
        return await LoadAsync(id, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var order = await orders.GetAsync(id, ct);
        if (order is null)
        {
            return NotFound();
        }
        Order = order;
        Today = ChinaTime.Today(clock);
        RefundedAt = await directory.Orders().Where(o => o.OrderId == id).Select(o => o.RefundedAt).FirstOrDefaultAsync(ct);
        Voucher = await vouchers.Subsidies().FirstOrDefaultAsync(v => v.ServiceOrderId == id, ct);
        CanRefund = order.Status == ServiceOrderStatus.Completed && RefundedAt is null && catalog.CanManage(order.OwnerOrganizationId);
        if (order.CanQuote && await catalog.GetAsync(order.ServiceId, ct) is { } resource)
        {
            var fees = ServiceOrderPages.Fees(resource);
            Line = ServiceOrderService.PriceLine(fees, order.UserType);
            Suggested = ServiceOrderService.Price(fees, order.UserType, order.SampleCount, order.Items.Count, null);
        }
        return null;
    }
}

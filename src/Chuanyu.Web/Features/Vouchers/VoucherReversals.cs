using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>Which use a refund is of: a booking or a service order.</summary>
public readonly record struct UseKey(VoucherUseKind Kind, Guid Id);

/// <summary>
/// The one write other features make on vouchers: a refunded use reverses its live redemption in the refund's own
/// transaction (Booking's and ServiceOrders' RefundAsync, which lock the use first, as a redemption does). Reserved or
/// submitted: the subsidy leaves Pending; approved: the approved amount leaves Payable; either way it returns to the
/// voucher (or the budget once the voucher is no longer active). An approved redemption already in an unpaid payout
/// batch leaves the batch first (<see cref="VoucherPayouts.TakeOutAsync"/>), so the batch can still be paid. A paid
/// redemption refuses the refund (409 <c>Vouchers.UsePaidOut</c>): recovering paid money is a process off the platform.
/// </summary>
public sealed class VoucherReversals(AppDbContext db, VoucherRedemptions redemptions, VoucherPayouts payouts)
{
    /// <summary>Ok when nothing was live or the redemption was reversed; Conflict when it was paid. Throws outside a transaction.</summary>
    public async Task<ServiceResult> ReverseForRefundAsync(UseKey use, string reason, CancellationToken ct)
    {
        VoucherLedger.RequireTransaction(db, nameof(ReverseForRefundAsync));
        var live = await db.Set<VoucherRedemption>()
            .Where(r => VoucherRedemption.Live.Contains(r.Status) && (use.Kind == VoucherUseKind.Booking ? r.BookingId == use.Id : r.ServiceOrderId == use.Id))
            .FirstOrDefaultAsync(ct);
        if (live is null)
        {
            return new ServiceResult.Ok();
        }
        if (live.Status == VoucherRedemptionStatus.Paid)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.UsePaidOut"));
        }
        if (live.PayoutBatchId is not null && !await payouts.TakeOutAsync(live, reason, ct))
        {
            // Its batch was paid meanwhile (the batch's lock waited for that payment): the redemption is paid too.
            return new ServiceResult.Conflict(new Message("Vouchers.UsePaidOut"));
        }
        try
        {
            await redemptions.ApplyAsync(live, VoucherRedemptionStatus.Reversed, LedgerEvent.Reverse, reason, ct);
        }
        catch (VoucherLedgerRefusedException refused)
        {
            return new ServiceResult.Conflict(refused.Reason);
        }
        return new ServiceResult.Ok();
    }
}

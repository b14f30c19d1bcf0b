using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Chuanyu.Web.Features.Booking;

public sealed record RefundInput(string? Note);

/// <summary>
/// Refunds of completed uses (docs/vouchers-design.md §4): the provider's managers refund a completed booking (here) or
/// service order (<c>ServiceOrderRefunds</c>) with a note. The use stays completed and keeps its usage record (the hours
/// were used); <c>refunded_at</c> and the note are set, and a voucher used on it is reversed by
/// <see cref="VoucherReversals.ReverseForRefundAsync"/> in the same transaction, after the use's row is locked (the order
/// a redemption takes): a paid redemption refuses the refund (409 <c>Vouchers.UsePaidOut</c>). Audited.
/// </summary>
public sealed class UseRefunds(AppDbContext db, CatalogDirectory catalog, VoucherReversals reversals, AuditLog audit, TimeProvider clock)
{
    public async Task<ServiceResult> RefundBookingAsync(Guid id, string? note, CancellationToken ct)
    {
        if (Note(note) is not { } text)
        {
            return NoteMissing();
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM bookings WHERE id = {id} FOR UPDATE", ct);
        }
        var b = await db.Set<InstrumentBooking>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (b is null || !catalog.CanManage(b.OwnerOrganizationId))
        {
            return new ServiceResult.NotFound();
        }
        if (Refuse(b.Status == BookingStatus.Completed, b.RefundedAt) is { } refused)
        {
            return refused;
        }
        b.RefundedAt = clock.GetUtcNow();
        b.RefundNote = text;
        b.Version++;
        return await CommitAsync(tx, new UseKey(VoucherUseKind.Booking, id), "booking.refund", $"booking:{id}", text, ct);
    }

    /// <summary>
    /// The end every refund shares, in the caller's transaction with the use marked refunded: the voucher's reversal, the
    /// save, the audit row, the commit; nothing is written when the reversal refuses.
    /// </summary>
    public async Task<ServiceResult> CommitAsync(IDbContextTransaction tx, UseKey use, string action, string target, string note, CancellationToken ct)
    {
        try
        {
            var reversed = await reversals.ReverseForRefundAsync(use, note, ct);
            if (reversed is not ServiceResult.Ok)
            {
                return reversed;
            }
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(new Message("Booking.ChangedMeanwhile"));
        }
        await audit.RecordAsync(action, target, detail: note, ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>Only a completed use, once.</summary>
    public static ServiceResult? Refuse(bool completed, DateTimeOffset? refundedAt) =>
        !completed ? new ServiceResult.Conflict(new Message("Booking.RefundNotCompleted"))
        : refundedAt is not null ? new ServiceResult.Conflict(new Message("Booking.AlreadyRefunded"))
        : null;

    public static string? Note(string? note) => note?.Trim() is { Length: >= 2 and <= 500 } text ? text : null;

    public static ServiceResult.Invalid NoteMissing()
    {
        var errors = new FieldErrors();
        errors.Add("note", new Message("Booking.RefundNoteRequired"));
        return new ServiceResult.Invalid(errors);
    }
}

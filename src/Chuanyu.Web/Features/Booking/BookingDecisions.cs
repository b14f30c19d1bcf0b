using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

public sealed record BookingNoteInput(string? Note);

/// <summary>
/// What happens to a booking after the request: approval or rejection by the instrument's managers, cancellation,
/// check-in and check-out (which completes it and records the machine time and fee).
/// </summary>
public sealed partial class BookingService
{
    /// <summary>Approve or reject a pending booking (the instrument's managers); approval checks the rules again.</summary>
    public async Task<ServiceResult> DecideAsync(Guid id, bool approve, string? note, CancellationToken ct)
    {
        var (b, r, refused) = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!catalog.CanManage(r!.OrganizationId))
        {
            return new ServiceResult.Forbidden();
        }
        if (b!.Status != BookingStatus.Pending)
        {
            return new ServiceResult.Conflict(new Message("Booking.NotPending", b.Status));
        }
        note = note?.Trim();
        if (note is { Length: > 500 })
        {
            var e = new FieldErrors();
            e.Add("note", new Message("Booking.DecisionNoteTooLong"));
            return new ServiceResult.Invalid(e);
        }
        if (!approve && string.IsNullOrEmpty(note))
        {
            var e = new FieldErrors();
            e.Add("note", new Message("Booking.RejectionNeedsReason"));
            return new ServiceResult.Invalid(e);
        }
        var now = clock.GetUtcNow();
        if (approve)
        {
            // What may have changed since the request: time has passed, a blackout or a training expiry came in, and
            // (on SQLite with a stale check, or after a rules change) another active booking took the time.
            if (b.StartAt <= now)
            {
                return new ServiceResult.RuleBroken("past", new Message("Booking.ApprovalTooLate"));
            }
            if (RefuseResource(r) is { } unavailable)
            {
                return unavailable; // retired or under maintenance since the request
            }
            var rules = await RulesAsync(r.Id, ct);
            if (!rules.Allows(b.UserType))
            {
                return new ServiceResult.RuleBroken("userTypes", new Message("Booking.UserTypeNoLongerAllowed", Messages.Label(b.UserType)));
            }
            if (r.SharingStatus == SharingStatus.InternalOnly && b.UserType != FeeUserType.Internal)
            {
                return new ServiceResult.RuleBroken("sharingStatus", new Message("Booking.NowInternalOnly"));
            }
            if (rules.QualificationRequired && await QualificationProblemAsync(r.Id, b.UserId, b.StartAt, ct) is { } unqualified)
            {
                return unqualified;
            }
            if (await BlackoutProblemAsync(r.Id, [(b.StartAt, b.EndAt)], ct) is { } blackout)
            {
                return blackout;
            }
            var clash = await db.Set<InstrumentBooking>().AsNoTracking().AnyAsync(x => x.Id != b.Id && x.ResourceId == b.ResourceId &&
                (x.Status == BookingStatus.Approved || x.Status == BookingStatus.InUse) && x.StartAt < b.BlockedUntil && x.BlockedUntil > b.StartAt, ct);
            if (clash)
            {
                return new ServiceResult.Conflict(new Message("Booking.AlreadyApprovedThere"));
            }
        }
        b.Status = approve ? BookingStatus.Approved : BookingStatus.Rejected;
        b.DecidedBy = me.Id;
        b.DecidedAt = now;
        b.DecisionNote = string.IsNullOrEmpty(note) ? null : note;
        b.Version++;
        await NotifyUserAsync(b, new Message(approve ? "Booking.Mail.ApprovedSubject" : "Booking.Mail.RejectedSubject", r.Name),
            approve ? Mail(new Message("Booking.Mail.Approved", r.Name, Slot(b))) + (b.DecisionNote is null ? "" : "\n" + Mail(new Message("Booking.Mail.ManagerNote", b.DecisionNote)))
                : Mail(new Message("Booking.Mail.Rejected", r.Name, Slot(b))) + "\n" + Mail(new Message("Booking.Mail.RejectionReason", b.DecisionNote)), ct);
        return await SaveAsync(approve ? "booking.approve" : "booking.reject", b, $"{r.Name} {Slot(b)}", ct);
    }

    /// <summary>Cancel a pending or approved booking (the user's side or the managers); late by the user costs the rules' fee.</summary>
    public async Task<ServiceResult> CancelAsync(Guid id, string? reason, CancellationToken ct)
    {
        var (b, r, refused) = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        var manager = catalog.CanManage(r!.OrganizationId);
        if (!manager && !IsUserSide(b!))
        {
            return new ServiceResult.Forbidden();
        }
        if (b!.Status is not (BookingStatus.Pending or BookingStatus.Approved))
        {
            return new ServiceResult.Conflict(new Message("Booking.CannotCancel", b.Status));
        }
        if (reason is { Length: > 500 })
        {
            var e = new FieldErrors();
            e.Add("note", new Message("Booking.CancelReasonTooLong"));
            return new ServiceResult.Invalid(e);
        }
        var now = clock.GetUtcNow();
        if (!manager && b.StartAt <= now)
        {
            // After the start the user checks in or, failing that, is a no-show: a cancellation would dodge the no-show fee.
            return new ServiceResult.Conflict(new Message("Booking.CancelAfterStart"));
        }
        var rules = await RulesAsync(r.Id, ct);
        var late = IsUserSide(b) && b.Status == BookingStatus.Approved && now > b.StartAt.AddHours(-rules.CancelDeadlineHours);
        b.Status = BookingStatus.Cancelled;
        b.CancelledAt = now;
        b.DecisionNote = string.IsNullOrWhiteSpace(reason) ? b.DecisionNote : reason.Trim();
        b.FeeFen = late && rules.LateCancelFeeFen > 0 ? rules.LateCancelFeeFen : null;
        b.Version++;
        if (!IsUserSide(b))
        {
            await NotifyUserAsync(b, new Message("Booking.Mail.CancelledSubject", r.Name),
                Mail(new Message("Booking.Mail.Cancelled", r.Name, Slot(b))) + (reason is null ? "" : "\n" + Mail(new Message("Booking.Mail.CancelReason", reason))), ct);
        }
        // The audit detail is the record's own text, kept in the platform's language like the rest of the chain.
        return await SaveAsync("booking.cancel", b, $"{r.Name} {Slot(b)}{(b.FeeFen is { } f ? $" 逾期取消费 {f / 100m:0.00} 元" : "")}", ct);
    }

    public async Task<ServiceResult> CheckInAsync(Guid id, CancellationToken ct)
    {
        var (b, r, refused) = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!catalog.CanManage(r!.OrganizationId) && !IsUserSide(b!))
        {
            return new ServiceResult.Forbidden();
        }
        var now = clock.GetUtcNow();
        if (b!.Status != BookingStatus.Approved)
        {
            return new ServiceResult.Conflict(new Message("Booking.CheckInNotApproved", b.Status));
        }
        if (now < b.StartAt.AddMinutes(-CheckInEarlyMinutes) || now >= b.EndAt)
        {
            return new ServiceResult.RuleBroken("checkInWindow", new Message("Booking.CheckInWindow", CheckInEarlyMinutes, Slot(b)));
        }
        b.Status = BookingStatus.InUse;
        b.CheckedInAt = now;
        b.Version++;
        return await SaveAsync(null, b, "", ct);
    }

    public async Task<ServiceResult> CheckOutAsync(Guid id, CancellationToken ct)
    {
        var (b, r, refused) = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!catalog.CanManage(r!.OrganizationId) && !IsUserSide(b!))
        {
            return new ServiceResult.Forbidden();
        }
        if (b!.Status != BookingStatus.InUse)
        {
            return new ServiceResult.Conflict(new Message("Booking.CheckOutNotInUse", b.Status));
        }
        usage.Add(CheckOut(b, r.OrganizationId, await catalog.FeesAsync(r.Id, ct), clock.GetUtcNow()));
        return await SaveAsync(null, b, "", ct);
    }

    /// <summary>Saves a state change (refused as a conflict when someone changed the booking meanwhile) and its audit row, together.</summary>
    private async Task<ServiceResult> SaveAsync(string? action, InstrumentBooking b, string detail, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(new Message("Booking.ChangedMeanwhile"));
        }
        catch (DbUpdateException e) when (IsOverlap(e))
        {
            return new ServiceResult.Conflict(new Message("Booking.SlotHeld"));
        }
        if (action is not null)
        {
            await audit.RecordAsync(action, $"booking:{b.Id}", detail: detail, ct: ct);
        }
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>
    /// Completes a booking checked out at <paramref name="at"/> (its use counted from check-in, or from the booked start)
    /// and returns the use for the usage log (<see cref="UsageLog"/>), with the fee at the hourly price of the
    /// instrument's <paramref name="fees"/> for the user type; <paramref name="ownerOrganizationId"/> is the instrument's
    /// organisation now. Also how the demo history is made.
    /// </summary>
    public static UsageEntry CheckOut(InstrumentBooking b, Guid ownerOrganizationId, IEnumerable<FeeRef> fees, DateTimeOffset at)
    {
        var started = b.CheckedInAt ?? b.StartAt;
        var minutes = Math.Max(1, (int)Math.Ceiling((at - started).TotalMinutes));
        var fee = BookingRulesCheck.PriceFen(fees, b.UserType, minutes) ?? 0;
        b.Status = BookingStatus.Completed;
        b.CheckedOutAt = at;
        b.FeeFen = fee;
        b.Version++;
        return new UsageEntry(b.Id, null, b.ResourceId, ownerOrganizationId, b.UserId, b.UserOrganizationId, b.UserType, started, at, minutes, fee);
    }
}

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
            return new ServiceResult.Conflict($"该预约当前为“{StatusLabel(b.Status)}”，只有待审核的预约可以审批。");
        }
        note = note?.Trim();
        if (note is { Length: > 500 })
        {
            var e = new FieldErrors();
            e.Add("note", "审批意见最多 500 个字。");
            return new ServiceResult.Invalid(e);
        }
        if (!approve && string.IsNullOrEmpty(note))
        {
            var e = new FieldErrors();
            e.Add("note", "不予通过时请说明理由，申请人会收到。");
            return new ServiceResult.Invalid(e);
        }
        var now = clock.GetUtcNow();
        if (approve)
        {
            // What may have changed since the request: time has passed, a blackout or a training expiry came in, and
            // (on SQLite with a stale check, or after a rules change) another active booking took the time.
            if (b.StartAt <= now)
            {
                return new ServiceResult.RuleBroken("past", "预约时段已经开始，不能再批准；请驳回或由申请人重新预约。");
            }
            if (RefuseResource(r) is { } unavailable)
            {
                return unavailable; // retired or under maintenance since the request
            }
            var rules = await RulesAsync(r.Id, ct);
            if (!rules.Allows(b.UserType))
            {
                return new ServiceResult.RuleBroken("userTypes", $"该仪器的预约规则已不再接受{BookingRulesCheck.UserTypeLabel(b.UserType)}用户，请驳回并说明原因。");
            }
            if (r.SharingStatus == SharingStatus.InternalOnly && b.UserType != FeeUserType.Internal)
            {
                return new ServiceResult.RuleBroken("sharingStatus", "该仪器已改为仅供本单位内部使用，不能批准外单位的预约。");
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
                return new ServiceResult.Conflict("该时段已有已批准的预约，不能重复批准。");
            }
        }
        b.Status = approve ? BookingStatus.Approved : BookingStatus.Rejected;
        b.DecidedBy = me.Id;
        b.DecidedAt = now;
        b.DecisionNote = string.IsNullOrEmpty(note) ? null : note;
        b.Version++;
        await NotifyUserAsync(b, r, approve ? "预约已批准" : "预约未通过",
            approve ? $"您预约的 {r.Name}（{Slot(b)}）已批准。请按时到场签到，逾时 15 分钟未签到将视为爽约。" + (b.DecisionNote is null ? "" : $"\n管理员留言：{b.DecisionNote}")
                : $"您预约的 {r.Name}（{Slot(b)}）未通过审核。\n理由：{b.DecisionNote}", ct);
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
            return new ServiceResult.Conflict($"该预约当前为“{StatusLabel(b.Status)}”，不能取消。");
        }
        if (reason is { Length: > 500 })
        {
            var e = new FieldErrors();
            e.Add("note", "取消原因最多 500 个字。");
            return new ServiceResult.Invalid(e);
        }
        var now = clock.GetUtcNow();
        if (!manager && b.StartAt <= now)
        {
            // After the start the user checks in or, failing that, is a no-show: a cancellation would dodge the no-show fee.
            return new ServiceResult.Conflict("预约时段已经开始，不能再取消；如无法到场，请联系仪器管理员。");
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
            await NotifyUserAsync(b, r, "预约已被管理员取消", $"您预约的 {r.Name}（{Slot(b)}）已被仪器管理员取消。" + (reason is null ? "" : $"\n原因：{reason}"), ct);
        }
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
            return new ServiceResult.Conflict($"该预约当前为“{StatusLabel(b.Status)}”，只有已批准的预约可以签到。");
        }
        if (now < b.StartAt.AddMinutes(-CheckInEarlyMinutes) || now >= b.EndAt)
        {
            return new ServiceResult.RuleBroken("checkInWindow", $"签到时间为预约开始前 {CheckInEarlyMinutes} 分钟至预约结束（{Slot(b)}）。");
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
            return new ServiceResult.Conflict($"该预约当前为“{StatusLabel(b.Status)}”，只有使用中的预约可以签退。");
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
            return new ServiceResult.Conflict("该预约刚刚被他人处理，请刷新后查看。");
        }
        catch (DbUpdateException e) when (IsOverlap(e))
        {
            return new ServiceResult.Conflict("该时段已被其他有效预约占用。");
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
        var fee = BookingRulesCheck.HourlyPriceFen(fees, b.UserType) is { } hourly ? BookingRulesCheck.Fee(hourly, minutes) : 0;
        b.Status = BookingStatus.Completed;
        b.CheckedOutAt = at;
        b.FeeFen = fee;
        b.Version++;
        return new UsageEntry(b.Id, null, b.ResourceId, ownerOrganizationId, b.UserId, b.UserOrganizationId, b.UserType, started, at, minutes, fee);
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>No-shows (缺席) and the removal they lead to.</summary>
public sealed partial class ReviewScores
{
    /// <summary>
    /// Marks an accepted member who did not take part, or takes the mark back. One mark per seat: marking the same seat
    /// again changes nothing and counts nothing. An unexplained mark adds one to <see cref="Expert.NoShowCount"/>, taking it
    /// back (or explaining it) subtracts one; at the second unexplained no-show the expert is removed from the pool in the
    /// same transaction, audited, and told through the outbox. Taking a mark back does not restore a removed expert: that
    /// is the region's decision (reinstating is not a transition the pool allows after removal).
    /// </summary>
    public async Task<ServiceResult> MarkNoShowAsync(Guid activityId, Guid seatId, NoShowInput input, CancellationToken ct)
    {
        var (a, seat, refused) = await StartedSeatAsync(activityId, seatId, ct);
        if (refused is not null)
        {
            return refused;
        }
        var absent = input.Absent ?? true;
        var explained = absent && input.Explained == true;
        var reason = input.Reason?.Trim();
        var errors = new FieldErrors();
        if (explained && string.IsNullOrEmpty(reason))
        {
            errors.Add("reason", new Message("Experts.ReasonRequired", ExpertRules.MaxReasonLength));
        }
        if (reason is { Length: > ExpertRules.MaxReasonLength })
        {
            errors.Add("reason", new Message("Experts.TooLong", ExpertRules.MaxReasonLength));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        reason = string.IsNullOrEmpty(reason) ? null : reason;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var mark = await db.Set<ReviewNoShow>().FirstOrDefaultAsync(n => n.SeatId == seat!.Id, ct);
        if (mark is null ? !absent : absent && mark.Explained == explained && mark.Reason == reason)
        {
            return new ServiceResult.Ok();
        }
        var delta = (absent && !explained ? 1 : 0) - (mark is { Explained: false } ? 1 : 0);
        if (!absent)
        {
            db.Remove(mark!);
        }
        else
        {
            if (mark is null)
            {
                mark = new ReviewNoShow { Id = Guid.CreateVersion7(), ActivityId = a!.Id, SeatId = seat!.Id, ExpertId = seat.ExpertId };
                db.Add(mark);
            }
            mark.Explained = explained;
            mark.Reason = reason;
            mark.MarkedBy = me.Id!.Value;
            mark.MarkedAt = clock.GetUtcNow();
        }
        await db.SaveChangesAsync(ct);
        var expertId = seat!.ExpertId;
        if (delta != 0)
        {
            // Set-based, so two marks at once on two activities both count.
            await db.Set<Expert>().Where(e => e.Id == expertId)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.NoShowCount, e => e.NoShowCount + delta < 0 ? 0 : e.NoShowCount + delta), ct);
        }
        await audit.RecordAsync("review.no-show", $"expert:{expertId}",
            detail: $"review {a!.Id}, seat {seat.Id}: " + (!absent ? "mark taken back" : explained ? $"explained ({reason})" : "unexplained"), ct: ct);
        if (delta > 0)
        {
            await RemoveAfterNoShowsAsync(expertId, ct);
        }
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>
    /// 重庆市科技专家库管理办法 (渝科局发〔2023〕68号): an expert absent without explanation from two review activities is
    /// removed from the pool. Only the first writer to see the second no-show removes (and tells) the expert.
    /// </summary>
    private async Task RemoveAfterNoShowsAsync(Guid expertId, CancellationToken ct)
    {
        // Loaded and saved (not a set-based update): the removal takes the expert out of the search index in the same save.
        // The count was just raised by this transaction's update, which holds the row until it commits.
        var e = await db.Set<Expert>().FirstAsync(x => x.Id == expertId, ct);
        if (e.NoShowCount < NoShowsForRemoval || e.Status == ExpertStatus.Removed)
        {
            return;
        }
        var now = clock.GetUtcNow();
        var reason = Messages.Translate(new Message("ReviewScores.RemovedForNoShows", NoShowsForRemoval), PlatformSetup.Cultures[0]);
        e.Status = ExpertStatus.Removed;
        e.StatusReason = reason;
        e.StatusChangedAt = now;
        e.UpdatedAt = now;
        e.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("expert.remove", $"expert:{expertId}", detail: $"two unexplained no-shows: {reason}", ct: ct);
        await invitations.NotifyAsync(expertId, "ReviewScores.Mail.RemovedSubject", "ReviewScores.Mail.RemovedBody", [NoShowsForRemoval], ct);
    }
}

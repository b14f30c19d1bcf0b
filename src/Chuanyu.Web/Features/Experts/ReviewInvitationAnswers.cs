using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>The invited expert's side: their own invitations (never the other members) and the answer to each.</summary>
public sealed partial class ReviewDraws
{
    /// <summary>The caller's invitations as an expert: seats they were invited to (alternates in reserve are not told).</summary>
    public async Task<IReadOnlyList<InvitationDto>> MineAsync(CancellationToken ct)
    {
        var expertId = await MyExpertIdAsync(ct);
        if (expertId is null)
        {
            return [];
        }
        return await (from s in db.Set<ReviewSeat>().AsNoTracking()
                      join a in db.Set<ReviewActivity>() on s.ActivityId equals a.Id
                      where s.ExpertId == expertId && s.Status != SeatStatus.Reserve
                      orderby a.ReviewStartsAt descending
                      select new InvitationDto(s.Id, a.Id, a.Title, a.Kind, a.RegionCode, s.Status, a.ReviewStartsAt, a.ReviewEndsAt, s.AnswerBy ?? a.ResponseDeadline,
                          s.ResponseNote, s.Version)).ToListAsync(ct);
    }

    private async Task<Guid?> MyExpertIdAsync(CancellationToken ct) =>
        me.Id is { } user ? await db.Set<Expert>().Where(e => e.UserId == user).Select(e => (Guid?)e.Id).FirstOrDefaultAsync(ct) : null;

    /// <summary>
    /// Accept, decline with a reason, or declare a conflict of interest (招标投标法实施条例 第四十六条: 应当主动回避) — only the
    /// invited expert, before the deadline. A decline or conflict calls the next alternate that fits, or a new committed draw.
    /// Someone else's seat answers 404, as if it did not exist.
    /// </summary>
    public async Task<ServiceResult> AnswerAsync(Guid seatId, InvitationAnswerInput input, CancellationToken ct)
    {
        var expertId = await MyExpertIdAsync(ct);
        var seat = expertId is null ? null : await db.Set<ReviewSeat>().FirstOrDefaultAsync(s => s.Id == seatId && s.ExpertId == expertId, ct);
        if (seat is null || seat.Status == SeatStatus.Reserve)
        {
            return new ServiceResult.NotFound();
        }
        var a = await db.Set<ReviewActivity>().FirstAsync(x => x.Id == seat.ActivityId, ct);
        var errors = new FieldErrors();
        if (input.Answer is not { } answer || !Enum.IsDefined(answer))
        {
            errors.Add("answer", new Message("Reviews.AnswerRequired"));
            answer = InvitationAnswer.Accept;
        }
        var reason = input.Reason?.Trim();
        if (answer != InvitationAnswer.Accept && string.IsNullOrEmpty(reason))
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
        if (input.Version is { } v && v != seat.Version)
        {
            return new ServiceResult.Conflict(new Message("Experts.ChangedMeanwhile"));
        }
        var now = clock.GetUtcNow();
        if (seat.Status != SeatStatus.Invited || a.Status != ReviewActivityStatus.Drawn)
        {
            return new ServiceResult.Conflict(new Message("Reviews.AlreadyAnswered"));
        }
        if (now > seat.AnswerBy)
        {
            return new ServiceResult.RuleBroken("deadlinePassed", new Message("Reviews.DeadlinePassed"));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        seat.Status = answer switch
        {
            InvitationAnswer.Accept => SeatStatus.Accepted,
            InvitationAnswer.Decline => SeatStatus.Declined,
            _ => SeatStatus.ConflictDeclared,
        };
        seat.ResponseNote = string.IsNullOrEmpty(reason) ? null : reason;
        seat.RespondedAt = now;
        seat.Version++;
        if (answer == InvitationAnswer.DeclareConflict)
        {
            db.Add(new ReviewExclusion
            {
                Id = Guid.CreateVersion7(),
                ActivityId = a.Id,
                ExpertId = seat.ExpertId,
                Source = ExclusionSource.ExpertDeclared,
                Reason = reason!,
                CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("review.invitation.answer", $"review:{a.Id}", detail: $"seat {seat.Id}: {seat.Status}", ct: ct);
        if (answer != InvitationAnswer.Accept)
        {
            await ReplaceAsync(a, seat, ct);
        }
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>An accepted panel member as the administrators rate them: the rating given (1–5) and the no-show mark, if any.</summary>
public sealed record PanelMemberDto(Guid SeatId, Guid ExpertId, string ExpertName, SeatRole Role, int? Rating, string? RatingNote, bool NoShow, bool? Explained,
    string? NoShowReason);

/// <summary>A rating of a member's work: 5 优秀, 4 良好, 3 合格, 2 较差, 1 差; a note is optional.</summary>
public sealed record PerformanceRatingInput(int? Rating, string? Note);

/// <summary>
/// A no-show mark: <c>Absent</c> false takes the mark back; explained (with the reason) it does not count, unexplained it
/// counts towards the expert's no-shows.
/// </summary>
public sealed record NoShowInput(bool? Absent, bool? Explained, string? Reason);

/// <summary>The administrators' side after the review starts: rating each member's work, and marking no-shows.</summary>
public sealed partial class ReviewScores
{
    public const int MinRating = 1;
    public const int MaxRating = 5;

    /// <summary>Removal after this many unexplained no-shows (重庆市科技专家库管理办法, 渝科局发〔2023〕68号: 无故两次缺席评审活动的, 予以除名).</summary>
    public const int NoShowsForRemoval = 2;

    /// <summary>Whether an activity's review has started, so that its members may be rated and marked absent.</summary>
    public bool HasStarted(ReviewActivityStatus status, DateTimeOffset startsAt) =>
        status is ReviewActivityStatus.Drawn or ReviewActivityStatus.Closed && clock.GetUtcNow() >= startsAt;

    /// <summary>The accepted members with their ratings and marks; empty while the list is sealed for the caller.</summary>
    public async Task<IReadOnlyList<PanelMemberDto>?> MembersAsync(Guid activityId, CancellationToken ct)
    {
        if (await activities.ManagedAsync(activityId, ct) is not { } a)
        {
            return null;
        }
        if (a.OwnerId != me.Id && clock.GetUtcNow() < a.ReviewStartsAt)
        {
            return [];
        }
        return await (from s in db.Set<ReviewSeat>().AsNoTracking()
                      join e in db.Set<Expert>() on s.ExpertId equals e.Id
                      join r in db.Set<ReviewRating>() on s.Id equals r.SeatId into rs
                      from r in rs.DefaultIfEmpty()
                      join n in db.Set<ReviewNoShow>() on s.Id equals n.SeatId into ns
                      from n in ns.DefaultIfEmpty()
                      where s.ActivityId == a.Id && s.Status == SeatStatus.Accepted
                      orderby s.Position
                      select new PanelMemberDto(s.Id, s.ExpertId, e.Name, s.Role, r == null ? null : r.Rating, r == null ? null : r.Note, n != null,
                          n == null ? null : n.Explained, n == null ? null : n.Reason)).ToListAsync(ct);
    }

    /// <summary>An accepted seat of an activity the caller administers, once its review has started (else the refusal).</summary>
    private async Task<(ReviewActivity? Activity, ReviewSeat? Seat, ServiceResult? Refused)> StartedSeatAsync(Guid activityId, Guid seatId, CancellationToken ct)
    {
        var a = await activities.ManagedAsync(activityId, ct);
        var seat = a is null ? null
            : await db.Set<ReviewSeat>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == seatId && s.ActivityId == a.Id && s.Status == SeatStatus.Accepted, ct);
        if (a is null || seat is null)
        {
            return (null, null, new ServiceResult.NotFound());
        }
        if (!HasStarted(a.Status, a.ReviewStartsAt))
        {
            return (null, null, new ServiceResult.RuleBroken("reviewNotStarted", new Message("ReviewScores.NotStarted")));
        }
        return (a, seat, null);
    }

    /// <summary>Rates an accepted member's work (专家履职评价), 1–5 with an optional note; rating again replaces it. Audited.</summary>
    public async Task<ServiceResult> RateAsync(Guid activityId, Guid seatId, PerformanceRatingInput input, CancellationToken ct)
    {
        var (a, seat, refused) = await StartedSeatAsync(activityId, seatId, ct);
        if (refused is not null)
        {
            return refused;
        }
        var errors = new FieldErrors();
        if (input.Rating is not (>= MinRating and <= MaxRating))
        {
            errors.Add("rating", new Message("ReviewScores.RatingRange", MinRating, MaxRating));
        }
        var note = input.Note?.Trim();
        if (note is { Length: > ExpertRules.MaxReasonLength })
        {
            errors.Add("note", new Message("Experts.TooLong", ExpertRules.MaxReasonLength));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        var rating = await db.Set<ReviewRating>().FirstOrDefaultAsync(r => r.SeatId == seat!.Id, ct);
        if (rating is null)
        {
            rating = new ReviewRating { Id = Guid.CreateVersion7(), ActivityId = a!.Id, SeatId = seat!.Id, ExpertId = seat.ExpertId };
            db.Add(rating);
        }
        rating.Rating = input.Rating!.Value;
        rating.Note = string.IsNullOrEmpty(note) ? null : note;
        rating.RatedBy = me.Id!.Value;
        rating.RatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("review.rating", $"expert:{seat!.ExpertId}", detail: $"review {a!.Id}, seat {seat.Id}: {rating.Rating}", ct: ct);
        return new ServiceResult.Ok();
    }

    /// <summary>The performance score of each expert (the mean of all their ratings), for the administrators' views; absent: not rated.</summary>
    internal static async Task<Dictionary<Guid, double>> PerformanceAsync(Microsoft.EntityFrameworkCore.DbContext db, IReadOnlyCollection<Guid> expertIds,
        CancellationToken ct)
    {
        var rows = await db.Set<ReviewRating>().AsNoTracking().Where(r => expertIds.Contains(r.ExpertId)).GroupBy(r => r.ExpertId)
            .Select(g => new { g.Key, Sum = g.Sum(r => r.Rating), Count = g.Count() }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, r => Math.Round((double)r.Sum / r.Count, 2, MidpointRounding.AwayFromZero));
    }
}

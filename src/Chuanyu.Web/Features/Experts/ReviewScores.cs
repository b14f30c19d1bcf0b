using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

public sealed record ReviewCriterionDto(int Position, string Name, int MaxScore, decimal Weight);

/// <summary>An activity's criteria; <c>Implied</c>: none defined, so the one implied criterion (综合评价, 100, weight 1) applies.</summary>
public sealed record ReviewCriteriaDto(IReadOnlyList<ReviewCriterionDto> Criteria, bool Implied, bool Editable, int Version);

public sealed record ReviewCriterionInput(string? Name, int? MaxScore, decimal? Weight);

/// <summary>The whole list of criteria (replaces the previous one; empty: the implied criterion), with the activity's version as read.</summary>
public sealed record ReviewCriteriaInput(IReadOnlyList<ReviewCriterionInput>? Criteria, int? Version);

/// <summary>One item as the scoring member sees it, with what they entered so far.</summary>
public sealed record ItemScoreDto(Guid ItemId, int Position, string Title, string ApplicantName, IReadOnlyList<int>? Scores, double? Total, string? Comment,
    bool ConflictDeclared, int Version);

/// <summary>A panel member's score sheet: the criteria, whether scoring is open now, and each item.</summary>
public sealed record ScoreSheetDto(Guid SeatId, Guid ActivityId, string ActivityTitle, IReadOnlyList<ReviewCriterionDto> Criteria, bool Open,
    DateTimeOffset OpensAt, DateTimeOffset ClosesAt, IReadOnlyList<ItemScoreDto> Items);

/// <summary>A member's scores for one item, one per criterion in order; or a conflict declared on the item instead.</summary>
public sealed record ItemScoreInput(IReadOnlyList<int?>? Scores, string? Comment, bool? ConflictDeclared, int? Version);

/// <summary>One item's results; <c>Conflicts</c>: members who declared a conflict on it (their scores do not count).</summary>
public sealed record ItemResultDto(Guid ItemId, int Position, string Title, int? Rank, int Count, double? Mean, double? TrimmedMean, double? Min, double? Max,
    double? StandardDeviation, int Conflicts);

/// <summary>The results of an activity; sealed (no items) for the region's other administrators until it is closed.</summary>
public sealed record ReviewResultsDto(Guid ActivityId, string Title, bool Sealed, int TrimFrom, IReadOnlyList<ItemResultDto> Items);

/// <summary>
/// Scoring by criteria (issue 16, point 5): the activity's criteria, set while it is a draft; each accepted panel
/// member's scores and comments during the review window; the aggregation per item and its ranking for the activity's
/// administrators. Experts see only their own scores.
/// </summary>
public sealed partial class ReviewScores(AppDbContext db, CurrentUser me, ReviewActivities activities, OrganizationDirectory organizations, AuditLog audit,
    TimeProvider clock, ExpertInvitations invitations)
{
    // ---- criteria ----

    private async Task<List<CriterionSpec>> CriteriaOfAsync(Guid activityId, CancellationToken ct) => OrImplied(await StoredCriteriaAsync(activityId, ct));

    private Task<List<CriterionSpec>> StoredCriteriaAsync(Guid activityId, CancellationToken ct) =>
        db.Set<ReviewCriterion>().AsNoTracking().Where(c => c.ActivityId == activityId).OrderBy(c => c.Position)
            .Select(c => new CriterionSpec(c.Position, c.Name, c.MaxScore, c.Weight)).ToListAsync(ct);

    /// <summary>The activity's criteria, or the implied one when it defines none.</summary>
    private static List<CriterionSpec> OrImplied(List<CriterionSpec> stored) =>
        stored.Count > 0 ? stored : [ReviewScoreMath.ImpliedCriterion with { Name = new Message(ReviewScoreMath.ImpliedCriterionName).ToString() }];

    private static List<ReviewCriterionDto> Dtos(IEnumerable<CriterionSpec> specs) => specs.Select(c => new ReviewCriterionDto(c.Position, c.Name, c.MaxScore, c.Weight)).ToList();

    public async Task<ReviewCriteriaDto?> CriteriaAsync(Guid activityId, CancellationToken ct)
    {
        if (await activities.ManagedAsync(activityId, ct) is not { } a)
        {
            return null;
        }
        var stored = await StoredCriteriaAsync(activityId, ct);
        return new ReviewCriteriaDto(Dtos(OrImplied(stored)), stored.Count == 0, a.Status == ReviewActivityStatus.Draft, a.Version);
    }

    /// <summary>Replaces the criteria of a draft: each a name (≤ 100), an integer maximum 1–100 and a weight above 0.</summary>
    public async Task<ServiceResult> SetCriteriaAsync(Guid activityId, ReviewCriteriaInput input, CancellationToken ct)
    {
        if (await activities.ManagedAsync(activityId, ct, track: true) is not { } a)
        {
            return new ServiceResult.NotFound();
        }
        if (a.Status != ReviewActivityStatus.Draft)
        {
            return new ServiceResult.Conflict(new Message("Reviews.NotDraft"));
        }
        var list = input.Criteria ?? [];
        var errors = new FieldErrors();
        if (list.Count > ReviewScoreMath.MaxCriteria)
        {
            errors.Add("criteria", new Message("ReviewScores.TooManyCriteria", ReviewScoreMath.MaxCriteria));
        }
        for (var n = 0; n < list.Count; n++)
        {
            var c = list[n];
            if (c.Name?.Trim() is not { Length: > 0 and <= ReviewScoreMath.MaxCriterionNameLength })
            {
                errors.Add($"criteria[{n}].name", new Message("ReviewScores.CriterionNameRequired", ReviewScoreMath.MaxCriterionNameLength));
            }
            if (c.MaxScore is not (>= 1 and <= 100))
            {
                errors.Add($"criteria[{n}].maxScore", new Message("ReviewScores.MaxScoreRange"));
            }
            if (c.Weight is not > 0m || c.Weight > 1000m)
            {
                errors.Add($"criteria[{n}].weight", new Message("ReviewScores.WeightPositive"));
            }
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        if (input.Version is { } v && v != a.Version)
        {
            return new ServiceResult.Conflict(new Message("Experts.ChangedMeanwhile"));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<ReviewCriterion>().Where(c => c.ActivityId == activityId).ExecuteDeleteAsync(ct);
        db.AddRange(list.Select((c, n) => new ReviewCriterion
        {
            Id = Guid.CreateVersion7(),
            ActivityId = activityId,
            Position = n + 1,
            Name = c.Name?.Trim()!,
            MaxScore = c.MaxScore!.Value,
            Weight = c.Weight!.Value,
        }));
        a.Version++;
        a.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("review.criteria", $"review:{a.Id}",
            detail: string.Join("; ", list.Select(c => $"{c.Name?.Trim()} max {c.MaxScore} weight {c.Weight}")), ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    // ---- the member's scores ----

    private async Task<(ReviewSeat Seat, ReviewActivity Activity)?> MyAcceptedSeatAsync(Guid seatId, CancellationToken ct)
    {
        if (me.Id is not { } user)
        {
            return null;
        }
        var row = await (from s in db.Set<ReviewSeat>().AsNoTracking()
                         join e in db.Set<Expert>() on s.ExpertId equals e.Id
                         join a in db.Set<ReviewActivity>() on s.ActivityId equals a.Id
                         where s.Id == seatId && e.UserId == user && s.Status == SeatStatus.Accepted
                         select new { s, a }).FirstOrDefaultAsync(ct);
        return row is null ? null : (row.s, row.a);
    }

    private bool ScoringOpen(ReviewActivity a) =>
        a.Status == ReviewActivityStatus.Drawn && clock.GetUtcNow() is var now && now >= a.ReviewStartsAt && now < a.ReviewEndsAt;

    /// <summary>The caller's score sheet for one of their accepted seats; anyone else's seat (or a seat not accepted) is null.</summary>
    public async Task<ScoreSheetDto?> SheetAsync(Guid seatId, CancellationToken ct)
    {
        if (await MyAcceptedSeatAsync(seatId, ct) is not var (seat, a))
        {
            return null;
        }
        var items = await db.Set<ReviewItem>().AsNoTracking().Where(i => i.ActivityId == a.Id).OrderBy(i => i.Position).ToListAsync(ct);
        var sheets = await db.Set<ReviewScoreSheet>().AsNoTracking().Where(s => s.SeatId == seat.Id).ToDictionaryAsync(s => s.ItemId, ct);
        var names = await organizations.NamesAsync(items.Select(i => i.ApplicantOrganizationId), ct);
        return new ScoreSheetDto(seat.Id, a.Id, a.Title, Dtos(await CriteriaOfAsync(a.Id, ct)), ScoringOpen(a), a.ReviewStartsAt, a.ReviewEndsAt,
            items.Select(i => sheets.GetValueOrDefault(i.Id) is { } s
                ? new ItemScoreDto(i.Id, i.Position, i.Title, names.GetValueOrDefault(i.ApplicantOrganizationId, ""),
                    s.ConflictDeclared ? null : ReviewScoreMath.Split(s.Scores), s.Total, s.Comment, s.ConflictDeclared, s.Version)
                : new ItemScoreDto(i.Id, i.Position, i.Title, names.GetValueOrDefault(i.ApplicantOrganizationId, ""), null, null, null, false, 0)).ToList());
    }

    /// <summary>
    /// Scores one item (an integer 0..max per criterion; a comment required when the total is below 60 or above 90), or
    /// declares a conflict on it — only the seat's accepted expert, only inside the review window; revisable until it ends.
    /// </summary>
    public async Task<ServiceResult> ScoreAsync(Guid seatId, Guid itemId, ItemScoreInput input, CancellationToken ct)
    {
        if (await MyAcceptedSeatAsync(seatId, ct) is not var (seat, a)
            || !await db.Set<ReviewItem>().AnyAsync(i => i.Id == itemId && i.ActivityId == a.Id, ct))
        {
            return new ServiceResult.NotFound();
        }
        if (await db.Set<ReviewNoShow>().AnyAsync(n => n.SeatId == seat.Id, ct))
        {
            // Marked absent by the administrator: an absent member's scores do not count, so none are taken.
            return new ServiceResult.RuleBroken("noShow", new Message("ReviewScores.MarkedAbsent"));
        }
        var criteria = await CriteriaOfAsync(a.Id, ct);
        var conflict = input.ConflictDeclared == true;
        var comment = input.Comment?.Trim();
        var errors = new FieldErrors();
        var scores = new List<int>();
        if (!conflict)
        {
            var given = input.Scores ?? [];
            for (var n = 0; n < criteria.Count; n++)
            {
                var s = n < given.Count ? given[n] : null;
                if (s is not { } value || value < 0 || value > criteria[n].MaxScore)
                {
                    errors.Add($"scores[{n}]", new Message("ReviewScores.ScoreRange", criteria[n].Name, criteria[n].MaxScore));
                    continue;
                }
                scores.Add(value);
            }
            if (given.Count > criteria.Count)
            {
                errors.Add("scores", new Message("ReviewScores.OneScorePerCriterion", criteria.Count));
            }
        }
        double? total = conflict || errors.Count > 0 ? null : ReviewScoreMath.Total(criteria, scores);
        if (comment is { Length: > ReviewScoreMath.MaxCommentLength })
        {
            errors.Add("comment", new Message("Experts.TooLong", ReviewScoreMath.MaxCommentLength));
        }
        else if (total is { } t && ReviewScoreMath.NeedsComment(t) && string.IsNullOrEmpty(comment))
        {
            errors.Add("comment", new Message("ReviewScores.CommentRequired", ReviewScoreMath.CommentBelow, ReviewScoreMath.CommentAbove));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        if (!ScoringOpen(a))
        {
            return new ServiceResult.RuleBroken("scoringClosed", new Message("ReviewScores.NotInWindow", Display.Range(a.ReviewStartsAt, a.ReviewEndsAt)));
        }
        var sheet = await db.Set<ReviewScoreSheet>().FirstOrDefaultAsync(s => s.SeatId == seat.Id && s.ItemId == itemId, ct);
        if (input.Version is { } v && v != (sheet?.Version ?? 0))
        {
            return new ServiceResult.Conflict(new Message("Experts.ChangedMeanwhile"));
        }
        if (sheet is null)
        {
            sheet = new ReviewScoreSheet { Id = Guid.CreateVersion7(), ActivityId = a.Id, SeatId = seat.Id, ItemId = itemId };
            db.Add(sheet);
        }
        sheet.Scores = conflict ? "" : ReviewScoreMath.Join(scores);
        sheet.Total = total;
        sheet.Comment = string.IsNullOrEmpty(comment) ? null : comment;
        sheet.ConflictDeclared = conflict;
        sheet.UpdatedAt = clock.GetUtcNow();
        sheet.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("review.score", $"review:{a.Id}", detail: $"seat {seat.Id}, item {itemId}: " + (conflict ? "conflict declared" : $"total {total:0.##}"), ct: ct);
        return new ServiceResult.Ok();
    }
}

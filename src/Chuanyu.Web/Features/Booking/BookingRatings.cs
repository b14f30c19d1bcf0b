using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

public sealed record RatingInput(int? Score, string? Comment);

public sealed record RatingDto(int Score, string? Comment, string UserName, DateTimeOffset CreatedAt);

/// <summary>An instrument's ratings: the average of all (null when none), their count, and the latest page.</summary>
public sealed record RatingSummary(double? Average, int Count, IReadOnlyList<RatingDto> Latest);

/// <summary>Ratings of completed bookings: the user rates once; anyone sees an instrument's average and latest ratings.</summary>
public sealed partial class BookingService
{
    /// <summary>The user's rating of a completed booking: once, 1–5, with an optional comment.</summary>
    public async Task<ServiceResult> RateAsync(Guid id, RatingInput input, CancellationToken ct)
    {
        var (b, r, refused) = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!IsUserSide(b!))
        {
            return new ServiceResult.Forbidden();
        }
        var e = new FieldErrors();
        if (input.Score is not (>= 1 and <= 5))
        {
            e.Add("score", new Message("Booking.ScoreRange"));
        }
        var comment = input.Comment?.Trim();
        if (comment is { Length: > 500 })
        {
            e.Add("comment", new Message("Booking.CommentTooLong"));
        }
        if (e.Count > 0)
        {
            return new ServiceResult.Invalid(e);
        }
        if (b!.Status != BookingStatus.Completed)
        {
            return new ServiceResult.Conflict(new Message("Booking.RateAfterUse"));
        }
        if (await db.Set<BookingRating>().AnyAsync(x => x.BookingId == b.Id, ct))
        {
            return new ServiceResult.Conflict(new Message("Booking.AlreadyRated"));
        }
        db.Add(new BookingRating
        {
            Id = Guid.CreateVersion7(),
            BookingId = b.Id,
            ResourceId = r!.Id,
            UserId = b.UserId,
            Score = input.Score!.Value,
            Comment = string.IsNullOrEmpty(comment) ? null : comment,
            CreatedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new ServiceResult.Conflict(new Message("Booking.AlreadyRated")); // a second request raced on the unique booking id
        }
        return new ServiceResult.Ok();
    }

    /// <summary>The ratings of an instrument anyone may see: average, count and the latest ten with the rater's name masked.</summary>
    public async Task<RatingSummary?> RatingsAsync(Guid instrumentId, CancellationToken ct)
    {
        var r = await catalog.FindAsync(instrumentId, ct);
        if (r is null || !catalog.CanSee(r))
        {
            return null;
        }
        var ratings = db.Set<BookingRating>().AsNoTracking().Where(x => x.ResourceId == instrumentId);
        var count = await ratings.CountAsync(ct);
        var average = count == 0 ? (double?)null : Math.Round(await ratings.AverageAsync(x => (double)x.Score, ct), 1);
        var people = users.Users();
        var latest = await (from x in ratings
                            orderby x.CreatedAt descending, x.Id descending // ids are time-ordered (v7): ties in a clock tick keep their order
                            select new { x.Score, x.Comment, Name = people.Where(u => u.Id == x.UserId).Select(u => u.DisplayName).FirstOrDefault(), x.CreatedAt })
            .Take(10).ToListAsync(ct);
        return new RatingSummary(average, count, latest.Select(x => new RatingDto(x.Score, x.Comment, Masking.Name(x.Name), x.CreatedAt)).ToList());
    }
}

using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// Scoring, results, ratings and no-shows over HTTP: under <c>/api/v1/review-activities/{id}</c> for the activity's
/// administrators, under <c>/api/v1/experts/me/invitations/{seatId}/scores</c> for the accepted panel member.
/// </summary>
public static class ReviewScoresApi
{
    public const string ResultsXlsxEndpoint = "ExportReviewResults";

    public static void Map(RouteGroupBuilder reviews, RouteGroupBuilder experts)
    {
        reviews.MapGet("/{id:guid}/criteria", async (Guid id, ReviewScores scores, CancellationToken ct) =>
                await scores.CriteriaAsync(id, ct) is { } c ? Results.Ok(c) : Results.NotFound())
            .WithSummary("The activity's criteria (none defined: one implied criterion, max 100, weight 1).");
        reviews.MapPut("/{id:guid}/criteria", async (Guid id, ReviewCriteriaInput input, ReviewScores scores, CancellationToken ct) =>
                ApiResults.ToHttp(await scores.SetCriteriaAsync(id, input, ct)))
            .WithSummary("Replace the criteria of a draft: name (≤ 100), integer max 1–100, weight > 0; the activity's version as read.");
        reviews.MapGet("/{id:guid}/results", async (Guid id, ReviewScores scores, CancellationToken ct) =>
                await scores.ResultsAsync(id, ct) is { } r ? Results.Ok(r) : Results.NotFound())
            .WithSummary("Per item: count, mean, trimmed mean (from 5 totals on), min, max, standard deviation, rank. Sealed for all but the owner until closed.");
        reviews.MapGet("/{id:guid}/results.xlsx", async (Guid id, ReviewScores scores, CancellationToken ct) =>
            {
                var (file, result) = await scores.ExportAsync(id, ct);
                return file is null ? ApiResults.ToHttp(result) : Results.File(file, XlsxStream.ContentType, $"review-results-{id:N}.xlsx");
            })
            .WithName(ResultsXlsxEndpoint).WithSummary("The results as .xlsx, in rank order.")
            .Produces(StatusCodes.Status200OK, contentType: XlsxStream.ContentType);
        reviews.MapGet("/{id:guid}/members", async (Guid id, ReviewScores scores, CancellationToken ct) =>
                await scores.MembersAsync(id, ct) is { } m ? Results.Ok(m) : Results.NotFound())
            .WithSummary("The accepted panel members with their performance ratings and no-show marks (empty while sealed for the caller).");
        reviews.MapPut("/{id:guid}/seats/{seatId:guid}/rating", async (Guid id, Guid seatId, PerformanceRatingInput input, ReviewScores scores, CancellationToken ct) =>
                ApiResults.ToHttp(await scores.RateAsync(id, seatId, input, ct)))
            .WithSummary("Rate an accepted member's work after the review starts: 5 excellent … 1 poor, optional note.");
        reviews.MapPut("/{id:guid}/seats/{seatId:guid}/no-show", async (Guid id, Guid seatId, NoShowInput input, ReviewScores scores, CancellationToken ct) =>
                ApiResults.ToHttp(await scores.MarkNoShowAsync(id, seatId, input, ct)))
            .WithSummary("Mark an accepted member absent (explained with a reason, or unexplained: counts; the second removes the expert), or take the mark back.");

        experts.MapGet("/me/invitations/{seatId:guid}/scores", async (Guid seatId, ReviewScores scores, CancellationToken ct) =>
                await scores.SheetAsync(seatId, ct) is { } s ? Results.Ok(s) : Results.NotFound())
            .WithSummary("The caller's score sheet for an accepted seat: criteria, items, their own scores.");
        experts.MapPut("/me/invitations/{seatId:guid}/scores/{itemId:guid}", async (Guid seatId, Guid itemId, ItemScoreInput input, ReviewScores scores,
                CancellationToken ct) => ApiResults.ToHttp(await scores.ScoreAsync(seatId, itemId, input, ct)))
            .WithSummary("Score one item (an integer 0..max per criterion, a comment when the total is below 60 or above 90) or declare a conflict on it, during the review window.");
    }
}

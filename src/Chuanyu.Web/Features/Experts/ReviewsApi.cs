using System.ComponentModel;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// Review activities, their draws and the invitations (issue 16, points 2–5): <c>/api/v1/review-activities</c> for the
/// region's administrators, <c>/api/v1/review-draws</c> for anyone who checks a draw, <c>/api/v1/experts/me/…</c> for
/// the invited expert.
/// </summary>
public static class ReviewsApi
{
    public const string ActivityEndpoint = "GetReviewActivity";
    public const string DrawRecordEndpoint = "GetReviewDrawRecord";

    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder experts)
    {
        var reviews = app.MapGroup("/api/v1/review-activities").WithTags("Review activities").RequireAuthorization(Policies.AnyRegionAdmin);
        reviews.MapGet("/", async (ReviewActivities service, ReviewActivityStatus? status, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20,
                CancellationToken ct = default) => Paging.Check(page, pageSize) ?? Results.Ok(await service.ListAsync(status, page, pageSize, ct)))
            .WithSummary("The review activities of the regions the caller administers.");
        reviews.MapPost("/", async (ReviewActivityInput input, ReviewActivities service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await service.CreateAsync(input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, ActivityEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("Create a review activity (draft): kind, panel size and alternates, senior share, experts from the other region, disciplines, window, answer deadline.");
        reviews.MapGet("/{id:guid}", async (Guid id, ReviewActivities service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } a ? Results.Ok(a) : Results.NotFound())
            .WithName(ActivityEndpoint).WithSummary("One activity of the caller's region.");
        reviews.MapPut("/{id:guid}", async (Guid id, ReviewActivityInput input, ReviewActivities service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.UpdateAsync(id, input, ct)))
            .WithSummary("Edit a draft activity (version as read).");
        reviews.MapPost("/{id:guid}/cancel", async (Guid id, ReasonInput input, ReviewDraws service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.CancelAsync(id, input.Reason, ct)))
            .WithSummary("Cancel an activity before its review starts, with a reason; a drawn one has its seeds revealed and its invited members told.");

        reviews.MapGet("/{id:guid}/items", async (Guid id, ReviewActivities service, CancellationToken ct) =>
                await service.ItemsAsync(id, ct) is { } items ? Results.Ok(items) : Results.NotFound())
            .WithSummary("The items under review with their applicants and named persons (names only).");
        reviews.MapPost("/{id:guid}/items", async (Guid id, ReviewItemInput input, ReviewActivities service, CancellationToken ct) =>
                ApiResults.Respond(await service.AddItemAsync(id, input, ct)))
            .WithSummary("Add an item: title, applicant organisation, named persons (name and ID number; only its blind index is kept).");
        reviews.MapDelete("/{id:guid}/items/{itemId:guid}", async (Guid id, Guid itemId, ReviewActivities service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.RemoveItemAsync(id, itemId, ct)))
            .WithSummary("Remove an item of a draft activity.");
        reviews.MapGet("/{id:guid}/exclusions", async (Guid id, ReviewActivities service, CancellationToken ct) =>
                await service.ExclusionsAsync(id, ct) is { } x ? Results.Ok(x) : Results.NotFound())
            .WithSummary("Experts excluded on request (applicants: at most three per item; the administrator; conflicts declared by invited experts).");
        reviews.MapPost("/{id:guid}/exclusions", async (Guid id, ReviewExclusionInput input, ReviewActivities service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.AddExclusionAsync(id, input, ct)))
            .WithSummary("Exclude an expert on request, with a reason (before the draw).");
        reviews.MapDelete("/{id:guid}/exclusions/{exclusionId:guid}", async (Guid id, Guid exclusionId, ReviewActivities service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.RemoveExclusionAsync(id, exclusionId, ct)))
            .WithSummary("Take back an exclusion (before the draw).");

        reviews.MapPost("/{id:guid}/draw", async (Guid id, ReviewDraws draws, CancellationToken ct) => ApiResults.ToHttp(await draws.DrawAsync(id, ct)))
            .WithSummary("Draw the panel: freeze the candidate list, commit to a seed (both hashes audited), draw, invite. The activity's owner only.");
        reviews.MapGet("/{id:guid}/panel", async (Guid id, ReviewDraws draws, CancellationToken ct) =>
                await draws.PanelAsync(id, ct) is { } p ? Results.Ok(p) : Results.NotFound())
            .WithSummary("The draws and, unless sealed, the seats: until the review opens only the owner sees the names.");
        reviews.MapPost("/{id:guid}/close", async (Guid id, ReviewDraws draws, CancellationToken ct) => ApiResults.ToHttp(await draws.CloseAsync(id, ct)))
            .WithSummary("Close the activity after its review window and reveal the seeds.");

        ReviewScoresApi.Map(reviews, experts);

        var published = app.MapGroup("/api/v1/review-draws").WithTags("Review activities").AllowAnonymous();
        published.MapGet("/{id:guid}", async (Guid id, DrawAudit audit, CancellationToken ct) =>
                await audit.PublicAsync(id, ct) is { } d ? Results.Ok(d) : Results.NotFound())
            .WithSummary("What anyone may check of an activity's draws: commitments and list hashes from the draw on; seeds, lists and panels once revealed, with the verification.");
        published.MapGet("/{id:guid}/{sequence:int}/record", async (Guid id, int sequence, DrawAudit audit, CancellationToken ct) =>
                await audit.RecordJsonAsync(id, sequence, ct) is { } json ? Results.Text(json, "application/json") : Results.NotFound())
            .WithName(DrawRecordEndpoint).WithSummary("The revealed draw record (JSON, docs/expert-draws.md) for verify-draw or tools/verify_draw.py.");

        experts.MapGet("/me/invitations", async (ReviewDraws draws, CancellationToken ct) => Results.Ok(await draws.MineAsync(ct)))
            .WithSummary("The caller's review invitations as an expert (only their own seats).");
        experts.MapPost("/me/invitations/{seatId:guid}/answer", async (Guid seatId, InvitationAnswerInput input, ReviewDraws draws, CancellationToken ct) =>
                ApiResults.ToHttp(await draws.AnswerAsync(seatId, input, ct)))
            .WithSummary("Accept, decline (reason) or declare a conflict of interest (reason) before the deadline.");
        experts.MapGet("/me/relations", async (ExpertPool pool, CancellationToken ct) =>
                await pool.RelationsAsync(null, ct) is { } r ? Results.Ok(r) : Results.NotFound())
            .WithSummary("The relations the caller declared as an expert (former employers, collaborations, kin …): the draws avoid them.");
        experts.MapPost("/me/relations", async (ExpertRelationInput input, ExpertPool pool, CancellationToken ct) =>
                ApiResults.Respond(await pool.AddRelationAsync(null, input, ct)))
            .WithSummary("Declare a relation to an organisation or a person.");
        experts.MapDelete("/me/relations/{relationId:guid}", async (Guid relationId, ExpertPool pool, CancellationToken ct) =>
                ApiResults.ToHttp(await pool.RemoveRelationAsync(null, relationId, ct)))
            .WithSummary("Take back a declared relation.");
        experts.MapGet("/{id:guid}/relations", async (Guid id, ExpertPool pool, CancellationToken ct) =>
                await pool.RelationsAsync(id, ct) is { } r ? Results.Ok(r) : Results.NotFound())
            .WithSummary("An expert's relations, for the region's administrators.");
        experts.MapPost("/{id:guid}/relations", async (Guid id, ExpertRelationInput input, ExpertPool pool, CancellationToken ct) =>
                ApiResults.Respond(await pool.AddRelationAsync(id, input, ct)))
            .WithSummary("Record a relation of an expert of the caller's region.");
        experts.MapDelete("/{id:guid}/relations/{relationId:guid}", async (Guid id, Guid relationId, ExpertPool pool, CancellationToken ct) =>
                ApiResults.ToHttp(await pool.RemoveRelationAsync(id, relationId, ct)))
            .WithSummary("Remove a relation of an expert of the caller's region.");
    }
}

/// <summary>A reason, as the cancel action takes it.</summary>
public sealed record ReasonInput(string? Reason);

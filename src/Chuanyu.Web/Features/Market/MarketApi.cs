using System.ComponentModel;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.Market;

/// <summary>The two lists of the technology market over HTTP (issue 17 points 1 and 2): public reads, the owner's writes, the organisation's review.</summary>
public static class MarketApi
{
    public const string AchievementEndpoint = "GetAchievement";
    public const string DemandEndpoint = "GetDemand";
    public const string AttachmentEndpoint = "GetAchievementAttachment";

    public static IServiceCollection AddMarket(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MarketOptions>(configuration.GetSection("Market"));
        services.AddScoped<MarketService>();
        services.AddScoped<MarketDirectory>();
        services.AddScoped<MarketExpiry>();
        services.AddScoped<MarketMatching>();
        services.AddScoped<MatchReactions>();
        services.AddHostedService<MarketExpiryService>();
        services.AddSearchSource<MarketSearchSource>();
        return services;
    }

    public static IEndpointRouteBuilder MapMarketApi(this IEndpointRouteBuilder app)
    {
        var achievements = app.MapGroup("/api/v1/achievements").WithTags("Research results").RequireAuthorization(Policies.SignedIn);
        achievements.MapGet("/", async ([AsParameters] MarketListArgs args, MarketService market, CancellationToken ct) =>
                Check(args) ?? Results.Ok(await market.ListAchievementsAsync(args.Query, args.Page, args.PageSize, ct)))
            .AllowAnonymous().WithSummary("Published, unexpired research results of both regions (or, with `status`, the caller's organisations' in that state); filters: region, discipline (GB/T 13745, a first-level discipline includes its children), industry (GB/T 4754: C or C38), minTrl, stage, mode, priceMin/priceMax (in units of 10,000 yuan), q; sort.");
        achievements.MapGet("/{id:guid}", async (Guid id, MarketService market, CancellationToken ct) =>
                await market.GetAchievementAsync(id, ct) is { } a ? Results.Ok(a) : ApiResults.ToHttp(new ServiceResult.NotFound()))
            .AllowAnonymous().WithName(AchievementEndpoint).WithSummary("One result: published ones for everyone, the others for the owner organisation only (else 404).");
        achievements.MapPost("/", async (AchievementInput input, MarketService market, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await market.CreateAchievementAsync(input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, AchievementEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("A member of an organisation writes a draft (patent numbers ZL + 12 digits + . + check character, checked).");
        achievements.MapPut("/{id:guid}", async (Guid id, AchievementInput input, MarketService market, CancellationToken ct) =>
                ApiResults.ToHttp(await market.UpdateAchievementAsync(id, input, ct)))
            .WithSummary("Edit a draft of the caller's organisation (`version` as read: 409 when changed meanwhile).");
        MapLifecycle<Achievement>(achievements);
        achievements.MapPost("/{id:guid}/attachments", UploadAsync)
            .DisableAntiforgery() // checked in Uploads.ReadFormAsync for cookie callers
            .WithMetadata(new RequestSizeLimitAttribute(MarketRules.MaxAttachmentBytes + (64 << 10)))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Add a file (multipart `file`: PDF, PNG or JPEG up to 10 MB) to a result of the caller's organisation.");
        achievements.MapGet("/{id:guid}/attachments/{attachmentId:guid}", async (Guid id, Guid attachmentId, MarketService market, HttpContext context, CancellationToken ct) =>
            {
                if (await market.AttachmentAsync(id, attachmentId, ct) is not { } file)
                {
                    return ApiResults.ToHttp(new ServiceResult.NotFound());
                }
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.File(file.Content, file.ContentType, file.FileName);
            })
            .AllowAnonymous().WithName(AttachmentEndpoint).WithSummary("A file of a result the caller may read.");

        var demands = app.MapGroup("/api/v1/demands").WithTags("Technology demands").RequireAuthorization(Policies.SignedIn);
        demands.MapGet("/", async ([AsParameters] MarketListArgs args, MarketService market, CancellationToken ct) =>
                Check(args) ?? Results.Ok(await market.ListDemandsAsync(args.Query, args.Page, args.PageSize, ct)))
            .AllowAnonymous().WithSummary("Published demands not past their deadline (public fields only; never the details), or with `status` the caller's own; the same filters as results (priceMin/priceMax filter the budget).");
        demands.MapGet("/{id:guid}", async (Guid id, MarketService market, CancellationToken ct) =>
                await market.GetDemandAsync(id, ct) is { } d ? Results.Ok(d) : ApiResults.ToHttp(new ServiceResult.NotFound()))
            .AllowAnonymous().WithName(DemandEndpoint).WithSummary("One demand; a confidential demand's `details` is null (`detailsWithheld`) unless the caller's organisation owns it or was granted access.");
        demands.MapPost("/", async (DemandInput input, MarketService market, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await market.CreateDemandAsync(input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, DemandEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("A member of an organisation writes a draft demand (deadline yyyy-MM-dd, in the future).");
        demands.MapPut("/{id:guid}", async (Guid id, DemandInput input, MarketService market, CancellationToken ct) =>
                ApiResults.ToHttp(await market.UpdateDemandAsync(id, input, ct)))
            .WithSummary("Edit a draft demand of the caller's organisation.");
        MapLifecycle<Demand>(demands);
        demands.MapPost("/{id:guid}/access-requests", async (Guid id, AccessRequestInput input, MarketService market, CancellationToken ct) =>
            {
                var (request, result) = await market.RequestAccessAsync(id, input, ct);
                return request is null ? ApiResults.ToHttp(result) : Results.Ok(request);
            })
            .WithSummary("The caller's organisation asks to read a confidential demand's details, with a message.");
        demands.MapGet("/{id:guid}/access-requests", async (Guid id, MarketService market, CancellationToken ct) =>
                await market.AccessRequestsAsync(id, ct) is { } list ? Results.Ok(list) : ApiResults.ToHttp(new ServiceResult.NotFound()))
            .WithSummary("The requests for a demand, for its owner organisation.");
        demands.MapPost("/{id:guid}/access-requests/{requestId:guid}/approve", async (Guid id, Guid requestId, MarketService market, CancellationToken ct) =>
                ApiResults.ToHttp(await market.DecideAccessAsync(id, requestId, true, ct)))
            .WithSummary("The owner organisation lets the requesting organisation read the details.");
        demands.MapPost("/{id:guid}/access-requests/{requestId:guid}/refuse", async (Guid id, Guid requestId, MarketService market, CancellationToken ct) =>
                ApiResults.ToHttp(await market.DecideAccessAsync(id, requestId, false, ct)))
            .WithSummary("The owner organisation refuses (or withdraws) access.");
        MapMatching(app, achievements, demands);
        return app;
    }

    /// <summary>Matching both ways, the demand's helpers, reactions and the owner's interest (docs/market.md, "Matching").</summary>
    private static void MapMatching(IEndpointRouteBuilder app, RouteGroupBuilder achievements, RouteGroupBuilder demands)
    {
        demands.MapGet("/{id:guid}/matches", async (Guid id, [AsParameters] MatchArgs args, MarketMatching matching, CancellationToken ct) =>
                ApiResults.Respond(await matching.ForDemandAsync(id, args.Query, ct)))
            .AllowAnonymous().WithSummary("Live results that could meet a live demand, best first, each with coded reasons (code, args, text); hard filters on field, TRL, mode and budget, then shared keywords; filters region, mode, maxPrice (in units of 10,000 yuan), minTrl; limit ≤ 50. The caller's organisations' dismissed results are left out, saved ones marked.");
        demands.MapGet("/{id:guid}/helpers", async (Guid id, MarketMatching matching, CancellationToken ct) =>
                await matching.HelpersAsync(id, ct) is { } helpers ? Results.Ok(helpers) : ApiResults.ToHttp(new ServiceResult.NotFound()))
            .AllowAnonymous().WithSummary("Experts (public fields) and catalogue instruments or services that could help with a live demand: at most five each.");
        achievements.MapGet("/{id:guid}/matches", async (Guid id, [AsParameters] MatchArgs args, MarketMatching matching, CancellationToken ct) =>
                ApiResults.Respond(await matching.ForAchievementAsync(id, args.Query, ct)))
            .AllowAnonymous().WithSummary("Live demands a live result could meet (public text only), best first, with coded reasons; filters region, mode, minBudget (in units of 10,000 yuan); limit ≤ 50.");
        achievements.MapGet("/{id:guid}/interest", async (Guid id, MatchReactions reactions, CancellationToken ct) =>
                await reactions.InterestAsync(MatchSide.Demand, id, ct) is { } interest ? Results.Ok(interest) : ApiResults.ToHttp(new ServiceResult.NotFound()))
            .WithSummary("For the result's owner organisation: interest shown from demands' match lists (organisation, message, date) and dismissals counted by reason.");
        demands.MapGet("/{id:guid}/interest", async (Guid id, MatchReactions reactions, CancellationToken ct) =>
                await reactions.InterestAsync(MatchSide.Achievement, id, ct) is { } interest ? Results.Ok(interest) : ApiResults.ToHttp(new ServiceResult.NotFound()))
            .WithSummary("For the demand's owner organisation: interest shown from results' match lists and dismissals counted by reason.");
        app.MapPost("/api/v1/match-reactions", async (MatchReactionInput input, MatchReactions reactions, CancellationToken ct) =>
                ApiResults.Respond(await reactions.ReactAsync(input, ct)))
            .WithTags("Technology demands").RequireAuthorization(Policies.SignedIn)
            .WithSummary("Save, dismiss (reason TooEarly, TooExpensive, NotOurField, AlreadyKnown, Other + message) or show interest (message ≤ 500) in a pair of live records, for one of the caller's organisations; never for its own record.");
    }

    private static void MapLifecycle<T>(RouteGroupBuilder group) where T : MarketRecord
    {
        group.MapPost("/{id:guid}/submit", async (Guid id, MarketService market, CancellationToken ct) => ApiResults.ToHttp(await market.SubmitAsync<T>(id, ct)))
            .WithSummary("Submit a draft for the organisation's review (a member).");
        group.MapPost("/{id:guid}/approve", async (Guid id, MarketService market, CancellationToken ct) => ApiResults.ToHttp(await market.ApproveAsync<T>(id, ct)))
            .WithSummary("Publish a submitted record (the organisation's administrator).");
        group.MapPost("/{id:guid}/reject", async (Guid id, ReviewInput input, MarketService market, CancellationToken ct) =>
                ApiResults.ToHttp(await market.RejectAsync<T>(id, input, ct)))
            .WithSummary("Send a submitted record back to draft with a note (the organisation's administrator).");
        group.MapPost("/{id:guid}/renew", async (Guid id, RenewInput input, MarketService market, CancellationToken ct) =>
                ApiResults.ToHttp(await market.RenewAsync<T>(id, input, ct)))
            .WithSummary("Publish an expired record again with a new expiry (a demand names its new deadline).");
        group.MapPost("/{id:guid}/close", async (Guid id, CloseInput input, MarketService market, CancellationToken ct) =>
                ApiResults.ToHttp(await market.CloseAsync<T>(id, input, ct)))
            .WithSummary("Close a record with a coded reason (final).");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem? Check(MarketListArgs args) =>
        Paging.Check(args.Page, args.PageSize) ?? (MarketService.QueryErrors(args.Query) is { Count: > 0 } errors ? ApiProblem.Validation(errors) : null);

    private static async Task<IResult> UploadAsync(Guid id, HttpRequest request, MarketService market, IAntiforgery antiforgery, CancellationToken ct)
    {
        var tooLarge = ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Market.AttachmentTooLarge",
            new Message("Market.AttachmentTooLarge", MarketRules.MaxAttachmentBytes >> 20), titleCode: "payloadTooLarge");
        var (form, refused) = await Uploads.ReadFormAsync(request, antiforgery, MarketRules.MaxAttachmentBytes + (64 << 10), tooLarge, ct);
        if (form is null)
        {
            return refused!;
        }
        if (form.Files.GetFile("file") is not { } file)
        {
            return Uploads.FileProblem(new Message("Market.FileMissing"));
        }
        await using var content = file.OpenReadStream();
        var (added, result) = await market.AddAttachmentAsync(id, file.FileName, content, file.Length, ct);
        return added is null ? ApiResults.ToHttp(result) : Results.Ok(added);
    }
}

/// <summary>The query string of a list.</summary>
public sealed record MarketListArgs(
    string? Region, string? Discipline, string? Industry, int? MinTrl, MaturityStage? Stage, TransferModes? Mode,
    decimal? PriceMin, decimal? PriceMax, string? Q, MarketStatus? Status, MarketSort? Sort,
    [property: DefaultValue(1)] int Page = 1, [property: DefaultValue(20)] int PageSize = 20)
{
    public MarketQuery Query => new(Region, Discipline, Industry, MinTrl, Stage, Mode, PriceMin, PriceMax, Q, Status, Sort ?? MarketSort.Newest);
}

/// <summary>The query string of a match list (money in in units of 10,000 yuan).</summary>
public sealed record MatchArgs(string? Region, TransferModes? Mode, decimal? MaxPrice, decimal? MinBudget, int? MinTrl, int? Limit)
{
    public MatchQuery Query => new(Region, Mode, MaxPrice, MinBudget, MinTrl, Limit);
}

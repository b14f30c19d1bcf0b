using System.ComponentModel;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Experts;

/// <summary>The expert pool's profiles over HTTP (issue 16 part 1): public reads, the region's administration, the expert's own profile.</summary>
public static class ExpertsApi
{
    public const string ExpertEndpoint = "GetExpert";
    public const string ManagedExpertEndpoint = "GetManagedExpert";
    public const string MatchExpertsEndpoint = "MatchExperts";

    public static IServiceCollection AddExperts(this IServiceCollection services)
    {
        services.AddScoped<ExpertPool>();
        services.AddScoped<ExpertImport>();
        services.AddScoped<ExpertMatching>();
        services.AddScoped<ReviewActivities>();
        services.AddScoped<ReviewDraws>();
        services.AddScoped<ReviewScores>();
        services.AddScoped<ExpertInvitations>();
        services.AddScoped<DrawAudit>();
        services.AddHostedService<ReviewJobsService>();
        services.AddScoped<AssignmentRuns>();
        services.AddScoped<AssignmentResultFile>();
        services.AddHostedService<AssignmentJobsService>();
        services.AddScoped<ExpertExport>();
        services.AddSearchSource<ExpertSearchSource>();
        services.AddPlatformCommand<VerifyDrawCommand>();
        services.AddIntegrityRecords();
        return services;
    }

    public static IEndpointRouteBuilder MapExpertsApi(this IEndpointRouteBuilder app)
    {
        var experts = app.MapGroup("/api/v1/experts").WithTags("Experts").RequireAuthorization(Policies.SignedIn);
        experts.MapGet("/", async (ExpertPool pool, string? discipline, TitleLevel? title, ExpertCategory? category, string? region, string? q,
                ExpertSort? sort, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await pool.PublicListAsync(
                    new ExpertQuery(discipline, title, category, region, q, Sort: sort ?? ExpertSort.Name), page, pageSize, ct)))
            .AllowAnonymous().WithSummary("Active experts of both regions without personal data; filters: discipline (GB/T 13745 code), title, category, region, q.");
        experts.MapGet("/{id:guid}", async (Guid id, ExpertPool pool, CancellationToken ct) =>
                await pool.PublicGetAsync(id, ct) is { } e ? Results.Ok(e) : Results.NotFound())
            .AllowAnonymous().WithName(ExpertEndpoint).WithSummary("One active expert without personal data.");
        experts.MapGet("/disciplines", (string? parent) => Results.Ok(parent is null ? DisciplineCodes.TopLevel : DisciplineCodes.ChildrenOf(parent).ToList()))
            .AllowAnonymous().WithSummary("GB/T 13745-2009 discipline codes: the level-1 codes, or the level-2 codes under `parent`.");

        experts.MapGet("/managed", async (ExpertPool pool, string? discipline, TitleLevel? title, ExpertCategory? category, string? region, string? q,
                ExpertStatus? status, ExpertSort? sort, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await pool.ManagedListAsync(
                    new ExpertQuery(discipline, title, category, region, q, status, sort ?? ExpertSort.Name), page, pageSize, ct)))
            .WithSummary("The experts of the caller's regions (region administrators), every status, personal data masked.");
        experts.MapGet("/managed/{id:guid}", async (Guid id, ExpertPool pool, CancellationToken ct) =>
                await pool.ManagedGetAsync(id, ct) is { } e ? Results.Ok(e) : Results.NotFound())
            .WithName(ManagedExpertEndpoint).WithSummary("One expert of the caller's region, personal data masked.");
        experts.MapPost("/", async (ExpertInput input, ExpertPool pool, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await pool.CreateAsync(input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, ManagedExpertEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("A region administrator adds an expert to the region's pool (entry conditions of the Chongqing expert-pool rules checked).");
        experts.MapPut("/{id:guid}", async (Guid id, ExpertInput input, ExpertPool pool, CancellationToken ct) =>
                ApiResults.ToHttp(await pool.UpdateAsync(id, input, ct)))
            .WithSummary("Edit an expert of the caller's region (`version`: the one read); phone, email and idNumber left empty stay as stored.");
        experts.MapPost("/{id:guid}/suspend", async (Guid id, ExpertStatusInput input, ExpertPool pool, CancellationToken ct) =>
                ApiResults.ToHttp(await pool.SetStatusAsync(id, ExpertStatus.Suspended, input, ct)))
            .WithSummary("Suspend an active expert (reason required).");
        experts.MapPost("/{id:guid}/reinstate", async (Guid id, ExpertStatusInput? input, ExpertPool pool, CancellationToken ct) =>
                ApiResults.ToHttp(await pool.SetStatusAsync(id, ExpertStatus.Active, input ?? new ExpertStatusInput(null, null), ct)))
            .WithSummary("Reinstate a suspended expert.");
        experts.MapPost("/{id:guid}/remove", async (Guid id, ExpertStatusInput input, ExpertPool pool, CancellationToken ct) =>
                ApiResults.ToHttp(await pool.SetStatusAsync(id, ExpertStatus.Removed, input, ct)))
            .WithSummary("Remove an expert from the pool for good (reason required: on request, two unexplained no-shows, ...).");
        experts.MapGet("/{id:guid}/personal-data", async (Guid id, ExpertPool pool, CancellationToken ct) =>
                ApiResults.Respond(await pool.RevealAsync(id, "api", ct)))
            .WithSummary("The unmasked phone, e-mail and ID number: the expert's region administrators and the security administrator; every view audited (privacy.view).");

        experts.MapGet("/me", async (ExpertPool pool, CancellationToken ct) => await pool.MineAsync(ct) is { } e ? Results.Ok(e) : Results.NotFound())
            .WithSummary("The caller's own expert profile (the Expert role, linked to a profile), contact data masked.");
        experts.MapPut("/me", async (ExpertSelfInput input, ExpertPool pool, CancellationToken ct) => ApiResults.ToHttp(await pool.UpdateMineAsync(input, ct)))
            .WithSummary("The expert updates position, disciplines, fields, keywords, languages, availability, phone and e-mail (empty: unchanged).");

        experts.MapPost("/match", async (ExpertMatchRequest request, ExpertMatching matching, CancellationToken ct) =>
                ApiResults.Respond(await MatchAsync(matching, request, ct)))
            .WithName(MatchExpertsEndpoint)
            .WithSummary("Experts who can serve a technology demand: keywords taken from `text` (jieba TF-IDF), optional `discipline` (GB/T 13745, 3 or 5 digits) and `region`; ranked, each with its score and reasons (limit 1-50, default 10).");

        ExpertImportApi.Map(experts);
        ReviewsApi.Map(app, experts);
        AssignmentsApi.Map(app);
        app.MapIntegrityApi();
        return app;
    }

    private static async Task<(ExpertMatchResponse? Value, ServiceResult Result)> MatchAsync(ExpertMatching matching, ExpertMatchRequest request, CancellationToken ct)
    {
        var (result, outcome) = await matching.MatchAsync(request.Text, request.Discipline, request.Region, request.Limit, ct);
        return (result is null ? null : ExpertMatchResponse.Of(result), outcome);
    }
}

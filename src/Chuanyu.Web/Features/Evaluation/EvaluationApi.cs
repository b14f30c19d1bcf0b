using System.ComponentModel;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Evaluation;

/// <summary>The annual open-sharing evaluation (开放共享评价考核) over HTTP: the indicator scheme, runs, results and rankings.</summary>
public static class EvaluationApi
{
    /// <summary>Endpoint names (WithName): links and Location headers are generated from them, not typed.</summary>
    public const string RunEndpoint = "GetEvaluationRun";
    public const string InstrumentsXlsxEndpoint = "ExportEvaluationInstruments";

    public static IServiceCollection AddEvaluation(this IServiceCollection services, bool runInBackground)
    {
        services.AddScoped<EvaluationService>();
        services.AddScoped<EvaluationRunner>();
        services.AddPlatformCommand<EvaluateCommand>();
        if (runInBackground)
        {
            services.AddHostedService<EvaluationRunnerService>();
        }
        return services;
    }

    public static IEndpointRouteBuilder MapEvaluationApi(this IEndpointRouteBuilder app)
    {
        var evaluation = app.MapGroup("/api/v1/evaluation").WithTags("Evaluation").RequireAuthorization(Policies.SignedIn);
        evaluation.MapGet("/scheme", async (EvaluationService service, CancellationToken ct) => Results.Ok(await service.GetSchemeAsync(ct)))
            .WithSummary("The indicator scheme: indicators (code, weight, target), grade thresholds, and the indicators one may use.");
        evaluation.MapPut("/scheme", async (SchemeInput input, EvaluationService service, CancellationToken ct) =>
            {
                var (scheme, result) = await service.SetSchemeAsync(input, ct);
                return scheme is null ? ApiResults.ToHttp(result) : Results.Ok(scheme);
            })
            .WithSummary("Replace the scheme (platform administrator); weights add up to 100; 409 when `version` is stale.");
        evaluation.MapPost("/runs", async (EvaluationRunInput input, EvaluationService service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (run, result) = await service.StartAsync(input, ct);
                return run is null ? ApiResults.ToHttp(result) : Results.Accepted(links.EndpointPath(context, RunEndpoint, new { id = run.Id }), run);
            })
            .WithSummary("Evaluate a year (platform administrator): 202, computed in the background; poll the run for its progress.");
        evaluation.MapGet("/runs", async (EvaluationService service, CancellationToken ct) =>
                await service.ListRunsAsync(ct) is { } runs ? Results.Ok(runs) : Results.Forbid())
            .WithSummary("The latest runs.");
        evaluation.MapGet("/runs/{id:guid}", async (Guid id, EvaluationService service, CancellationToken ct) =>
                await service.GetRunAsync(id, ct) is { } run ? Results.Ok(run) : Results.NotFound())
            .WithName(RunEndpoint).WithSummary("One run with its status and progress (0–100).");
        evaluation.MapGet("/runs/{id:guid}/summary", async (Guid id, EvaluationService service, CancellationToken ct) =>
                ApiResults.Respond(await service.SummaryAsync(id, ct)))
            .WithSummary("Grades, regions and the score histogram within the caller's scope.");
        evaluation.MapGet("/runs/{id:guid}/instruments", async (Guid id, string? region, Guid? organizationId, EvaluationGrade? grade,
                EvaluationService service, [DefaultValue(EvaluationSort.Rank)] EvaluationSort sort = EvaluationSort.Rank,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? ApiResults.Respond(await service.InstrumentsAsync(id, region, organizationId, grade, sort, page, pageSize, ct)))
            .WithSummary("Instruments' results and ranking (region admins: their region; organisations: their own instruments).");
        evaluation.MapGet("/runs/{id:guid}/organizations", async (Guid id, string? region, EvaluationGrade? grade, EvaluationService service,
                [DefaultValue(EvaluationSort.Rank)] EvaluationSort sort = EvaluationSort.Rank,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? ApiResults.Respond(await service.OrganizationsAsync(id, region, grade, sort, page, pageSize, ct)))
            .WithSummary("Organisations' results and ranking.");
        evaluation.MapGet("/runs/{id:guid}/instruments.xlsx", async (Guid id, string? region, EvaluationService service, CancellationToken ct) =>
            {
                var (file, result) = await service.ExportInstrumentsAsync(id, region, ct);
                return file is null ? ApiResults.ToHttp(result)
                    : Results.File(file, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"evaluation-{id:N}.xlsx");
            })
            .WithName(InstrumentsXlsxEndpoint).WithSummary("The instruments' results as .xlsx (the caller's scope, rank order).");
        return app;
    }
}

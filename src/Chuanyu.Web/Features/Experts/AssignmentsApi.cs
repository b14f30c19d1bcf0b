using System.ComponentModel;
using System.Globalization;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.Experts;

/// <summary>A run with a page of its result (proposals in file order with their experts).</summary>
public sealed record AssignmentRunResponse(AssignmentRunDto Run, PagedList<AssignmentResultRow>? Results);

/// <summary>Bulk assignment over HTTP (<c>/api/v1/assignment-runs</c>): region administrators only; another region's run is 404.</summary>
public static class AssignmentsApi
{
    public const string RunEndpoint = "GetAssignmentRun";
    public const string ResultFileEndpoint = "GetAssignmentRunResultFile";
    public const string TemplateEndpoint = "GetAssignmentTemplate";

    public static void Map(IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/v1/assignment-runs").WithTags("Bulk assignment").RequireAuthorization(Policies.AnyRegionAdmin);
        runs.MapGet("/", async (AssignmentRuns service, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListAsync(page, pageSize, ct)))
            .WithSummary("The bulk assignment runs of the regions the caller administers, newest first.");
        runs.MapGet("/template", () => TypedResults.File(AssignmentRuns.Template(), XlsxStream.ContentType, "chuanyu-assignment-proposals.xlsx"))
            .WithName(TemplateEndpoint).WithSummary("The .xlsx template of the proposal columns (reference, name, applicant organisation, discipline codes, keywords), an example row and a sheet explaining them.");
        runs.MapPost("/", StartAsync)
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(AssignmentRuns.MaxFileBytes + (64 << 10)))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Start a bulk assignment: multipart 'file' (.xlsx of proposals) and perProposal, maxLoad, poolRegions (repeated), poolDisciplines, "
                + "randomized, maxPairProbability, optional region. 202 with the queued run; 422 lists every bad row (nothing stored).");
        runs.MapGet("/{id:guid}", async (Guid id, AssignmentRuns service, [DefaultValue(1)] int page = 1, [DefaultValue(50)] int pageSize = 50,
                CancellationToken ct = default) =>
            {
                if (Paging.Check(page, pageSize) is { } bad)
                {
                    return bad;
                }
                if (await service.GetAsync(id, ct) is not { } run)
                {
                    return Results.NotFound();
                }
                var results = run.Status == AssignmentRunStatus.Done ? await service.ResultAsync(id, page, pageSize, ct) : null;
                return Results.Ok(new AssignmentRunResponse(run, results));
            })
            .WithName(RunEndpoint).WithSummary("A run: status, progress, the figures (total affinity, greedy baseline, unfilled seats, time) and, once done, a page of proposals with their experts.");
        runs.MapGet("/{id:guid}/result.xlsx", async (Guid id, AssignmentRuns service, CancellationToken ct) =>
                await service.ResultXlsxAsync(id, ct) is { } file
                    ? Results.File(file, XlsxStream.ContentType, $"chuanyu-assignment-{id:N}.xlsx")
                    : Results.NotFound())
            .WithName(ResultFileEndpoint).WithSummary("The result of a finished run as .xlsx: one row per (proposal, expert) and per proposal's empty places, and a sheet of figures.");
    }

    private static async Task<IResult> StartAsync(HttpRequest request, AssignmentRuns service, ExpertPool pool, LinkGenerator links, CancellationToken ct)
    {
        if (pool.ManagedRegions.Count == 0)
        {
            return ApiResults.ToHttp(new ServiceResult.Forbidden());
        }
        var (form, file, refusal) = await ExpertImportApi.ReadUploadAsync(request, AssignmentRuns.MaxFileBytes, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var errors = new FieldErrors();
        int? Int(string field)
        {
            var text = form![field].ToString();
            if (text.Length == 0)
            {
                return null;
            }
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
            errors.Add(field, new Message("Assignments.NumberInvalid"));
            return null;
        }
        var perProposal = Int("perProposal");
        var maxLoad = Int("maxLoad");
        double? q = null;
        if (form!["maxPairProbability"].ToString() is { Length: > 0 } qText)
        {
            if (double.TryParse(qText, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                q = v;
            }
            else
            {
                errors.Add("maxPairProbability", new Message("Assignments.ProbabilityRange"));
            }
        }
        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }
        var randomized = form["randomized"].ToString() is "true" or "True" or "1" or "on";
        var options = new AssignmentOptions(perProposal, maxLoad, [.. form["poolRegions"].Select(r => r ?? "")], form["poolDisciplines"].ToString(),
            randomized, q, form["region"].ToString() is { Length: > 0 } region ? region : null);
        await using var content = file!.OpenReadStream();
        var (upload, refused) = await service.StartAsync(content, file.FileName, options, ct);
        if (upload is null)
        {
            return ApiResults.ToHttp(refused);
        }
        if (upload.FileProblem is { } problem)
        {
            return ApiProblem.Validation(ExpertImportApi.Field("file", problem));
        }
        if (upload.Run is not { } run)
        {
            return ExpertImportApi.RowErrors("Assignments.RowsFailed", new Message("Assignments.RowsFailed", upload.Errors.Count), upload.Errors, upload.Rows);
        }
        return Results.Accepted(links.EndpointPath(request.HttpContext, RunEndpoint, new { id = run.Id }), new AssignmentRunResponse(run, null));
    }
}

using System.ComponentModel;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.Booking;

/// <summary>Service orders (送样检测) and the annual open-sharing evaluation over HTTP.</summary>
public static class ServiceOrderApi
{
    public static IEndpointRouteBuilder MapServiceOrderApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/v1/service-orders").WithTags("Service orders").RequireAuthorization(Policies.SignedIn);
        orders.MapPost("/", async (ServiceOrderInput input, ServiceOrderService service, CancellationToken ct) =>
            {
                var (created, result) = await service.CreateAsync(input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created($"/api/v1/service-orders/{created.Id}", created);
            })
            .WithSummary("Order testing: serviceId (a testing service or an instrument), items (检测项目), samples [{name, quantity}], purpose; 201 with the order.");
        orders.MapGet("/{id:guid}", async (Guid id, ServiceOrderService service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } o ? Results.Ok(o) : Results.NotFound())
            .WithSummary("One order: for its customer, the provider's managers and the region's admins.");
        orders.MapGet("/managed", async (ServiceOrderService service, ServiceOrderStatus? status,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListManagedAsync(status, page, pageSize, ct)))
            .WithSummary("Orders for the services of the caller's organisations (status=Submitted: waiting for a quote).");
        orders.MapPost("/{id:guid}/quote", async (Guid id, QuoteInput input, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.QuoteAsync(id, input, ct))).WithSummary("Quote from the fee schedule (hours when it charges by the hour).");
        orders.MapPost("/{id:guid}/reject", async (Guid id, BookingNoteInput? input, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.RejectAsync(id, input?.Note, ct))).WithSummary("Refuse an order before the work starts; `note` is required.");
        orders.MapPost("/{id:guid}/accept", async (Guid id, int? version, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.AcceptAsync(id, version, ct))).WithSummary("The customer accepts the quote (`version`: the quote seen).");
        orders.MapPost("/{id:guid}/cancel", async (Guid id, BookingNoteInput? input, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.CancelAsync(id, input?.Note, ct))).WithSummary("The customer cancels before the work starts.");
        orders.MapPost("/{id:guid}/start", async (Guid id, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.StartAsync(id, ct))).WithSummary("The samples arrived; the work begins.");
        orders.MapPost("/{id:guid}/report", UploadReportAsync)
            .DisableAntiforgery() // checked in Uploads.ReadFormAsync for cookie callers
            .WithMetadata(new RequestSizeLimitAttribute(ServiceOrderService.MaxReportRequestBytes))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Upload the report (multipart: file = PDF up to 20 MB, machineMinutes = machine time the work took).");
        orders.MapGet("/{id:guid}/report", async (Guid id, ServiceOrderService service, HttpContext context, CancellationToken ct) =>
            {
                var report = await service.ReportAsync(id, ct);
                if (report is null)
                {
                    return Results.NotFound();
                }
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.CacheControl = "private, no-store";
                return Results.File(report.Content, "application/pdf", report.FileName);
            })
            .WithSummary("The report (PDF) for whoever may see the order.");
        orders.MapPost("/{id:guid}/complete", async (Guid id, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.CompleteAsync(id, ct))).WithSummary("The customer accepts the report: completed, machine time and fee recorded.");

        app.MapGet("/api/v1/me/service-orders", async (ServiceOrderService service, ServiceOrderStatus? status,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListMineAsync(status, page, pageSize, ct)))
            .RequireAuthorization(Policies.SignedIn).WithTags("Service orders").WithSummary("The caller's orders, latest first.");

        var evaluation = app.MapGroup("/api/v1/evaluation").WithTags("Evaluation").RequireAuthorization(Policies.SignedIn);
        evaluation.MapGet("/scheme", async (EvaluationService service, CancellationToken ct) => Results.Ok(await service.GetSchemeAsync(ct)))
            .WithSummary("The indicator scheme: indicators (code, weight, target), grade thresholds, and the indicators one may use.");
        evaluation.MapPut("/scheme", async (SchemeInput input, EvaluationService service, CancellationToken ct) =>
            {
                var (scheme, result) = await service.SetSchemeAsync(input, ct);
                return scheme is null ? ApiResults.ToHttp(result) : Results.Ok(scheme);
            })
            .WithSummary("Replace the scheme (platform administrator); weights add up to 100; 409 when `version` is stale.");
        evaluation.MapPost("/runs", async (EvaluationRunInput input, EvaluationService service, CancellationToken ct) =>
            {
                var (run, result) = await service.StartAsync(input, ct);
                return run is null ? ApiResults.ToHttp(result) : Results.Accepted($"/api/v1/evaluation/runs/{run.Id}", run);
            })
            .WithSummary("Evaluate a year (platform administrator): 202, computed in the background; poll the run for its progress.");
        evaluation.MapGet("/runs", async (EvaluationService service, CancellationToken ct) =>
                await service.ListRunsAsync(ct) is { } runs ? Results.Ok(runs) : Results.Forbid())
            .WithSummary("The latest runs.");
        evaluation.MapGet("/runs/{id:guid}", async (Guid id, EvaluationService service, CancellationToken ct) =>
                await service.GetRunAsync(id, ct) is { } run ? Results.Ok(run) : Results.NotFound())
            .WithSummary("One run with its status and progress (0–100).");
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
            .WithSummary("The instruments' results as .xlsx (the caller's scope, rank order).");

        var achievements = app.MapGroup("/api/v1/instruments/{id:guid}/achievements").WithTags("Evaluation").RequireAuthorization(Policies.SignedIn);
        achievements.MapGet("/", async (Guid id, int? year, AchievementService service, CancellationToken ct) =>
                ApiResults.Respond(await service.ListAsync(id, year, ct)))
            .WithSummary("Results and function developments registered for the instrument (its managers and the region's admins).");
        achievements.MapPost("/", async (Guid id, AchievementInput input, AchievementService service, CancellationToken ct) =>
            {
                var (created, result) = await service.AddAsync(id, input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created($"/api/v1/instruments/{id}/achievements/{created.Id}", created);
            })
            .WithSummary("Register a result (Paper, Patent, Award, Project, Standard) or a FunctionDevelopment.");
        achievements.MapDelete("/{achievementId:guid}", async (Guid id, Guid achievementId, AchievementService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.RemoveAsync(id, achievementId, ct)));
        return app;
    }

    private static async Task<IResult> UploadReportAsync(Guid id, HttpRequest request, ServiceOrderService service, IAntiforgery antiforgery, CancellationToken ct)
    {
        var tooLarge = Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "文件过大",
            detail: $"检测报告不能超过 {ServiceOrderService.MaxReportBytes / 1024 / 1024} MB。");
        var (form, refused) = await Uploads.ReadFormAsync(request, antiforgery, ServiceOrderService.MaxReportRequestBytes, tooLarge, ct);
        if (form is null)
        {
            return refused!;
        }
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return Uploads.FileProblem("请选择检测报告（PDF，字段名 file）。");
        }
        int? minutes = int.TryParse(form["machineMinutes"], out var m) ? m : null;
        await using var content = file.OpenReadStream();
        return ApiResults.ToHttp(await service.ReportAsync(id, file.FileName, content, file.Length, minutes, ct));
    }
}

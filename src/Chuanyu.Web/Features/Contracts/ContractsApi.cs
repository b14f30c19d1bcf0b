using System.ComponentModel;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>Technology contract registration over HTTP (issue 17 point 6): the region's registrations, and the public statistics.</summary>
public static class ContractsApi
{
    public const string ContractEndpoint = "GetTechContract";
    public const string FileEndpoint = "GetTechContractFile";
    public const string StatisticsXlsxEndpoint = "GetTechContractStatisticsXlsx";

    public static IServiceCollection AddContracts(this IServiceCollection services)
    {
        services.AddScoped<TechContracts>();
        services.AddScoped<ContractStatistics>();
        services.AddScoped<ContractsDirectory>();
        services.AddScoped<ContractExport>();
        services.AddPlatformCommand<ContractStatsCommand>();
        return services;
    }

    public static IEndpointRouteBuilder MapContractsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/tech-contracts").WithTags("TechContracts").RequireAuthorization(Policies.SignedIn);
        g.MapGet("/", async (TechContracts contracts, string? q, ContractType? type, TechContractStatus? status, int? year, string? region, TechContractSort? sort,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await contracts.ListAsync(new TechContractQuery(q, type, status, year, region, sort ?? TechContractSort.Registered), page, pageSize, ct)))
            .WithSummary("The contracts the caller may read: registered in or bought into a region they administer, or with their organisation as a party.");
        g.MapGet("/{id:guid}", async (Guid id, TechContracts contracts, CancellationToken ct) =>
                await contracts.GetAsync(id, ct) is { } c ? Results.Ok(c) : Results.NotFound())
            .WithName(ContractEndpoint).WithSummary("One contract, for the administrators of the seller's and the buyer's region and the parties' organisations (others: 404).");
        g.MapPost("/", async (TechContractInput input, TechContracts contracts, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await contracts.RegisterAsync(input, null, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, ContractEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("An administrator of the seller's region registers a contract (amounts in fen; transaction amount at most the contract amount; registration number YYPPCCOONNNNNN).");
        g.MapPut("/{id:guid}", async (Guid id, TechContractInput input, TechContracts contracts, CancellationToken ct) =>
                ApiResults.ToHttp(await contracts.CorrectAsync(id, input, ct)))
            .WithSummary("Correct a registration of the caller's region (every field; `version` as read). Audited.");
        g.MapPost("/{id:guid}/revoke", async (Guid id, TechContractRevokeInput input, TechContracts contracts, CancellationToken ct) =>
                ApiResults.ToHttp(await contracts.RevokeAsync(id, input, ct)))
            .WithSummary("Revoke a registration (`reason` required, `version` as read): it leaves every figure. Audited.");
        g.MapPost("/{id:guid}/file", UploadAsync)
            .DisableAntiforgery() // checked in Uploads.ReadFormAsync for cookie callers
            .WithMetadata(new RequestSizeLimitAttribute(ContractRules.MaxFileRequestBytes))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Attach or replace the contract file (multipart `file`: PDF, checked by its first bytes, up to 20 MB).");
        g.MapGet("/{id:guid}/file", async (Guid id, TechContracts contracts, HttpContext context, CancellationToken ct) =>
            {
                var (name, content, result) = await contracts.FileAsync(id, ct);
                if (content is null)
                {
                    return ApiResults.ToHttp(result);
                }
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.CacheControl = "private, no-store";
                return Results.File(content, "application/pdf", name);
            })
            .WithName(FileEndpoint).WithSummary("The contract file (PDF), for the contract's readers; every download audited.");

        g.MapGet("/statistics", async (ContractStatistics statistics, int? fromYear, int? toYear, string? region, ContractType? type, CancellationToken ct) =>
                ApiResults.Respond(await statistics.GetAsync(new ContractStatsQuery(fromYear, toYear, region, type), ct)))
            .AllowAnonymous()
            .WithSummary("Aggregates only (no party): registered contracts by type, field, seller type, year and month, and the flows (outflow, inflow) of both regions; amounts in fen.");
        g.MapGet("/statistics.xlsx", async (ContractStatistics statistics, ContractExport export, int? fromYear, int? toYear, string? region, ContractType? type,
                TimeProvider clock, CancellationToken ct) =>
            {
                var (s, result) = await statistics.GetAsync(new ContractStatsQuery(fromYear, toYear, region, type), ct);
                if (s is null)
                {
                    return ApiResults.ToHttp(result);
                }
                var stamp = clock.GetUtcNow().ToOffset(Display.ChinaStandardTime).ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
                return Results.File(await export.WriteStatisticsAsync(s), XlsxStream.ContentType, $"chuanyu-tech-contract-statistics-{stamp}.xlsx");
            })
            .AllowAnonymous().WithName(StatisticsXlsxEndpoint).WithSummary("The same statistics as an Excel workbook, one sheet per breakdown (amounts in yuan).");
        return app;
    }

    private static async Task<IResult> UploadAsync(Guid id, HttpRequest request, TechContracts contracts, IAntiforgery antiforgery, CancellationToken ct)
    {
        var tooLarge = ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Contracts.FileTooLarge",
            new Message("Contracts.FileTooLarge", ContractRules.MaxFileBytes >> 20), titleCode: "payloadTooLarge");
        var (form, refused) = await Uploads.ReadFormAsync(request, antiforgery, ContractRules.MaxFileRequestBytes, tooLarge, ct);
        if (form is null)
        {
            return refused!;
        }
        if (form.Files.GetFile("file") is not { } file)
        {
            return Uploads.FileProblem(new Message("Contracts.FileMissing"));
        }
        await using var content = file.OpenReadStream();
        return ApiResults.ToHttp(await contracts.AttachFileAsync(id, new UploadedFile(file.FileName, content, file.Length), ct));
    }
}

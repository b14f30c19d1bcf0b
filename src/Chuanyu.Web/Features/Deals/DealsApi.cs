using System.ComponentModel;
using Chuanyu.Web.Features.Contracts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.Deals;

/// <summary>Technology managers and their deals over HTTP (issue 17 point 4).</summary>
public static class DealsApi
{
    public const string DealEndpoint = "GetDeal";
    public const string DocumentEndpoint = "GetDealDocument";
    public const string ExportEndpoint = "GetMyDealsXlsx";
    public const string MyProfileEndpoint = "GetMyTechManagerProfile";

    public static IServiceCollection AddDeals(this IServiceCollection services)
    {
        services.AddScoped<TechManagers>();
        services.AddScoped<DealPipeline>();
        services.AddScoped<DealExport>();
        return services;
    }

    public static IEndpointRouteBuilder MapDealsApi(this IEndpointRouteBuilder app)
    {
        var m = app.MapGroup("/api/v1/tech-managers").WithTags("TechManagers").RequireAuthorization(Policies.SignedIn);
        m.MapGet("/", async (TechManagers managers, string? region, string? discipline, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20,
                CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await managers.ApprovedAsync(region, discipline, page, pageSize, ct)))
            .AllowAnonymous().WithSummary("Approved technology managers: name, organisation, region, level and fields (no personal data).");
        m.MapGet("/me", async (TechManagers managers, CancellationToken ct) => await managers.GetMineAsync(ct) is { } p ? Results.Ok(p) : Results.NotFound())
            .WithName(MyProfileEndpoint).WithSummary("The caller's own profile (phone in full), or 404 when none is registered.");
        m.MapPut("/me", async (TechManagerInput input, TechManagers managers, CancellationToken ct) => ApiResults.Respond(await managers.SaveMineAsync(input, ct)))
            .WithSummary("Register or edit the caller's profile (organisation: a verified one the caller belongs to, or a verified intermediary); it waits for review again. Audited.");
        m.MapGet("/review", async (TechManagers managers, TechManagerStatus? status, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20,
                CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? (await managers.ForReviewAsync(status, page, pageSize, ct) is { } list ? Results.Ok(list) : Results.Forbid()))
            .RequireAuthorization(Policies.AnyRegionAdmin).WithSummary("Profiles of the regions the caller administers, by status (default Pending); phones masked.");
        m.MapGet("/{id:guid}/phone", async (Guid id, TechManagers managers, CancellationToken ct) =>
            {
                var (phone, result) = await managers.PhoneAsync(id, ct);
                return phone is null ? ApiResults.ToHttp(result) : Results.Ok(new { phone });
            })
            .WithSummary("The full phone, for the administrators of the profile's region and the manager; every read audited.");
        m.MapPost("/{id:guid}/review", async (Guid id, TechManagerReviewInput input, TechManagers managers, CancellationToken ct) =>
                ApiResults.ToHttp(await managers.ReviewAsync(id, input, ct)))
            .RequireAuthorization(Policies.AnyRegionAdmin)
            .WithSummary("A region administrator of the profile's region approves it (`approve: true`) or rejects it with a `note`; `version` as read. Audited.");

        var g = app.MapGroup("/api/v1/deals").WithTags("Deals").RequireAuthorization(Policies.SignedIn);
        g.MapGet("/", async (DealPipeline deals, bool? mine, DealStage? stage, DealSort? sort, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20,
                CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await deals.ListAsync(mine ?? false, stage, sort ?? DealSort.Updated, page, pageSize, ct)))
            .WithSummary("The deals the caller may read (`mine=true`: the deals they carry); `stage`, `sort` (Updated, Created, Stage, Title), paging.");
        g.MapGet("/dashboard", async (DealPipeline deals, CancellationToken ct) => Results.Ok(await deals.DashboardAsync(ct)))
            .WithSummary("The caller's deals by stage and the conversion over the last 12 months (signed / created).");
        g.MapGet("/mine.xlsx", async (DealExport export, TimeProvider clock, CancellationToken ct) =>
            {
                var stamp = clock.GetUtcNow().ToOffset(Display.ChinaStandardTime).ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
                return Results.File(await export.WriteMineAsync(ct), XlsxStream.ContentType, $"chuanyu-deals-{stamp}.xlsx");
            })
            .WithName(ExportEndpoint).WithSummary("The caller's deals as an Excel workbook.");
        g.MapPost("/", async (DealInput input, DealPipeline deals, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await deals.CreateAsync(input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, DealEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("An approved technology manager starts a deal from a live result and/or demand (`source`: Match, Interest, Event, Direct). Audited.");
        g.MapGet("/{id:guid}", async (Guid id, DealPipeline deals, CancellationToken ct) => await deals.GetAsync(id, ct) is { } d ? Results.Ok(d) : Results.NotFound())
            .WithName(DealEndpoint).WithSummary("A deal with its timeline, notes and documents, for its readers (others: 404).");
        g.MapPost("/{id:guid}/advance", async (Guid id, DealAdvanceInput input, DealPipeline deals, CancellationToken ct) => ApiResults.ToHttp(await deals.AdvanceAsync(id, input, ct)))
            .WithSummary("One stage forward (`toStage` the next one, `version` as read; `contractId` of a registered contract for Registered). Audited.");
        g.MapPost("/{id:guid}/close", async (Guid id, DealCloseInput input, DealPipeline deals, CancellationToken ct) => ApiResults.ToHttp(await deals.CloseAsync(id, input, ct)))
            .WithSummary("Close an open deal with a coded `reason` (`note` required for Other) and the `version` read. Audited.");
        g.MapPost("/{id:guid}/notes", async (Guid id, DealNoteInput input, DealPipeline deals, CancellationToken ct) => ApiResults.ToHttp(await deals.AddNoteAsync(id, input, ct)))
            .WithSummary("A note at the deal's current stage, by its manager.");
        g.MapPost("/{id:guid}/documents", UploadAsync)
            .DisableAntiforgery() // checked in Uploads.ReadFormAsync for cookie callers
            .WithMetadata(new RequestSizeLimitAttribute(DealRules.MaxDocumentRequestBytes))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("A document at the current stage (multipart `file`: PDF, JPEG, PNG or .docx, checked by its first bytes, up to 10 MB), by the manager.");
        g.MapGet("/{id:guid}/documents/{documentId:guid}", async (Guid id, Guid documentId, DealPipeline deals, HttpContext context, CancellationToken ct) =>
            {
                var (doc, result) = await deals.DocumentAsync(id, documentId, ct);
                if (doc is null)
                {
                    return ApiResults.ToHttp(result);
                }
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.CacheControl = "private, no-store";
                return Results.File(doc.Content, doc.ContentType, doc.FileName);
            })
            .WithName(DocumentEndpoint).WithSummary("A stage document, for the deal's readers; every download audited.");
        return app;
    }

    private static async Task<IResult> UploadAsync(Guid id, HttpRequest request, DealPipeline deals, IAntiforgery antiforgery, CancellationToken ct)
    {
        var tooLarge = ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Deals.FileTooLarge",
            new Message("Deals.FileTooLarge", DealRules.MaxDocumentBytes >> 20), titleCode: "payloadTooLarge");
        var (form, refused) = await Uploads.ReadFormAsync(request, antiforgery, DealRules.MaxDocumentRequestBytes, tooLarge, ct);
        if (form is null)
        {
            return refused!;
        }
        if (form.Files.GetFile("file") is not { } file)
        {
            return Uploads.FileProblem(new Message("Deals.FileMissing"));
        }
        await using var content = file.OpenReadStream();
        return ApiResults.ToHttp(await deals.AddDocumentAsync(id, new UploadedFile(file.FileName, content, file.Length), ct));
    }
}

using System.ComponentModel;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.Experts;

/// <summary>The research integrity records over HTTP (issue 16 point 6): read by both regions' administrators, changed by the issuing region's.</summary>
public static class IntegrityApi
{
    public const string RecordEndpoint = "GetIntegrityRecord";
    public const string DocumentEndpoint = "GetIntegrityDocument";

    public static IServiceCollection AddIntegrityRecords(this IServiceCollection services)
    {
        services.AddScoped<IntegrityRecords>();
        // The pool's entry condition asks the records (渝科局发〔2023〕68号: no integrity, credit or criminal record).
        services.AddScoped<IExpertIntegrityCheck>(sp => sp.GetRequiredService<IntegrityRecords>());
        return services;
    }

    public static IEndpointRouteBuilder MapIntegrityApi(this IEndpointRouteBuilder app)
    {
        var records = app.MapGroup("/api/v1/integrity-records").WithTags("Integrity records").RequireAuthorization(Policies.RegionOrSecurityAdmin);
        records.MapGet("/", async (IntegrityRecords service, IntegritySubjectKind? subjectKind, IntegrityRecordType? type, IntegrityState? state, string? region,
                string? q, string? idNumber, Guid? expertId, Guid? organizationId, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20,
                CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? ApiResults.Respond(await service.ListAsync(
                    new IntegrityQuery(subjectKind, type, state, region, q, idNumber, expertId, organizationId), page, pageSize, ct)))
            .WithSummary("Every record of both regions (region administrators, security administrator), ID numbers masked; filters: subjectKind, type, state (today, China time), region, q, idNumber, expertId, organizationId.");
        records.MapGet("/{id:guid}", async (Guid id, IntegrityRecords service, CancellationToken ct) => ApiResults.Respond(await service.GetAsync(id, ct)))
            .WithName(RecordEndpoint).WithSummary("One record with its documents.");
        records.MapPost("/", async (IntegrityRecordInput input, IntegrityRecords service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await service.CreateAsync(input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, RecordEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("A region administrator enters a record for their region (dates yyyy-MM-dd; endDate empty: indefinite).");
        records.MapPut("/{id:guid}", async (Guid id, IntegrityRecordInput input, IntegrityRecords service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.UpdateAsync(id, input, ct)))
            .WithSummary("Edit a record of the caller's region (`version`: the one read; 409 when changed meanwhile); the other region's administrators get 403.");
        records.MapPost("/{id:guid}/revoke", async (Guid id, IntegrityRevokeInput input, IntegrityRecords service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.RevokeAsync(id, input, ct)))
            .WithSummary("Revoke a record of the caller's region with a reason (final; the record is kept).");
        records.MapGet("/{id:guid}/id-number", async (Guid id, IntegrityRecords service, CancellationToken ct) =>
                ApiResults.Respond(await service.RevealAsync(id, "api", ct)))
            .WithSummary("The full ID number of a person's record: the issuing region's administrators and the security administrator; every view audited (privacy.view).");
        records.MapPost("/{id:guid}/documents", UploadAsync)
            .DisableAntiforgery() // checked in Uploads.ReadFormAsync for cookie callers
            .WithMetadata(new RequestSizeLimitAttribute(IntegrityRules.MaxDocumentRequestBytes))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Add a document (multipart `file`: PDF up to 10 MB) to a record of the caller's region.");
        records.MapGet("/{id:guid}/documents/{documentId:guid}", async (Guid id, Guid documentId, IntegrityRecords service, HttpContext context, CancellationToken ct) =>
            {
                var (d, result) = await service.DocumentAsync(id, documentId, ct);
                if (d is null)
                {
                    return ApiResults.ToHttp(result);
                }
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.CacheControl = "private, no-store";
                return Results.File(d.Content, "application/pdf", d.FileName);
            })
            .WithName(DocumentEndpoint).WithSummary("A record's document (PDF), for whoever reads the records.");
        return app;
    }

    private static async Task<IResult> UploadAsync(Guid id, HttpRequest request, IntegrityRecords service, IAntiforgery antiforgery, CancellationToken ct)
    {
        var tooLarge = ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Experts.IntegrityDocumentTooLarge",
            new Message("Experts.IntegrityDocumentTooLarge", IntegrityRules.MaxDocumentBytes >> 20), titleCode: "payloadTooLarge");
        var (form, refused) = await Uploads.ReadFormAsync(request, antiforgery, IntegrityRules.MaxDocumentRequestBytes, tooLarge, ct);
        if (form is null)
        {
            return refused!;
        }
        if (form.Files.GetFile("file") is not { } file)
        {
            return Uploads.FileProblem(new Message("Experts.IntegrityFileMissing"));
        }
        await using var content = file.OpenReadStream();
        var (document, result) = await service.AddDocumentAsync(id, file.FileName, content, file.Length, ct);
        return document is null ? ApiResults.ToHttp(result) : Results.Ok(document);
    }
}

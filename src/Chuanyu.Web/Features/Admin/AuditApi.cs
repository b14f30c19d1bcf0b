using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chuanyu.Web.Features.Admin;

/// <summary>Searching and exporting the audit: the audit administrator's work (三员), nobody else's.</summary>
public static class AuditApi
{
    public const string SignatureHeader = "X-Chuanyu-Signature";
    public const string SignatureStatusHeader = "X-Chuanyu-Signature-Status";
    public const string SignedFileHeader = "X-Chuanyu-Signed-File";

    /// <summary>The export's endpoint name: the audit page's export links are generated from it.</summary>
    public const string ExportEndpoint = "ExportAudit";

    public static IServiceCollection AddAuditAdministration(this IServiceCollection services)
    {
        services.AddScoped<AuditSearch>();
        services.AddScoped<AuditExporter>();
        return services;
    }

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/v1/admin/audit").WithTags("Audit").RequireAuthorization(Policies.AuditAdmin);
        audit.MapGet("/entries", SearchAsync)
            .WithSummary("Search the audit chain, newest first (dates without an offset are Beijing time). Each search is itself audited.");
        audit.MapGet("/export", ExportAsync).WithName(ExportEndpoint)
            .WithSummary("Export the matching audit rows as xlsx or csv (at most 100,000), watermarked and signed; the signature is in X-Chuanyu-Signature. bundle=zip adds the .sig file and a note in one zip.")
            .Produces(StatusCodes.Status200OK, contentType: AuditExporter.XlsxContentType, additionalContentTypes: [AuditExporter.CsvContentType, "application/zip"]);
        return app;
    }

    private static async Task<Results<Ok<AuditSearchPage>, ValidationProblem>> SearchAsync(
        [AsParameters] AuditQuery query, string? page, string? pageSize, AuditSearch search, CancellationToken ct)
    {
        var errors = AuditSearch.Validate(query, out var filter);
        var pagingErrors = AuditSearch.ValidatePaging(page, pageSize, out var pageNumber, out var size);
        foreach (var (field, reasons) in pagingErrors)
        {
            errors[field] = reasons;
        }
        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }
        return TypedResults.Ok(await search.SearchAsync(filter!, pageNumber, size, ct));
    }

    private static async Task<IResult> ExportAsync(
        [AsParameters] AuditQuery query, string? format, string? bundle, AuditExporter exporter, HttpContext context, CancellationToken ct)
    {
        var errors = AuditSearch.Validate(query, out var filter);
        AuditExportFormat? chosen = (format ?? "xlsx").Trim().ToLowerInvariant() switch
        {
            "xlsx" => AuditExportFormat.Xlsx,
            "csv" => AuditExportFormat.Csv,
            _ => null,
        };
        if (chosen is null)
        {
            errors.Add("format", new Message("Admin.ExportFormatInvalid"));
        }
        if (!SignedBundle.TryParse(bundle, out var zip))
        {
            errors.Add("bundle", SignedBundle.Invalid);
        }
        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }
        var (through, count) = await exporter.SnapshotAsync(filter!, ct);
        if (count > exporter.MaxRows)
        {
            return ApiProblem.Result(StatusCodes.Status400BadRequest, "Admin.ExportTooLarge", new Message("Admin.ExportTooLarge", count, exporter.MaxRows),
                    titleCode: "badRequest", extensions: new Dictionary<string, object?> { ["total"] = count, ["maxRows"] = exporter.MaxRows })
                .Titled(new Message("Admin.ExportTooLargeTitle"));
        }
        var file = await exporter.ExportAsync(filter!, chosen!.Value, zip, through, count, ct);
        context.Response.RegisterForDispose(file);
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        if (file.Signature is not null)
        {
            headers[SignatureHeader] = file.Signature;
            headers[SignatureStatusHeader] = "signed";
        }
        else
        {
            headers[SignatureStatusHeader] = "unsigned";
        }
        headers[SignedFileHeader] = file.SignedFileName;
        return TypedResults.File(file.Content, file.ContentType, file.FileName);
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.Catalog;

public sealed record ImportResponse(bool Applied, int Rows, int Created);

/// <summary>Bulk import and export of catalogue records, the import template, and one record in the core-metadata form.</summary>
public static class ResourceImportApi
{
    /// <summary>The template's endpoint name: the import page's download links are generated from it.</summary>
    public const string TemplateEndpoint = "GetResourceImportTemplate";

    public static IServiceCollection AddResourceImport(this IServiceCollection services) =>
        services.AddScoped<ResourceImporter>().AddScoped<ResourceImportService>();

    public static IEndpointRouteBuilder MapResourceImportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Catalog");
        api.MapGet("/resources/import-template", TemplateAsync).AllowAnonymous().WithName(TemplateEndpoint)
            .WithSummary("The import template: ?format=xlsx (header, example row, sheet 填写说明 with the allowed values) or csv (UTF-8 with BOM).");
        api.MapPost("/organizations/{id:guid}/resources/import", ImportAsync)
            .RequireAuthorization(Policies.SignedIn)
            // Multipart, read by hand so a too-large body answers 413 ProblemDetails; cookies are SameSite=Lax, so
            // another site cannot post here with a person's session.
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(ResourceImporter.MaxRequestBytes))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Import .xlsx/.csv (multipart 'file', 'dryRun', 'publish') into an organisation the caller manages: all rows or none; 422 lists every bad row.");
        api.MapGet("/organizations/{id:guid}/resources/export", ExportAsync).RequireAuthorization(Policies.SignedIn)
            .WithSummary("The organisation's records the caller may see, ?format=xlsx|csv, in the import layout (at most 100,000).");
        api.MapGet("/resources/{id:guid}/core-metadata", CoreMetadataAsync).AllowAnonymous()
            .WithSummary("One record in the core-metadata form (元数据项 / 标识 / 值), ?format=json|xlsx; 404 when not visible.");
        return app;
    }

    private static bool TryFormat(string? format, string fallback, out SheetFormat parsed)
    {
        parsed = SheetFormat.Xlsx;
        switch ((format ?? fallback).Trim().ToLowerInvariant())
        {
            case "xlsx":
                return true;
            case "csv":
                parsed = SheetFormat.Csv;
                return true;
            default:
                return false;
        }
    }

    private static ValidationProblem BadFormat(string one, string other) =>
        CatalogProblems.Field("format", new Message("Catalog.FormatOneOf", one, other));

    private static async Task<IResult> TemplateAsync(string? format, ResourceImportService service, CancellationToken ct)
    {
        if (!TryFormat(format, "xlsx", out var f))
        {
            return BadFormat("xlsx", "csv");
        }
        var file = await service.TemplateAsync(f, ct);
        return TypedResults.File(file.Content, file.ContentType, file.FileName);
    }

    private static async Task<IResult> ExportAsync(Guid id, string? format, ResourceImportService service, CancellationToken ct)
    {
        if (!TryFormat(format, "xlsx", out var f))
        {
            return BadFormat("xlsx", "csv");
        }
        var file = await service.ExportAsync(id, f, ct);
        return file is null ? TypedResults.NotFound() : TypedResults.File(file.Content, file.ContentType, file.FileName);
    }

    private static async Task<IResult> CoreMetadataAsync(Guid id, string? format, ResourceImportService service, CancellationToken ct)
    {
        var f = (format ?? "json").Trim().ToLowerInvariant();
        if (f is not ("json" or "xlsx"))
        {
            return BadFormat("json", "xlsx");
        }
        var metadata = await service.CoreMetadataAsync(id, ct);
        if (metadata is null)
        {
            return TypedResults.NotFound();
        }
        return f == "json"
            ? TypedResults.Ok(metadata)
            : TypedResults.File(ResourceImportService.CoreMetadataXlsx(metadata), ResourceSheet.XlsxContentType, $"chuanyu-core-metadata-{id}.xlsx");
    }

    private static async Task<IResult> ImportAsync(Guid id, HttpRequest request, ResourceImportService service, CancellationToken ct)
    {
        // Who may import is decided before the body is read.
        if (await service.AuthorizeImportAsync(id, ct) is { } refused)
        {
            return ApiResults.ToHttp(refused);
        }
        if (request.ContentLength > ResourceImporter.MaxRequestBytes)
        {
            return TooLarge();
        }
        if (!request.HasFormContentType)
        {
            return CatalogProblems.Field("file", new Message("Catalog.ImportNotMultipart"));
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (InvalidDataException)
        {
            return CatalogProblems.Field("file", new Message("Catalog.ImportBadMultipart"));
        }
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return CatalogProblems.Field("file", new Message("Catalog.ImportFileMissing"));
        }
        if (file.Length > ResourceImporter.MaxFileBytes)
        {
            return TooLarge();
        }
        if (!TryFlag(form["dryRun"], out var dryRun))
        {
            return CatalogProblems.Field("dryRun", new Message("Catalog.FlagInvalid", "dryRun"));
        }
        if (!TryFlag(form["publish"], out var publish))
        {
            return CatalogProblems.Field("publish", new Message("Catalog.FlagInvalid", "publish"));
        }
        await using var content = file.OpenReadStream();
        var (result, denied) = await service.ImportAsync(id, content, file.Length, file.FileName, new ImportOptions(dryRun, publish), ct);
        if (result is null)
        {
            return ApiResults.ToHttp(denied!);
        }
        return result.Failure switch
        {
            ImportFailure.None => TypedResults.Ok(new ImportResponse(result.Applied, result.Rows, result.Created)),
            ImportFailure.TooLarge => TooLarge(),
            ImportFailure.File => CatalogProblems.Field("file", result.Message!),
            ImportFailure.Conflict => ApiProblem.Result(StatusCodes.Status409Conflict, result.Message!.Key, result.Message, titleCode: "conflict"),
            _ => ApiProblem.Result(StatusCodes.Status422UnprocessableEntity, result.Message!.Key, result.Message, titleCode: "ruleBroken",
                extensions: new Dictionary<string, object?>
                {
                    // Each row's reason in the request's language, and its key for clients that act on it.
                    ["errors"] = result.Errors.Select(e => new { row = e.Row, column = e.Column, reason = e.Reason.ToString(), code = e.Reason.Key }).ToList(),
                    ["errorCount"] = result.ErrorCount,
                    ["truncated"] = result.Truncated,
                    ["rows"] = result.Rows,
                }).Titled(new Message("Catalog.ImportRowsFailedTitle")),
        };
    }

    /// <summary>true/false/1/0/on (a checkbox); empty is false.</summary>
    internal static bool TryFlag(string? value, out bool flag)
    {
        flag = false;
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "false" or "0" or "off":
                return true;
            case "true" or "1" or "on":
                flag = true;
                return true;
            default:
                return false;
        }
    }

    private static ProblemHttpResult TooLarge() =>
        ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Catalog.ImportTooLarge", new Message("Catalog.ImportTooLarge", ResourceImporter.MaxFileBytes / 1024 / 1024),
            titleCode: "payloadTooLarge").Titled(new Message("Catalog.FileTooLargeTitle"));
}

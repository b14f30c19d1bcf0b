using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.Experts;

public sealed record ExpertImportResponse(bool Applied, int Rows);

/// <summary>The import template and the import endpoint (in the experts' group).</summary>
public static class ExpertImportApi
{
    public const string TemplateEndpoint = "GetExpertImportTemplate";

    internal static void Map(RouteGroupBuilder experts)
    {
        experts.MapGet("/import-template", () => TypedResults.File(ExpertImport.Template(), XlsxStream.ContentType, "chuanyu-experts-template.xlsx"))
            .WithName(TemplateEndpoint).WithSummary("The .xlsx import template: headers (required ones marked *), an example row, a sheet explaining each column.");
        experts.MapPost("/import", ImportAsync)
            // Multipart read by hand (a too-large body answers 413); cookies are SameSite=Lax, as for the catalogue import.
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(ExpertImport.MaxFileBytes + (64 << 10)))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("A region administrator imports experts from .xlsx (multipart 'file', optional 'region'): all rows or none; 422 lists every bad row with its column.");
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, ExpertImport import, ExpertPool pool, CancellationToken ct)
    {
        if (pool.ManagedRegions.Count == 0)
        {
            return ApiResults.ToHttp(new ServiceResult.Forbidden());
        }
        if (request.ContentLength > ExpertImport.MaxFileBytes + (64 << 10))
        {
            return TooLarge();
        }
        if (!request.HasFormContentType)
        {
            return ApiProblem.Validation(Field("file", new Message("Experts.ImportFileMissing")));
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
            return ApiProblem.Validation(Field("file", new Message("Experts.ImportFileMissing")));
        }
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            return ApiProblem.Validation(Field("file", new Message("Experts.ImportFileMissing")));
        }
        if (file.Length > ExpertImport.MaxFileBytes)
        {
            return TooLarge();
        }
        var region = form["region"].ToString() is { Length: > 0 } r ? r : null;
        await using var content = file.OpenReadStream();
        var (result, refused) = await import.ImportAsync(content, region, ct);
        if (result is null)
        {
            return ApiResults.ToHttp(refused);
        }
        if (result.FileProblem is { } problem)
        {
            return ApiProblem.Validation(Field("file", problem));
        }
        return result.Applied
            ? TypedResults.Ok(new ExpertImportResponse(true, result.Rows))
            : ApiProblem.Result(StatusCodes.Status422UnprocessableEntity, "Experts.ImportRowsFailed", new Message("Experts.ImportRowsFailed", result.Errors.Count),
                titleCode: "ruleBroken", extensions: new Dictionary<string, object?>
                {
                    ["errors"] = result.Errors.Select(e => new { row = e.Row, column = e.Column, reason = e.Reason.ToString(), code = e.Reason.Key }).ToList(),
                    ["errorCount"] = result.Errors.Count,
                    ["rows"] = result.Rows,
                });
    }

    private static FieldErrors Field(string field, Message reason) => new() { { field, [reason] } };

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge() =>
        ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Experts.ImportTooLarge", new Message("Experts.ImportTooLarge", ExpertImport.MaxFileBytes >> 20),
            titleCode: "payloadTooLarge");
}

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
        var (form, file, refusal) = await ReadUploadAsync(request, ExpertImport.MaxFileBytes, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var region = form!["region"].ToString() is { Length: > 0 } r ? r : null;
        await using var content = file!.OpenReadStream();
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
            : RowErrors("Experts.ImportRowsFailed", new Message("Experts.ImportRowsFailed", result.Errors.Count), result.Errors, result.Rows);
    }

    /// <summary>
    /// The multipart form and its <c>file</c> of an upload of at most <paramref name="maxBytes"/>, or the answer that
    /// refuses it: 413 when too large (announced or read), 400 on the <c>file</c> field when missing, empty or not multipart.
    /// </summary>
    internal static async Task<(IFormCollection? Form, IFormFile? File, IResult? Refusal)> ReadUploadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        var missing = ApiProblem.Validation(Field("file", new Message("Experts.ImportFileMissing")));
        if (request.ContentLength > maxBytes + (64 << 10))
        {
            return (null, null, TooLarge(maxBytes));
        }
        if (!request.HasFormContentType)
        {
            return (null, null, missing);
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, null, TooLarge(maxBytes));
        }
        catch (InvalidDataException)
        {
            return (null, null, missing);
        }
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            return (form, null, missing);
        }
        return file.Length > maxBytes ? (form, file, TooLarge(maxBytes)) : (form, file, null);
    }

    /// <summary>422 listing every bad row of an all-or-nothing upload (row, column, reason and its key); nothing was written.</summary>
    internal static IResult RowErrors(string code, Message detail, IReadOnlyList<ExpertImportError> errors, int rows) =>
        ApiProblem.Result(StatusCodes.Status422UnprocessableEntity, code, detail, titleCode: "ruleBroken", extensions: new Dictionary<string, object?>
        {
            ["errors"] = errors.Select(e => new { row = e.Row, column = e.Column, reason = e.Reason.ToString(), code = e.Reason.Key }).ToList(),
            ["errorCount"] = errors.Count,
            ["rows"] = rows,
        });

    internal static FieldErrors Field(string field, Message reason) => new() { { field, [reason] } };

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge(long maxBytes) =>
        ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Experts.ImportTooLarge", new Message("Experts.ImportTooLarge", maxBytes >> 20),
            titleCode: "payloadTooLarge");
}

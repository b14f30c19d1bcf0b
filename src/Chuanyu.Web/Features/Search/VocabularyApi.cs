using System.ComponentModel;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chuanyu.Web.Features.Search;

/// <summary>The search vocabulary (检索词表) over HTTP: anyone signed in reads it; the system administrator changes it.</summary>
public static class VocabularyApi
{
    public const string EntryEndpoint = "GetVocabularyEntry";
    public const string ExportEndpoint = "ExportVocabulary";

    /// <summary>
    /// The host's vocabulary (its analyzer), the service, the seed at start-up, and — outside the operator commands — the
    /// loops that follow changes made on other instances and run the reindex.
    /// </summary>
    public static IServiceCollection AddSearchVocabulary(this IServiceCollection services, bool runInBackground)
    {
        services.AddSingleton<SearchVocabulary>();
        services.AddScoped<VocabularyService>().AddScoped<VocabularyReindex>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabasePreparation, VocabularyPreparation>());
        if (runInBackground)
        {
            services.AddHostedService<VocabularyBackgroundService>();
        }
        return services;
    }

    public static IEndpointRouteBuilder MapSearchVocabularyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/search/vocabulary").WithTags("Search");
        api.MapGet("", ListAsync).RequireAuthorization(Policies.SignedIn)
            .WithSummary("The vocabulary's pairs (term → expansion, with their source), by term; `q` filters on any of the three.");
        api.MapGet("/{id:guid}", async (Guid id, VocabularyService service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } entry ? Results.Ok(entry) : Results.NotFound())
            .RequireAuthorization(Policies.SignedIn).WithName(EntryEndpoint).WithSummary("One pair.");
        api.MapPost("", async (VocabularyInput input, VocabularyService service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (entry, result) = await service.CreateAsync(input, ct);
                return entry is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, EntryEndpoint, new { id = entry.Id }), entry);
            })
            .RequireAuthorization(Policies.SystemAdmin)
            .WithSummary("Add a pair (system administrator). 400 names the field: empty or too long, nothing searchable, a term mapped to itself, a pair already there, a cycle.");
        api.MapPut("/{id:guid}", async (Guid id, VocabularyInput input, VocabularyService service, CancellationToken ct) =>
                ApiResults.Respond(await service.UpdateAsync(id, input, ct)))
            .RequireAuthorization(Policies.SystemAdmin).WithSummary("Change a pair (system administrator); 409 when `version` is not the one stored.");
        api.MapDelete("/{id:guid}", async (Guid id, int? version, VocabularyService service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.DeleteAsync(id, version, ct)))
            .RequireAuthorization(Policies.SystemAdmin).WithSummary("Remove a pair (system administrator); 409 when `version` is given and stale.");
        api.MapPost("/import", ImportAsync)
            .RequireAuthorization(Policies.SystemAdmin)
            .DisableAntiforgery() // checked in Uploads.ReadFormAsync for cookie callers
            .WithMetadata(new RequestSizeLimitAttribute(VocabularyService.MaxImportBytes + (64 * 1024)))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Import .csv/.xlsx (multipart 'file'; columns term, expansion, source): all rows or none; 422 lists every bad row with its number, field and reason.");
        api.MapGet("/export", async (VocabularyService service, TimeProvider clock, CancellationToken ct) =>
            {
                var stamp = clock.GetUtcNow().ToOffset(Display.ChinaStandardTime).ToString("yyyyMMdd-HHmm", System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.File(await service.ExportXlsxAsync(ct), ResourceSheet.XlsxContentType, $"chuanyu-search-vocabulary-{stamp}.xlsx");
            })
            .RequireAuthorization(Policies.SignedIn).WithName(ExportEndpoint).WithSummary("The whole vocabulary as .xlsx in the import layout.");
        api.MapGet("/reindex", async (VocabularyService service, CancellationToken ct) => Results.Ok(await service.ReindexStatusAsync(ct)))
            .RequireAuthorization(Policies.SignedIn)
            .WithSummary("The background reindex after a change: `pending` until the index is rewritten for the vocabulary's version, `done` of `total` records read.");
        return app;
    }

    private static async Task<IResult> ListAsync(VocabularyService service, string? q, [DefaultValue(1)] int page = 1, [DefaultValue(50)] int pageSize = 50,
        CancellationToken ct = default)
    {
        if (Paging.Check(page, pageSize) is { } bad)
        {
            return bad;
        }
        return Results.Ok(await service.ListAsync(q, page, pageSize, ct));
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, VocabularyService service, IAntiforgery antiforgery, CancellationToken ct)
    {
        var tooLarge = ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Vocabulary.ImportTooLarge",
            new Message("Vocabulary.ImportTooLarge", VocabularyService.MaxImportBytes / 1024 / 1024), titleCode: "payloadTooLarge");
        var (form, refused) = await Uploads.ReadFormAsync(request, antiforgery, VocabularyService.MaxImportBytes + (64 * 1024), tooLarge, ct);
        if (form is null)
        {
            return refused!;
        }
        if (form.Files.GetFile("file") is not { } file)
        {
            return Uploads.FileProblem(new Message("Vocabulary.ImportFileMissing"));
        }
        await using var content = file.OpenReadStream();
        return ToHttp(await service.ImportAsync(content, file.Length, file.FileName, ct), tooLarge);
    }

    /// <summary>The import's answer: 200 with the counts, 400 for the file, 413, or 422 with every bad row.</summary>
    public static IResult ToHttp(VocabularyImportResult result, IResult tooLarge) => result.Failure switch
    {
        ImportFailure.None => Results.Ok(new { applied = true, rows = result.Rows, created = result.Created, updated = result.Updated }),
        ImportFailure.TooLarge => tooLarge,
        ImportFailure.File => Uploads.FileProblem(result.Message!),
        _ => ApiProblem.Result(StatusCodes.Status422UnprocessableEntity, result.Message!.Key, result.Message, titleCode: "ruleBroken",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = result.Errors.Select(e => new { row = e.Row, column = e.Column, reason = e.Reason.ToString(), code = e.Reason.Key }).ToList(),
                ["errorCount"] = result.Errors.Count,
                ["rows"] = result.Rows,
            }),
    };
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Chuanyu.Web.Features.Catalog;

public sealed record PhotoOrderRequest(IReadOnlyList<Guid>? PhotoIds);

/// <summary>
/// Photos of catalogue resources: read by whoever may see the resource, written by its organisation's managers.
/// A photo is served with the content type that was checked when it was stored, and nosniff, so a browser never
/// reinterprets its bytes as something else.
/// </summary>
public static class PhotoApi
{
    /// <summary>One photo's endpoint name: a photo's URL (<see cref="PhotoDto.Url"/>) is generated from it.</summary>
    public const string PhotoEndpoint = "GetResourcePhoto";

    public static IServiceCollection AddResourcePhotos(this IServiceCollection services) => services.AddScoped<PhotoService>();

    public static IEndpointRouteBuilder MapPhotoApi(this IEndpointRouteBuilder app)
    {
        var photos = app.MapGroup("/api/v1/resources/{id:guid}/photos").WithTags("Catalog");
        photos.MapGet("/", async (Guid id, PhotoService service, CancellationToken ct) =>
                await service.ListAsync(id, ct) is { } list ? Results.Ok(list) : Results.NotFound())
            .AllowAnonymous().WithSummary("The resource's photos in order (without their bytes); 404 when the resource is not visible to the caller.");
        photos.MapGet("/{photoId:guid}", GetAsync).WithName(PhotoEndpoint)
            .AllowAnonymous().WithSummary("One photo's bytes, only when the caller may see the resource.");
        photos.MapPost("/", AddAsync)
            .RequireAuthorization(Policies.SignedIn)
            // The form is read here, after the checks, rather than bound; cookie callers are held to antiforgery below.
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(PhotoService.MaxRequestBytes))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Add a JPEG or PNG photo (multipart field 'file', at most 5 MB, at most 6 per resource).");
        photos.MapDelete("/{photoId:guid}", async (Guid id, Guid photoId, PhotoService service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.DeleteAsync(id, photoId, ct)))
            .RequireAuthorization(Policies.SignedIn).WithSummary("Remove a photo.");
        photos.MapPut("/order", async (Guid id, PhotoOrderRequest request, PhotoService service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.ReorderAsync(id, request.PhotoIds, ct)))
            .RequireAuthorization(Policies.SignedIn).WithSummary("Set the order of the resource's photos: every photo id once, first shown first.");
        return app;
    }

    private static async Task<IResult> GetAsync(Guid id, Guid photoId, PhotoService service, HttpContext context, CancellationToken ct)
    {
        var photo = await service.GetAsync(id, photoId, ct);
        if (photo is null)
        {
            return Results.NotFound();
        }
        context.Response.Headers.XContentTypeOptions = "nosniff";
        // Visibility can change (a record retired), so caches revalidate; the id is the version, as photos never change.
        context.Response.Headers.CacheControl = "private, no-cache";
        return Results.File(photo.Content, photo.ContentType, entityTag: new EntityTagHeaderValue($"\"{photo.Id:N}\""));
    }

    private static async Task<IResult> AddAsync(Guid id, HttpRequest request, PhotoService service, IAntiforgery antiforgery, CancellationToken ct)
    {
        var (form, refused) = await Uploads.ReadFormAsync(request, antiforgery, PhotoService.MaxRequestBytes, TooLarge(), ct);
        if (form is null)
        {
            return refused!;
        }
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return CatalogProblems.Field("file", new Message("Catalog.PhotoFileMissing"));
        }
        await using var content = file.OpenReadStream();
        var (photo, result) = await service.AddAsync(id, file.FileName, content, file.Length, ct);
        return photo is null ? ApiResults.ToHttp(result) : Results.Created(photo.Url, photo);
    }

    private static ProblemHttpResult TooLarge() =>
        ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Catalog.PhotoTooLarge", new Message("Catalog.PhotoTooLarge", PhotoService.MaxBytes / 1024 / 1024),
            titleCode: "payloadTooLarge").Titled(new Message("Catalog.FileTooLargeTitle"));
}

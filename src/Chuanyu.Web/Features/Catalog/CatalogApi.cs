using System.ComponentModel;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Catalog;

public sealed record TransferRequest(Guid OrganizationId);
public sealed record ResourceListItem(Guid Id, ResourceKind Kind, string Name, string? Model, ResourceStatus Status, SharingStatus SharingStatus, string RegionCode, DateTimeOffset UpdatedAt);

/// <summary>Catalogue records: read by anyone within the visibility rules, written by their organisation's managers.</summary>
public static class CatalogApi
{
    /// <summary>One resource's endpoint name: the Location of a created resource is generated from it.</summary>
    public const string ResourceEndpoint = "GetResource";

    public static IServiceCollection AddCatalog(this IServiceCollection services) =>
        services.AddScoped<CatalogService>().AddScoped<CatalogDirectory>().AddSearchSource<CatalogSearchSource>();

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var resources = app.MapGroup("/api/v1/resources").WithTags("Catalog");
        resources.MapGet("/{id:guid}", async (Guid id, CatalogService catalog, CancellationToken ct) =>
                await catalog.GetAsync(id, ct) is { } r ? Results.Ok(r) : Results.NotFound())
            .AllowAnonymous().WithName(ResourceEndpoint).WithSummary("One resource; 404 when it does not exist or is not visible to the caller.");
        resources.MapPost("/", async (ResourceInput input, CatalogService catalog, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (r, result) = await catalog.CreateAsync(input, ct);
                return r is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, ResourceEndpoint, new { id = r.Id }), r);
            })
            .RequireAuthorization(Policies.SignedIn).WithSummary("Create a draft resource for an organisation the caller manages.");
        resources.MapPut("/{id:guid}", async (Guid id, ResourceInput input, CatalogService catalog, CancellationToken ct) =>
                ApiResults.Respond(await catalog.UpdateAsync(id, input, ct)))
            .RequireAuthorization(Policies.SignedIn).WithSummary("Replace a resource's fields; 409 when `version` is not the current one.");
        resources.MapPost("/{id:guid}/publish", async (Guid id, CatalogService catalog, CancellationToken ct) =>
                ApiResults.Respond(await catalog.SetStatusAsync(id, ResourceStatus.Published, ct)))
            .RequireAuthorization(Policies.SignedIn);
        resources.MapPost("/{id:guid}/retire", async (Guid id, CatalogService catalog, CancellationToken ct) =>
                ApiResults.Respond(await catalog.SetStatusAsync(id, ResourceStatus.Retired, ct)))
            .RequireAuthorization(Policies.SignedIn);
        resources.MapPost("/{id:guid}/transfer", async (Guid id, TransferRequest request, CatalogService catalog, CancellationToken ct) =>
                ApiResults.Respond(await catalog.TransferAsync(id, request.OrganizationId, ct)))
            .RequireAuthorization(Policies.SignedIn).WithSummary("Hand the resource to another verified organisation (organisation admin only).");

        app.MapGet("/api/v1/organizations/{id:guid}/resources", ListForOrganizationAsync).AllowAnonymous().WithTags("Catalog")
            .WithSummary("An organisation's resources that the caller may see (managers also see drafts and retired ones).");
        return app;
    }

    private static async Task<Results<Ok<PagedList<ResourceListItem>>, ValidationProblem>> ListForOrganizationAsync(
        Guid id, CatalogService catalog, ResourceStatus? status, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default)
    {
        if (Paging.Check(page, pageSize) is { } badPage)
        {
            return badPage;
        }
        var query = catalog.Visible().Where(r => r.OrganizationId == id);
        if (status is not null)
        {
            query = query.Where(r => r.Status == status);
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(r => new ResourceListItem(r.Id, r.Kind, r.Name, r.Model, r.Status, r.SharingStatus, r.RegionCode, r.UpdatedAt)).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<ResourceListItem>(total, page, pageSize, items));
    }
}

using System.ComponentModel;
using System.Security.Claims;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.ApiClients;

public sealed record ClientMeDto(Guid Id, string Name, string KeyId, Guid? OrganizationId, string? OrganizationName, IReadOnlyList<string> Scopes, string Algorithm);

public static class ApiClientsApi
{
    /// <summary>One client's endpoint name: the Location of a registered client is generated from it.</summary>
    public const string ClientEndpoint = "GetApiClient";

    public static IServiceCollection AddApiClients(this IServiceCollection services)
    {
        services.AddScoped<INoncePurge, ApiClientNoncePurge>();
        return services.AddScoped<ApiClientService>();
    }

    /// <summary>Client-only endpoint that also needs <paramref name="scope"/> among the client's scopes.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policies.ApiClient).RequireAuthorization(p => p.RequireClaim(ApiClientClaims.Scope, scope));

    public static IEndpointRouteBuilder MapApiClientsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");

        api.MapGet("/clients/me", GetClientAsync).RequireAuthorization(Policies.ApiClient).WithTags("Exchange")
            .WithSummary("The calling system's own registration (signed requests only; see docs/api-clients.md).");
        api.MapGet("/exchange/organizations", ListVerifiedOrganizationsAsync).RequireScope(ApiScopes.OrganizationsRead).WithTags("Exchange")
            .WithSummary("Verified organisations, paged (signed requests with scope organizations.read).");

        var admin = api.MapGroup("/admin/api-clients").WithTags("Administration").RequireAuthorization(Policies.SecurityAdmin);
        admin.MapGet("/", async (ApiClientService clients, CancellationToken ct) => TypedResults.Ok(await clients.ListAsync(ct)))
            .WithSummary("Registered API clients (never their secrets).");
        admin.MapGet("/{id:guid}", async Task<Results<Ok<ApiClientDto>, NotFound>> (Guid id, ApiClientService clients, CancellationToken ct) =>
                await clients.FindAsync(id, ct) is { } client ? TypedResults.Ok(client) : TypedResults.NotFound())
            .WithName(ClientEndpoint).WithSummary("One registered API client (never its secret).");
        admin.MapPost("/", CreateAsync).WithSummary("Register an API client; the response carries its secret, shown this once only.");
        admin.MapDelete("/{id:guid}", RevokeAsync).WithSummary("Revoke an API client: its next request is refused.");
        return app;
    }

    private static async Task<Results<Ok<ClientMeDto>, NotFound>> GetClientAsync(ClaimsPrincipal principal, AppDbContext db, OrganizationDirectory organizations,
        CancellationToken ct)
    {
        var id = Guid.Parse(principal.FindFirstValue(ApiClientClaims.ClientId)!);
        var orgs = organizations.Organizations();
        var row = await (from c in db.Set<ApiClient>().AsNoTracking()
                         where c.Id == id
                         select new
                         {
                             c.Id,
                             c.Name,
                             c.KeyId,
                             c.OrganizationId,
                             c.Scopes,
                             c.Algorithm,
                             OrganizationName = orgs.Where(o => o.Id == c.OrganizationId).Select(o => o.Name).FirstOrDefault(),
                         })
            .FirstOrDefaultAsync(ct);
        return row is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(new ClientMeDto(row.Id, row.Name, row.KeyId, row.OrganizationId, row.OrganizationName, ApiScopes.Parse(row.Scopes), row.Algorithm));
    }

    private static async Task<Results<Ok<PagedList<OrganizationDto>>, ValidationProblem>> ListVerifiedOrganizationsAsync(
        OrganizationDirectory organizations, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default)
    {
        if (Paging.Check(page, pageSize) is { } badPage)
        {
            return badPage;
        }
        return TypedResults.Ok(await organizations.VerifiedPageAsync(page, pageSize, ct));
    }

    private static async Task<Results<Created<CreatedApiClient>, ValidationProblem>> CreateAsync(
        ApiClientInput input, ApiClientService clients, LinkGenerator links, HttpContext context, CancellationToken ct)
    {
        var (created, errors) = await clients.CreateAsync(input, ct);
        if (created is null)
        {
            return ApiProblem.Validation(errors);
        }
        // The secret must not linger in a cache between here and the security administrator.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created(links.EndpointPath(context, ClientEndpoint, new { id = created.Client.Id }), created);
    }

    private static async Task<Results<NoContent, NotFound>> RevokeAsync(Guid id, ApiClientService clients, CancellationToken ct) =>
        await clients.RevokeAsync(id, ct) is ServiceResult.NotFound ? TypedResults.NotFound() : TypedResults.NoContent();
}

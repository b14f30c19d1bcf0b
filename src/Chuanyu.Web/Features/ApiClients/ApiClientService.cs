using System.Security.Cryptography;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.ApiClients;

/// <summary>What a client may be allowed to do; endpoints require one with <c>RequireScope</c>.</summary>
public static class ApiScopes
{
    public const string CatalogueRead = "catalogue.read";
    public const string ExchangeWrite = "exchange.write";
    public const string OrganizationsRead = "organizations.read";

    public static readonly IReadOnlyList<string> All = [CatalogueRead, ExchangeWrite, OrganizationsRead];

    public static IReadOnlyList<string> Parse(string stored) => stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

public sealed record ApiClientInput(string? Name, Guid? OrganizationId, IReadOnlyList<string>? Scopes);

public sealed record ApiClientDto(Guid Id, string Name, string KeyId, Guid? OrganizationId, string? OrganizationName,
    IReadOnlyList<string> Scopes, string Algorithm, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>The one response that carries the secret: it is not stored in readable form and never shown again.</summary>
public sealed record CreatedApiClient(ApiClientDto Client, string Secret);

/// <summary>
/// Registers and revokes the credentials other systems sign their requests with. A client is a credential, so the
/// security administrator manages them (三员: not the system administrator who runs the business).
/// </summary>
public sealed class ApiClientService(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, AuditLog audit, FieldProtector protector,
    IOptions<CryptoOptions> crypto, TimeProvider clock)
{
    public async Task<FieldErrors> ValidateAsync(ApiClientInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            errors.Add("name", new Message("ApiClients.NameRequired"));
        }
        if (input.OrganizationId is { } orgId && !await organizations.Organizations().AnyAsync(o => o.Id == orgId, ct))
        {
            errors.Add("organizationId", new Message("ApiClients.OrganizationNotFound"));
        }
        var scopes = Scopes(input);
        if (scopes.Count == 0)
        {
            errors.Add("scopes", new Message("ApiClients.ScopesRequired"));
        }
        else if (scopes.FirstOrDefault(s => !ApiScopes.All.Contains(s)) is { } unknown)
        {
            errors.Add("scopes", new Message("ApiClients.UnknownScope", unknown, new SpokenList(new Message("ApiClients.ListSeparator"), [.. ApiScopes.All])));
        }
        return errors;
    }

    public async Task<(CreatedApiClient? Created, FieldErrors Errors)> CreateAsync(ApiClientInput input, CancellationToken ct)
    {
        var errors = await ValidateAsync(input, ct);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var scopes = Scopes(input);
        // 32 random bytes as base64url: the secret the other system keeps. 12 random bytes name the key.
        var secret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var client = new ApiClient
        {
            Id = Guid.CreateVersion7(),
            Name = input.Name!.Trim(),
            OrganizationId = input.OrganizationId,
            KeyId = "ck_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            SecretProtected = protector.Protect(secret),
            Algorithm = RequestSignature.AlgorithmFor(crypto.Value.Suite),
            Scopes = string.Join(' ', ApiScopes.All.Where(scopes.Contains)),
            CreatedBy = me.Id!.Value,
            CreatedAt = clock.GetUtcNow(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Set<ApiClient>().Add(client);
        await db.SaveChangesAsync(ct);
        db.Entry(client).State = EntityState.Detached;
        await audit.RecordAsync("api-client.create", client.KeyId, detail: $"{client.Name}; {client.Algorithm}; {client.Scopes}", ct: ct);
        await tx.CommitAsync(ct);
        var orgName = client.OrganizationId is null ? null
            : await organizations.Organizations().Where(o => o.Id == client.OrganizationId).Select(o => o.Name).FirstOrDefaultAsync(ct);
        return (new CreatedApiClient(ToDto(client, orgName), secret), errors);
    }

    /// <summary>Revoked at once on every instance (the signature check reads the client each time); revoking twice changes nothing.</summary>
    public async Task<ServiceResult> RevokeAsync(Guid id, CancellationToken ct)
    {
        var keyId = await db.Set<ApiClient>().Where(c => c.Id == id).Select(c => c.KeyId).FirstOrDefaultAsync(ct);
        if (keyId is null)
        {
            return new ServiceResult.NotFound();
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var revoked = await db.Set<ApiClient>().Where(c => c.Id == id && c.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, clock.GetUtcNow()), ct);
        if (revoked > 0)
        {
            await audit.RecordAsync("api-client.revoke", keyId, ct: ct);
        }
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    public async Task<IReadOnlyList<ApiClientDto>> ListAsync(CancellationToken ct)
    {
        var rows = await (from r in WithOrganizationName()
                          orderby r.Client.RevokedAt != null, r.Client.CreatedAt descending // active first, newest first
                          select r).ToListAsync(ct);
        return rows.Select(r => ToDto(r.Client, r.OrganizationName)).ToList();
    }

    public async Task<ApiClientDto?> FindAsync(Guid id, CancellationToken ct) =>
        await WithOrganizationName().Where(r => r.Client.Id == id).FirstOrDefaultAsync(ct) is { } r ? ToDto(r.Client, r.OrganizationName) : null;

    // Member-initialised (not a positional record) so EF can still filter and order on it after the projection.
    private sealed class Row
    {
        public required ApiClient Client { get; init; }
        public string? OrganizationName { get; init; }
    }

    private IQueryable<Row> WithOrganizationName()
    {
        var orgs = organizations.Organizations();
        return from c in db.Set<ApiClient>().AsNoTracking()
               select new Row { Client = c, OrganizationName = orgs.Where(o => o.Id == c.OrganizationId).Select(o => o.Name).FirstOrDefault() };
    }

    private static List<string> Scopes(ApiClientInput input) =>
        (input.Scopes ?? []).Select(s => s?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();

    public static ApiClientDto ToDto(ApiClient c, string? organizationName) =>
        new(c.Id, c.Name, c.KeyId, c.OrganizationId, organizationName, ApiScopes.Parse(c.Scopes), c.Algorithm, c.CreatedAt, c.LastUsedAt, c.RevokedAt);
}

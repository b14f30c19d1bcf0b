using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.ApiClients;

/// <summary>
/// Another system that calls the platform's API with signed requests (HMAC-SM3 under the 国密 suite): a provincial
/// system, a partner platform, an organisation's own instrument system. The shared secret is stored encrypted
/// (it must be recoverable to check an HMAC) and shown once, at creation.
/// </summary>
public sealed class ApiClient
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public Guid? OrganizationId { get; set; }

    /// <summary>The public key id the client sends with every request.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>The shared secret, protected by <see cref="Infrastructure.Crypto.FieldProtector"/>.</summary>
    public string SecretProtected { get; set; } = "";

    /// <summary>"hmac-sm3" or "hmac-sha256": fixed at creation from the suite then in force.</summary>
    public string Algorithm { get; set; } = "";

    /// <summary>Space-separated scopes the client may use.</summary>
    public string Scopes { get; set; } = "";
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>A nonce seen with a signed request, kept for the replay window so a captured request cannot be sent twice.</summary>
public sealed class ApiClientNonce
{
    public string KeyId { get; set; } = "";
    public string Nonce { get; set; } = "";
    public DateTimeOffset SeenAt { get; set; }
}

internal sealed class ApiClientConfiguration : IEntityTypeConfiguration<ApiClient>
{
    public void Configure(EntityTypeBuilder<ApiClient> b)
    {
        b.ToTable("api_clients");
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.KeyId).HasMaxLength(40);
        b.Property(x => x.SecretProtected).HasMaxLength(500);
        b.Property(x => x.Algorithm).HasMaxLength(20);
        b.Property(x => x.Scopes).HasMaxLength(500);
        b.HasIndex(x => x.KeyId).IsUnique();
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ApiClientNonceConfiguration : IEntityTypeConfiguration<ApiClientNonce>
{
    public void Configure(EntityTypeBuilder<ApiClientNonce> b)
    {
        b.ToTable("api_client_nonces");
        b.HasKey(x => new { x.KeyId, x.Nonce });
        b.Property(x => x.KeyId).HasMaxLength(40);
        b.Property(x => x.Nonce).HasMaxLength(64);
        b.HasIndex(x => x.SeenAt);
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// A person's one account on the whole platform, valid in every region. In the kernel because the context's Identity
/// tables are built on it and <see cref="CurrentUser"/> answers who is signed in; Accounts creates and manages accounts.
/// </summary>
public sealed class AppUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the password was last set; with <c>Security:PasswordMaxAgeDays</c> it decides expiry.</summary>
    public DateTimeOffset? PasswordChangedAt { get; set; }

    /// <summary>Set when an administrator created the account with an initial password: it must be changed before anything else.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>Mobile number, encrypted at rest by <see cref="Crypto.FieldProtector"/> (SM4-GCM under the 国密 suite).</summary>
    public string? MobileProtected { get; set; }
}

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.Property(x => x.DisplayName).HasMaxLength(100);
        b.Property(x => x.MobileProtected).HasMaxLength(300);
    }
}

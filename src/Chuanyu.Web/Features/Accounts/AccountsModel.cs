using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Accounts;

internal sealed class RegionConfiguration : IEntityTypeConfiguration<Region>
{
    public void Configure(EntityTypeBuilder<Region> b)
    {
        b.ToTable("regions");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(6);
        b.Property(x => x.Name).HasMaxLength(50);
        b.Property(x => x.ShortName).HasMaxLength(10);
    }
}

internal sealed class DistrictConfiguration : IEntityTypeConfiguration<District>
{
    public void Configure(EntityTypeBuilder<District> b)
    {
        b.ToTable("districts");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(6);
        b.Property(x => x.Name).HasMaxLength(50);
        b.Property(x => x.Level).HasMaxLength(20);
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.ParentCode).HasMaxLength(6);
        b.HasOne<Region>().WithMany().HasForeignKey(x => x.RegionCode).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.RegionCode);
    }
}

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> b)
    {
        b.ToTable("organizations");
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Kind).HasMaxLength(30);
        b.Property(x => x.CreditCode).HasMaxLength(18);
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.DistrictCode).HasMaxLength(6);
        b.Property(x => x.Address).HasMaxLength(300);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.StatusNote).HasMaxLength(500);
        b.Property(x => x.LegalRepresentative).HasMaxLength(50);
        b.Property(x => x.LegalRepresentativeId).HasMaxLength(300);
        b.Property(x => x.LegalRepresentativeKey).HasMaxLength(64).IsFixedLength();
        b.HasIndex(x => x.CreditCode).IsUnique();
        b.HasIndex(x => x.LegalRepresentativeKey);
        b.HasIndex(x => new { x.RegionCode, x.Status });
        b.HasOne<Region>().WithMany().HasForeignKey(x => x.RegionCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<District>().WithMany().HasForeignKey(x => x.DistrictCode).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RoleGrantConfiguration : IEntityTypeConfiguration<RoleGrant>
{
    public void Configure(EntityTypeBuilder<RoleGrant> b)
    {
        b.ToTable("role_grants");
        b.Property(x => x.Role).HasMaxLength(30);
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Region>().WithMany().HasForeignKey(x => x.RegionCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.UserId, x.Role, x.RegionCode, x.OrganizationId }).IsUnique();
        b.HasIndex(x => x.OrganizationId);
        // 三员互斥 in the database: at most one of the three separated administrator roles per account, even when two
        // grants race. (Both engines support partial indexes; the SQL is the same.)
        b.HasIndex(x => x.UserId, "ux_role_grants_separated_admin").IsUnique()
            .HasFilter("\"role\" IN ('SystemAdmin', 'SecurityAdmin', 'AuditAdmin')");
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.ToTable("memberships");
        b.Property(x => x.Status).HasMaxLength(20);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.OrganizationId, x.UserId }).IsUnique();
        b.HasIndex(x => new { x.OrganizationId, x.Status });
    }
}

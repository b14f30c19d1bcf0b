using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// A setting changed at run time by an administrator (the security policy by the security administrator, the
/// system configuration by the system administrator), stored as JSON under its key. Configuration files give the
/// defaults; a row here overrides them for every instance.
/// </summary>
public sealed class PlatformSetting
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public Guid? UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class PlatformSettingConfiguration : IEntityTypeConfiguration<PlatformSetting>
{
    public void Configure(EntityTypeBuilder<PlatformSetting> b)
    {
        b.ToTable("platform_settings");
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(100);
        b.Property(x => x.Value).HasMaxLength(8000);
    }
}

/// <summary>
/// A lease that lets one instance of several run a background job (the audit retention job, nonce clean-up): the
/// holder renews it; when it lapses another instance takes over.
/// </summary>
public sealed class JobLease
{
    public string Name { get; set; } = "";
    public string Holder { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> b)
    {
        b.ToTable("job_leases");
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Holder).HasMaxLength(200);
    }
}

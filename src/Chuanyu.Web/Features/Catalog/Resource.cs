using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>The kinds of S&amp;T resource (科技资源) the catalogue holds; experts, results and demands join search with their issues.</summary>
public enum ResourceKind
{
    /// <summary>大型科研仪器</summary>
    Instrument,

    /// <summary>科研设施</summary>
    Facility,

    /// <summary>检验检测服务</summary>
    TestingService,

    /// <summary>科学数据</summary>
    DataSet,

    /// <summary>科技文献</summary>
    Literature,

    /// <summary>生物种质资源</summary>
    GermplasmResource,

    /// <summary>实验材料</summary>
    Material,

    /// <summary>创新平台（重点实验室、技术创新中心…）</summary>
    InnovationPlatform,

    /// <summary>孵化载体</summary>
    Incubator,

    /// <summary>科普资源</summary>
    PopularScience,
}

/// <summary>Where a record is in its life: only published records are public.</summary>
public enum ResourceStatus
{
    Draft,
    Published,
    Retired,
}

/// <summary>Who may use the resource (共享方式).</summary>
public enum SharingStatus
{
    OpenToAll,
    WithinRegion,
    InternalOnly,
    UnderMaintenance,
}

/// <summary>The user types a fee schedule distinguishes.</summary>
public enum FeeUserType
{
    Internal,
    SameRegion,
    OtherRegion,
    Enterprise,
}

public enum CertificationType
{
    Cma,
    Cnas,
}

/// <summary>
/// One catalogue record. The core fields apply to every kind; the instrument fields (model, manufacturer, original
/// value …) are empty for kinds that have none. Money is stored in fen (integer), so range filters and sums are exact
/// on both engines; the API speaks yuan.
/// </summary>
public sealed class Resource
{
    /// <summary>A large instrument by the national sharing rules: original value of at least 50 万元.</summary>
    public const long LargeInstrumentThresholdFen = 500_000_00;

    public Guid Id { get; set; }
    public ResourceKind Kind { get; set; }
    public string Name { get; set; } = "";
    public string? EnglishName { get; set; }
    public Guid OrganizationId { get; set; }
    public string RegionCode { get; set; } = "";
    public string DistrictCode { get; set; } = "";
    public string? Address { get; set; }
    public ResourceStatus Status { get; set; }
    public SharingStatus SharingStatus { get; set; }

    /// <summary>The national large-instrument class (or the kind's own classification).</summary>
    public string? CategoryCode { get; set; }
    public string? Model { get; set; }
    public string? Manufacturer { get; set; }
    public string? CountryOfOrigin { get; set; }
    public long? OriginalValueFen { get; set; }
    public DateOnly? PurchaseDate { get; set; }
    public string? TechnicalIndicators { get; set; }
    public string? MainFunctions { get; set; }
    public string? ApplicationFields { get; set; }
    public string? Keywords { get; set; }

    /// <summary>The public service contact of the owner (a duty phone or mailbox, not a private number).</summary>
    public string? ContactName { get; set; }
    public string? ContactPhone { get; set; }
    public string? ContactEmail { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>Optimistic concurrency: an edit based on an older version is refused (409), not silently merged.</summary>
    public int Version { get; set; }

    public List<ResourceFee> Fees { get; set; } = [];
    public List<ResourceCertification> Certifications { get; set; } = [];
}

public sealed class ResourceFee
{
    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }
    public FeeUserType UserType { get; set; }
    public long PriceFen { get; set; }

    /// <summary>小时, 样品, 项 …</summary>
    public string Unit { get; set; } = "";
    public string? Note { get; set; }
}

public sealed class ResourceCertification
{
    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }
    public CertificationType Type { get; set; }
    public string Number { get; set; } = "";
    public DateOnly? ExpiresOn { get; set; }
}

internal sealed class ResourceConfiguration : IEntityTypeConfiguration<Resource>
{
    public void Configure(EntityTypeBuilder<Resource> b)
    {
        b.ToTable("resources");
        b.Property(x => x.Kind).HasMaxLength(30);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.EnglishName).HasMaxLength(200);
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.DistrictCode).HasMaxLength(6);
        b.Property(x => x.Address).HasMaxLength(300);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.SharingStatus).HasMaxLength(20);
        b.Property(x => x.CategoryCode).HasMaxLength(20);
        b.Property(x => x.Model).HasMaxLength(100);
        b.Property(x => x.Manufacturer).HasMaxLength(200);
        b.Property(x => x.CountryOfOrigin).HasMaxLength(50);
        b.Property(x => x.TechnicalIndicators).HasMaxLength(4000);
        b.Property(x => x.MainFunctions).HasMaxLength(4000);
        b.Property(x => x.ApplicationFields).HasMaxLength(1000);
        b.Property(x => x.Keywords).HasMaxLength(500);
        b.Property(x => x.ContactName).HasMaxLength(50);
        b.Property(x => x.ContactPhone).HasMaxLength(30);
        b.Property(x => x.ContactEmail).HasMaxLength(256);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Region>().WithMany().HasForeignKey(x => x.RegionCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<District>().WithMany().HasForeignKey(x => x.DistrictCode).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Fees).WithOne().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Certifications).WithOne().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.OrganizationId, x.Status });
        b.HasIndex(x => new { x.RegionCode, x.Status });
    }
}

internal sealed class ResourceFeeConfiguration : IEntityTypeConfiguration<ResourceFee>
{
    public void Configure(EntityTypeBuilder<ResourceFee> b)
    {
        b.ToTable("resource_fees");
        b.Property(x => x.UserType).HasMaxLength(20);
        b.Property(x => x.Unit).HasMaxLength(20);
        b.Property(x => x.Note).HasMaxLength(200);
        b.HasIndex(x => new { x.ResourceId, x.UserType }).IsUnique();
    }
}

internal sealed class ResourceCertificationConfiguration : IEntityTypeConfiguration<ResourceCertification>
{
    public void Configure(EntityTypeBuilder<ResourceCertification> b)
    {
        b.ToTable("resource_certifications");
        b.Property(x => x.Type).HasMaxLength(10);
        b.Property(x => x.Number).HasMaxLength(50);
        b.HasIndex(x => new { x.ResourceId, x.Type }).IsUnique();
    }
}

using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Usage;

/// <summary>
/// Time actually used (机时): written when a booking is checked out, and the source of statements and of the annual
/// open-sharing evaluation. External means the user's organisation is not the owner.
/// </summary>
public sealed class UsageRecord
{
    public Guid Id { get; set; }
    public Guid? BookingId { get; set; }

    /// <summary>The service order whose work this was (送样检测), when it came from one rather than a booking.</summary>
    public Guid? ServiceOrderId { get; set; }
    public Guid ResourceId { get; set; }
    public Guid OwnerOrganizationId { get; set; }
    public Guid UserId { get; set; }
    public Guid UserOrganizationId { get; set; }
    public FeeUserType UserType { get; set; }
    public bool External { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset EndedAt { get; set; }
    public int Minutes { get; set; }
    public long FeeFen { get; set; }
}

/// <summary>The kind of an output credited to an instrument (仪器支撑成果), registered by its managers; counted by the evaluation.</summary>
public enum InstrumentOutputKind
{
    /// <summary>论文</summary>
    Paper,

    /// <summary>专利</summary>
    Patent,

    /// <summary>获奖</summary>
    Award,

    /// <summary>科研项目</summary>
    Project,

    /// <summary>标准</summary>
    Standard,

    /// <summary>功能开发（新功能、附件研制、方法开发）</summary>
    FunctionDevelopment,
}

/// <summary>
/// One output credited to an instrument (仪器支撑成果): a result (paper, patent, award, project, standard) or a function
/// development it contributed to. Not a research result of the technology market (科技成果), which is <c>Achievement</c>.
/// </summary>
public sealed class InstrumentOutput
{
    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }
    public InstrumentOutputKind Kind { get; set; }
    public string Title { get; set; } = "";
    public DateOnly AchievedOn { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> b)
    {
        b.ToTable("usage_records");
        b.Property(x => x.UserType).HasMaxLength(20);
        b.HasIndex(x => new { x.ResourceId, x.StartedAt });
        b.HasIndex(x => new { x.UserOrganizationId, x.StartedAt });
        b.HasIndex(x => new { x.OwnerOrganizationId, x.StartedAt });
        b.HasIndex(x => x.BookingId).IsUnique();
        b.HasIndex(x => x.ServiceOrderId).IsUnique();
    }
}

internal sealed class InstrumentOutputConfiguration : IEntityTypeConfiguration<InstrumentOutput>
{
    public void Configure(EntityTypeBuilder<InstrumentOutput> b)
    {
        b.ToTable("instrument_outputs");
        b.Property(x => x.Kind).HasMaxLength(30);
        b.Property(x => x.Title).HasMaxLength(300);
        b.HasOne<Resource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ResourceId, x.AchievedOn });
    }
}

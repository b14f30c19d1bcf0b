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

/// <summary>What an instrument achieved with its use (成果), registered by its managers; counted by the evaluation.</summary>
public enum AchievementKind
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

/// <summary>One result or function development an instrument contributed to (仪器成果登记).</summary>
public sealed class InstrumentAchievement
{
    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }
    public AchievementKind Kind { get; set; }
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

internal sealed class InstrumentAchievementConfiguration : IEntityTypeConfiguration<InstrumentAchievement>
{
    public void Configure(EntityTypeBuilder<InstrumentAchievement> b)
    {
        b.ToTable("instrument_achievements");
        b.Property(x => x.Kind).HasMaxLength(30);
        b.Property(x => x.Title).HasMaxLength(300);
        b.HasOne<Resource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ResourceId, x.AchievedOn });
    }
}

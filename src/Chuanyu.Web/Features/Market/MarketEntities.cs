using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Market;

/// <summary>The kind of a research result (科技成果): the patent kinds of the Patent Law, the other registered rights, and know-how.</summary>
public enum AchievementType
{
    InventionPatent,
    UtilityModel,
    DesignPatent,
    SoftwareCopyright,
    IcLayout,
    NewPlantVariety,
    NewDrug,
    KnowHow,
    Other,
}

/// <summary>The development stage next to the TRL: 研发 / 样品 / 小试 / 中试 / 量产.</summary>
public enum MaturityStage
{
    Research,
    Sample,
    Pilot,
    Trial,
    Production,
}

/// <summary>
/// How a technology may change hands (促进科技成果转化法 Art. 16: 转让, 许可, 作价投资, 合作实施; licences split as the
/// patent licence contract registration does into 独占 / 排他 / 普通). Flags: a result offers several. Stored as the
/// integer mask (not a string as other enums) so a filter on one mode is a bitwise test in SQL.
/// </summary>
[Flags]
public enum TransferModes
{
    None = 0,
    Transfer = 1,
    ExclusiveLicence = 2,
    SoleLicence = 4,
    OrdinaryLicence = 8,
    Equity = 16,
    JointDevelopment = 32,
    TechnicalService = 64,
}

/// <summary>The stored lifecycle state; a Published record past <see cref="MarketRecord.ExpiresAt"/> reads as Expired before the job writes it.</summary>
public enum MarketStatus
{
    Draft,
    PendingReview,
    Published,
    Expired,
    Closed,
}

/// <summary>Why a record was closed (coded, for the statistics the lead's matching and deals read).</summary>
public enum MarketCloseReason
{
    Transferred,
    Withdrawn,
    Outdated,
    Duplicate,
    Other,
}

public enum AccessRequestStatus
{
    Pending,
    Approved,
    Refused,
}

/// <summary>
/// What research results and technology demands share: the owner organisation and its region, the public text, codes,
/// maturity, modes, money in 万元, the lifecycle. Not an entity itself: each table carries these columns.
/// </summary>
public abstract class MarketRecord
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }

    /// <summary>The owner organisation's region (500000 / 510000), copied when created.</summary>
    public string RegionCode { get; set; } = "";

    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";

    /// <summary>GB/T 13745 codes, space-separated with a leading and trailing space (" 430 43025 "): a filter on " 430" finds the 一级学科 and its children.</summary>
    public string DisciplineCodes { get; set; } = " ";

    /// <summary>GB/T 4754 door + division codes (" C38 C39 "), same form as <see cref="DisciplineCodes"/>.</summary>
    public string IndustryCodes { get; set; } = " ";

    /// <summary>Keywords separated by 、 as typed (normalised).</summary>
    public string Keywords { get; set; } = "";

    /// <summary>TRL 1–9 (a demand: the least it asks for).</summary>
    public int Trl { get; set; }

    public MaturityStage Stage { get; set; }
    public TransferModes Modes { get; set; }

    /// <summary>
    /// Price (a result) or budget (a demand) in whole yuan (shown and typed in 万元); both null with <see cref="Negotiable"/>
    /// (面议). Integers, so ranges compare and sort in SQL on both engines (SQLite keeps decimals as text).
    /// </summary>
    public long? PriceMinYuan { get; set; }

    public long? PriceMaxYuan { get; set; }
    public bool Negotiable { get; set; }

    public MarketStatus Status { get; set; }

    /// <summary>When it stops being public (a result: published + validity; a demand: the end of its deadline day, China time).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? ReviewNote { get; set; }
    public MarketCloseReason? CloseReason { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Demo data: illustrative (示例), not a real listing; the page says so.</summary>
    public bool Synthetic { get; set; }

    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A research result (科技成果) an organisation offers.</summary>
public sealed class Achievement : MarketRecord
{
    public AchievementType Type { get; set; }
    public string Description { get; set; } = "";

    /// <summary>Patent or application numbers separated by spaces, normalised (ZL202310123456.7).</summary>
    public string PatentNumbers { get; set; } = "";

    /// <summary>The inventors' names separated by 、 (public, as on the patent).</summary>
    public string Inventors { get; set; } = "";
}

/// <summary>A technology demand (技术需求) an organisation publishes; its details may be confidential.</summary>
public sealed class Demand : MarketRecord
{
    /// <summary>The details: public unless <see cref="Confidential"/>, then only for the owner and approved organisations.</summary>
    public string Details { get; set; } = "";

    public bool Confidential { get; set; }

    /// <summary>The last day answers are wanted (China time); the demand expires at its end.</summary>
    public DateOnly Deadline { get; set; }
}

/// <summary>An organisation's request to read a confidential demand's details, decided by the demand's owner.</summary>
public sealed class DemandAccessRequest
{
    public Guid Id { get; set; }
    public Guid DemandId { get; set; }
    public Guid OrganizationId { get; set; }
    public string Message { get; set; } = "";
    public AccessRequestStatus Status { get; set; }
    public Guid? RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}

/// <summary>A file of a research result (PDF or image), apart from the result so lists never read its bytes.</summary>
public sealed class AchievementAttachment
{
    public Guid Id { get; set; }
    public Guid AchievementId { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public byte[] Content { get; set; } = [];
    public Guid? UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

/// <summary>The columns both lists share; each list's configuration adds its own (and the owner's foreign key, which names Accounts' entity).</summary>
internal static class MarketRecordColumns
{
    public static void Configure<T>(EntityTypeBuilder<T> b) where T : MarketRecord
    {
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.Title).HasMaxLength(MarketRules.MaxTitle);
        b.Property(x => x.Summary).HasMaxLength(MarketRules.MaxSummary);
        b.Property(x => x.DisciplineCodes).HasMaxLength(MarketRules.MaxCodesText);
        b.Property(x => x.IndustryCodes).HasMaxLength(MarketRules.MaxCodesText);
        b.Property(x => x.Keywords).HasMaxLength(MarketRules.MaxKeywords);
        b.Property(x => x.Stage).HasMaxLength(20);
        b.Property(x => x.Modes).HasConversion<int>();
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.ReviewNote).HasMaxLength(MarketRules.MaxNote);
        b.Property(x => x.CloseReason).HasMaxLength(20);
        b.Property(x => x.Version).IsConcurrencyToken();
        // The public lists read published rows by expiry; "mine" reads by organisation and status; the job seeks due rows.
        b.HasIndex(x => new { x.Status, x.ExpiresAt });
        b.HasIndex(x => new { x.OrganizationId, x.Status });
    }
}

internal sealed class AchievementConfiguration : IEntityTypeConfiguration<Achievement>
{
    public void Configure(EntityTypeBuilder<Achievement> b)
    {
        b.ToTable("achievements");
        MarketRecordColumns.Configure(b);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.Type).HasMaxLength(30);
        b.Property(x => x.Description).HasMaxLength(MarketRules.MaxDescription);
        b.Property(x => x.PatentNumbers).HasMaxLength(MarketRules.MaxPatentText);
        b.Property(x => x.Inventors).HasMaxLength(MarketRules.MaxInventors);
        b.HasMany<AchievementAttachment>().WithOne().HasForeignKey(a => a.AchievementId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DemandConfiguration : IEntityTypeConfiguration<Demand>
{
    public void Configure(EntityTypeBuilder<Demand> b)
    {
        b.ToTable("demands");
        MarketRecordColumns.Configure(b);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.Details).HasMaxLength(MarketRules.MaxDescription);
        b.HasMany<DemandAccessRequest>().WithOne().HasForeignKey(a => a.DemandId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DemandAccessRequestConfiguration : IEntityTypeConfiguration<DemandAccessRequest>
{
    public void Configure(EntityTypeBuilder<DemandAccessRequest> b)
    {
        b.ToTable("demand_access_requests");
        b.Property(x => x.Message).HasMaxLength(MarketRules.MaxNote);
        b.Property(x => x.Status).HasMaxLength(20);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        // One request per organisation and demand: asking again reopens it.
        b.HasIndex(x => new { x.DemandId, x.OrganizationId }).IsUnique();
        b.HasIndex(x => x.OrganizationId);
    }
}

internal sealed class AchievementAttachmentConfiguration : IEntityTypeConfiguration<AchievementAttachment>
{
    public void Configure(EntityTypeBuilder<AchievementAttachment> b)
    {
        b.ToTable("achievement_attachments");
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.ContentType).HasMaxLength(50);
        b.HasIndex(x => x.AchievementId);
    }
}

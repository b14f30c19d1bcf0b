using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Contracts;
using Chuanyu.Web.Features.Market;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Deals;

/// <summary>技术经理人职业能力等级 (the national occupational standard's three levels): 初级, 中级, 高级.</summary>
public enum TechManagerLevel
{
    Junior,
    Intermediate,
    Senior,
}

/// <summary>A profile waits for a region administrator of the manager's region; only an approved manager takes deals.</summary>
public enum TechManagerStatus
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>Where a deal came from: a match, an expressed interest, a matchmaking event, or the manager's own lead.</summary>
public enum DealSource
{
    Match,
    Interest,
    Event,
    Direct,
}

/// <summary>线索 → 保密协议 → 洽谈 → 合同签订 → 已登记, or 关闭 from any open stage.</summary>
public enum DealStage
{
    Lead,
    Nda,
    Negotiation,

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Signed (contract signed): the stage's name, not a type.")]
    Signed,
    Registered,
    Closed,
}

/// <summary>Why a deal was closed (coded, so the dashboard can count them).</summary>
public enum DealCloseReason
{
    PriceGap,
    TechnicalMismatch,
    PartyWithdrew,
    PolicyObstacle,
    Duplicate,
    Other,
}

/// <summary>
/// A technology manager (技术经理人, issue 17 point 4): one profile per user, with their organisation (a verified one they
/// belong to, or a verified intermediary), qualification and fields. The phone is personal data: stored encrypted
/// (<c>FieldProtector</c>), masked in lists, shown in full only to the manager and the reviewing administrators (audited).
/// </summary>
public sealed class TechManagerProfile
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }

    /// <summary>The name on the public list (the account's display name when registered).</summary>
    public string DisplayName { get; set; } = "";

    public Guid OrganizationId { get; set; }

    /// <summary>500000 or 510000: the region whose administrators review the profile.</summary>
    public string RegionCode { get; set; } = "";

    public TechManagerLevel Level { get; set; }
    public string CertificateNumber { get; set; } = "";
    public DateOnly CertificateIssuedOn { get; set; }

    /// <summary>GB/T 13745 codes as the market keeps them: space separated with a space at each end (" 430 510 ").</summary>
    public string Disciplines { get; set; } = " ";

    public string? PhoneProtected { get; set; }

    /// <summary>The phone's masked form (138****1234), kept so lists never decrypt.</summary>
    public string? PhoneMasked { get; set; }

    public TechManagerStatus Status { get; set; }
    public string? ReviewNote { get; set; }
    public Guid? ReviewedBy { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public bool Synthetic { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// A deal (交易撮合) carried by an approved technology manager from a research result and/or a technology demand to a
/// signed and registered contract, or closed with a coded reason. The parties (the result's and the demand's
/// organisations and regions) are copied when the deal is created: they decide who may read it.
/// </summary>
public sealed class Deal
{
    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public Guid ManagerId { get; set; }
    public Guid ManagerUserId { get; set; }
    public string ManagerRegion { get; set; } = "";

    public Guid? AchievementId { get; set; }
    public string? AchievementTitle { get; set; }
    public Guid? SellerOrganizationId { get; set; }
    public string? SellerRegion { get; set; }

    public Guid? DemandId { get; set; }
    public string? DemandTitle { get; set; }
    public Guid? BuyerOrganizationId { get; set; }
    public string? BuyerRegion { get; set; }

    public DealSource Source { get; set; }

    /// <summary>The match, interest or event meeting the deal came from (no foreign key: those records belong to other features).</summary>
    public Guid? SourceRef { get; set; }

    public DealStage Stage { get; set; }
    public DateTimeOffset StageChangedAt { get; set; }

    /// <summary>When the deal reached 合同签订 (kept after a later close): the dashboard's conversion counts it.</summary>
    public DateTimeOffset? SignedAt { get; set; }

    public DealCloseReason? CloseReason { get; set; }
    public string? CloseNote { get; set; }

    /// <summary>The registered technology contract (技术合同登记) once the deal is <see cref="DealStage.Registered"/>.</summary>
    public Guid? ContractId { get; set; }

    public bool Synthetic { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>One step of a deal's timeline: the stage reached, when and by whom.</summary>
public sealed class DealStageChange
{
    public Guid Id { get; set; }
    public Guid DealId { get; set; }
    public DealStage? FromStage { get; set; }
    public DealStage ToStage { get; set; }
    public Guid? ByUserId { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>A note written at a stage.</summary>
public sealed class DealNote
{
    public Guid Id { get; set; }
    public Guid DealId { get; set; }
    public DealStage Stage { get; set; }
    public string Text { get; set; } = "";
    public Guid? AuthorUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A document of a stage (NDA, term sheet, photos, the signed contract): PDF, image or .docx, checked by <c>Uploads</c>.</summary>
public sealed class DealDocument
{
    public Guid Id { get; set; }
    public Guid DealId { get; set; }
    public DealStage Stage { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public byte[] Content { get; set; } = [];
    public Guid? UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

internal sealed class TechManagerProfileConfiguration : IEntityTypeConfiguration<TechManagerProfile>
{
    public void Configure(EntityTypeBuilder<TechManagerProfile> b)
    {
        b.ToTable("tech_manager_profiles");
        b.Property(x => x.DisplayName).HasMaxLength(DealRules.MaxName);
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.Level).HasMaxLength(20);
        b.Property(x => x.CertificateNumber).HasMaxLength(DealRules.MaxCertificate);
        b.Property(x => x.Disciplines).HasMaxLength(DealRules.MaxCodesText);
        b.Property(x => x.PhoneProtected).HasMaxLength(300);
        b.Property(x => x.PhoneMasked).HasMaxLength(20);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.ReviewNote).HasMaxLength(DealRules.MaxNote);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.UserId).IsUnique();
        b.HasIndex(x => new { x.RegionCode, x.Status });
        b.HasIndex(x => x.OrganizationId);
    }
}

internal sealed class DealConfiguration : IEntityTypeConfiguration<Deal>
{
    public void Configure(EntityTypeBuilder<Deal> b)
    {
        b.ToTable("deals");
        b.Property(x => x.Title).HasMaxLength(DealRules.MaxTitle);
        b.Property(x => x.ManagerRegion).HasMaxLength(6);
        b.Property(x => x.AchievementTitle).HasMaxLength(DealRules.MaxTitle);
        b.Property(x => x.SellerRegion).HasMaxLength(6);
        b.Property(x => x.DemandTitle).HasMaxLength(DealRules.MaxTitle);
        b.Property(x => x.BuyerRegion).HasMaxLength(6);
        b.Property(x => x.Source).HasMaxLength(20);
        b.Property(x => x.Stage).HasMaxLength(20);
        b.Property(x => x.CloseReason).HasMaxLength(30);
        b.Property(x => x.CloseNote).HasMaxLength(DealRules.MaxNote);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<TechManagerProfile>().WithMany().HasForeignKey(x => x.ManagerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Achievement>().WithMany().HasForeignKey(x => x.AchievementId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Demand>().WithMany().HasForeignKey(x => x.DemandId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<TechContract>().WithMany().HasForeignKey(x => x.ContractId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ManagerUserId, x.Stage });
        b.HasIndex(x => x.SellerOrganizationId);
        b.HasIndex(x => x.BuyerOrganizationId);
        b.HasIndex(x => x.AchievementId);
        b.HasIndex(x => x.DemandId);
        b.HasIndex(x => x.ContractId);
        b.HasMany<DealStageChange>().WithOne().HasForeignKey(x => x.DealId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany<DealNote>().WithOne().HasForeignKey(x => x.DealId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany<DealDocument>().WithOne().HasForeignKey(x => x.DealId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DealStageChangeConfiguration : IEntityTypeConfiguration<DealStageChange>
{
    public void Configure(EntityTypeBuilder<DealStageChange> b)
    {
        b.ToTable("deal_stage_changes");
        b.Property(x => x.FromStage).HasMaxLength(20);
        b.Property(x => x.ToStage).HasMaxLength(20);
        b.HasIndex(x => x.DealId);
    }
}

internal sealed class DealNoteConfiguration : IEntityTypeConfiguration<DealNote>
{
    public void Configure(EntityTypeBuilder<DealNote> b)
    {
        b.ToTable("deal_notes");
        b.Property(x => x.Stage).HasMaxLength(20);
        b.Property(x => x.Text).HasMaxLength(DealRules.MaxNote);
        b.HasIndex(x => x.DealId);
    }
}

internal sealed class DealDocumentConfiguration : IEntityTypeConfiguration<DealDocument>
{
    public void Configure(EntityTypeBuilder<DealDocument> b)
    {
        b.ToTable("deal_documents");
        b.Property(x => x.Stage).HasMaxLength(20);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.ContentType).HasMaxLength(100);
        b.HasIndex(x => x.DealId);
    }
}

using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Experts;

public enum ExpertGender
{
    Male,
    Female,
}

/// <summary>职称 level: 正高 (full senior), 副高 (associate senior), 中级 (intermediate), 其他.</summary>
public enum TitleLevel
{
    FullSenior,
    AssociateSenior,
    Intermediate,
    Other,
}

/// <summary>The categories of 渝科局发〔2023〕68号 (重庆市科技专家库管理办法): 技术类, 管理类, 财经类, 其他类.</summary>
public enum ExpertCategory
{
    Technical,
    Management,
    Finance,
    Other,
}

/// <summary>How an expert entered the pool (渝科局发〔2023〕68号): open call (公开征集), invitation (邀请), exchange with the other region (跨区域交换).</summary>
public enum ExpertEntryRoute
{
    OpenCall,
    Invitation,
    RegionalExchange,
}

public enum ExpertAvailability
{
    Available,
    Limited,
    Unavailable,
}

/// <summary>Active experts can be found and (later) drawn; suspended ones are kept out for a while; removed ones for good, with the reason.</summary>
public enum ExpertStatus
{
    Active,
    Suspended,
    Removed,
}

/// <summary>
/// An expert of the pool (科技专家库). Phone, e-mail and ID number are personal data: stored encrypted by the
/// platform's <see cref="Infrastructure.Crypto.FieldProtector"/> (SM4-GCM under the 国密 suite), shown masked, revealed
/// only through an audited view. The ID number's blind index finds the same person twice (an import's duplicates) and,
/// later, an expert who is also an applicant's named person, without decrypting anything.
/// </summary>
public sealed class Expert
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public ExpertGender Gender { get; set; }
    public int BirthYear { get; set; }
    public TitleLevel TitleLevel { get; set; }
    public string? Position { get; set; }

    /// <summary>The institution the expert works at (an organisation of the platform): avoidance compares it with applicants.</summary>
    public Guid OrganizationId { get; set; }

    /// <summary>The pool the expert belongs to (500000 重庆, 510000 四川): its administrators manage the expert.</summary>
    public string RegionCode { get; set; } = "";

    public ExpertCategory Category { get; set; }
    public ExpertEntryRoute EntryRoute { get; set; }
    public int YearsInField { get; set; }

    /// <summary>高层次专家 (academicians, national talent programmes): the age limit is 70 instead of 65.</summary>
    public bool HighLevel { get; set; }

    /// <summary>The primary GB/T 13745 code; also one of <see cref="ExpertDiscipline"/> rows.</summary>
    public string PrimaryDiscipline { get; set; } = "";

    /// <summary>Industry fields, keywords and languages: short lists kept as text separated by 、 (searched, not joined).</summary>
    public string IndustryFields { get; set; } = "";

    public string Keywords { get; set; } = "";
    public string Languages { get; set; } = "";
    public ExpertAvailability Availability { get; set; }
    public ExpertStatus Status { get; set; }
    public string? StatusReason { get; set; }
    public DateTimeOffset? StatusChangedAt { get; set; }

    /// <summary>Unexplained no-shows at reviews: two of them remove the expert (渝科局发〔2023〕68号); counted by the review activities.</summary>
    public int NoShowCount { get; set; }

    /// <summary>The account of an expert who signs in to keep the profile (the Expert role); null for imported experts without one.</summary>
    public Guid? UserId { get; set; }

    public string? PhoneProtected { get; set; }
    public string? EmailProtected { get; set; }
    public string IdNumberProtected { get; set; } = "";

    /// <summary>Blind index of the normalised ID number (<see cref="Infrastructure.Crypto.FieldProtector.BlindIndex"/>): one profile per person.</summary>
    public string IdNumberKey { get; set; } = "";

    /// <summary>Demo and load-test data: a made-up person (the name carries 示例 as well).</summary>
    public bool Synthetic { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>One discipline code of an expert (several, one primary): a row so that a draw's "discipline 430" is an index seek.</summary>
public sealed class ExpertDiscipline
{
    public Guid ExpertId { get; set; }
    public string Code { get; set; } = "";
    public bool IsPrimary { get; set; }
}

internal sealed class ExpertConfiguration : IEntityTypeConfiguration<Expert>
{
    public void Configure(EntityTypeBuilder<Expert> b)
    {
        b.ToTable("experts");
        b.Property(x => x.Name).HasMaxLength(ExpertRules.MaxNameLength);
        b.Property(x => x.Gender).HasMaxLength(10);
        b.Property(x => x.TitleLevel).HasMaxLength(20);
        b.Property(x => x.Position).HasMaxLength(ExpertRules.MaxPositionLength);
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.Category).HasMaxLength(20);
        b.Property(x => x.EntryRoute).HasMaxLength(20);
        b.Property(x => x.PrimaryDiscipline).HasMaxLength(7);
        b.Property(x => x.IndustryFields).HasMaxLength(ExpertRules.MaxListLength);
        b.Property(x => x.Keywords).HasMaxLength(ExpertRules.MaxListLength);
        b.Property(x => x.Languages).HasMaxLength(ExpertRules.MaxLanguagesLength);
        b.Property(x => x.Availability).HasMaxLength(20);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.StatusReason).HasMaxLength(500);
        b.Property(x => x.PhoneProtected).HasMaxLength(300);
        b.Property(x => x.EmailProtected).HasMaxLength(500);
        b.Property(x => x.IdNumberProtected).HasMaxLength(300);
        b.Property(x => x.IdNumberKey).HasMaxLength(64).IsFixedLength();
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.SetNull);
        // One profile per person (the ID number's blind index) and per account.
        b.HasIndex(x => x.IdNumberKey).IsUnique();
        b.HasIndex(x => x.UserId).IsUnique();
        b.HasIndex(x => new { x.RegionCode, x.Status });
        b.HasIndex(x => x.OrganizationId);
        b.HasMany<ExpertDiscipline>().WithOne().HasForeignKey(d => d.ExpertId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExpertDisciplineConfiguration : IEntityTypeConfiguration<ExpertDiscipline>
{
    public void Configure(EntityTypeBuilder<ExpertDiscipline> b)
    {
        b.ToTable("expert_disciplines");
        b.HasKey(x => new { x.ExpertId, x.Code });
        b.Property(x => x.Code).HasMaxLength(7);
        b.HasIndex(x => x.Code);
    }
}

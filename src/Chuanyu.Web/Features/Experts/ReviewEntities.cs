using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Experts;

/// <summary>The kinds of 评审活动: 项目评审, 奖励评审, 评估评价, 咨询论证.</summary>
public enum ReviewKind
{
    ProjectReview,
    AwardReview,
    Evaluation,
    Consulting,
}

/// <summary>
/// Draft (items, exclusions and panel being set up) → Drawn (the panel is drawn and sealed, invitations out) →
/// Closed (the review window is over and the draw's seed revealed); Cancelled before the review.
/// </summary>
public enum ReviewActivityStatus
{
    Draft,
    Drawn,
    Closed,
    Cancelled,
}

/// <summary>
/// A review activity (评审活动) of one region: what is reviewed, by whom it may not be reviewed, and the panel wanted.
/// The panel's rules are counts and shares as the regulations state them; the draw turns shares into counts.
/// </summary>
public sealed class ReviewActivity
{
    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public ReviewKind Kind { get; set; }
    public string? Description { get; set; }

    /// <summary>The region whose administrators run it (500000, 510000); "the other region" is any other.</summary>
    public string RegionCode { get; set; } = "";

    /// <summary>The administrator who created it: until the review opens only they see the drawn names (the list is sealed).</summary>
    public Guid OwnerId { get; set; }

    /// <summary>GB/T 13745 codes the panel is drawn from (3-digit codes match their 5-digit codes), separated by commas; empty: every discipline.</summary>
    public string Disciplines { get; set; } = "";

    public int PanelSize { get; set; }
    public int Alternates { get; set; }

    /// <summary>Minimum share of senior titles (正高 or 副高) on the panel, in percent.</summary>
    public int MinSeniorPercent { get; set; }

    /// <summary>Minimum panel members from the other region.</summary>
    public int MinOtherRegion { get; set; }

    public bool OnePerInstitution { get; set; }

    /// <summary>An expert who served on a panel whose review ended fewer than this many days ago is not drawn (cool-down).</summary>
    public int CoolDownDays { get; set; }

    public DateTimeOffset ReviewStartsAt { get; set; }
    public DateTimeOffset ReviewEndsAt { get; set; }

    /// <summary>Invited experts answer by then; no answer counts as a decline and a substitute is drawn.</summary>
    public DateTimeOffset ResponseDeadline { get; set; }

    public ReviewActivityStatus Status { get; set; }
    public bool Synthetic { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>One item under review (a project, an award nomination …) with its applicant organisation.</summary>
public sealed class ReviewItem
{
    public Guid Id { get; set; }
    public Guid ActivityId { get; set; }
    public int Position { get; set; }
    public string Title { get; set; } = "";
    public Guid ApplicantOrganizationId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A person named on an item (applicant, project leader, member). Only the name and the blind index of the ID number are
/// kept: enough to keep the person and those who declared a relation to them off the panel, nothing to decrypt.
/// </summary>
public sealed class ReviewItemPerson
{
    public Guid Id { get; set; }
    public Guid ItemId { get; set; }
    public string Name { get; set; } = "";
    public string IdNumberKey { get; set; } = "";
}

/// <summary>Why an expert is kept off one activity by request rather than by a rule the system applies itself.</summary>
public enum ExclusionSource
{
    /// <summary>The applicant asked (at most three per item).</summary>
    Applicant,

    /// <summary>The activity's administrator, with a reason.</summary>
    Administrator,

    /// <summary>The expert declared a conflict of interest when invited.</summary>
    ExpertDeclared,
}

/// <summary>An expert kept off one activity on request (回避申请).</summary>
public sealed class ReviewExclusion
{
    public Guid Id { get; set; }
    public Guid ActivityId { get; set; }
    public Guid? ItemId { get; set; }
    public Guid ExpertId { get; set; }
    public ExclusionSource Source { get; set; }
    public string Reason { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Relations an expert declares (or their administrator records) that require avoidance.</summary>
public enum ExpertRelationKind
{
    /// <summary>Worked at the organisation; counts until three years after <see cref="ExpertRelation.EndedOn"/>.</summary>
    FormerEmployer,
    PartTimePost,
    Collaboration,
    SupervisorOrStudent,
    Kinship,
    Other,
}

/// <summary>A declared relation of an expert to an organisation or to a person (by the blind index of the ID number).</summary>
public sealed class ExpertRelation
{
    public Guid Id { get; set; }
    public Guid ExpertId { get; set; }
    public ExpertRelationKind Kind { get; set; }
    public Guid? OrganizationId { get; set; }
    public string? PersonName { get; set; }
    public string? PersonIdNumberKey { get; set; }

    /// <summary>When the relation ended (null: ongoing). A relation ended more than three years ago no longer counts.</summary>
    public DateOnly? EndedOn { get; set; }

    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One committed draw of an activity: the frozen candidate list (its hash published at once), the commitment to the
/// seed (its hash) and the seed itself, encrypted until it is revealed after the review. The first draw fills the
/// panel; a later one fills the seats that the alternates could not.
/// </summary>
public sealed class ReviewDraw
{
    public Guid Id { get; set; }
    public Guid ActivityId { get; set; }
    public int Sequence { get; set; }

    /// <summary>"sha256" or "sm3": the platform's hash suite when the draw was made.</summary>
    public string HashAlgorithm { get; set; } = "";

    public string CandidateListHash { get; set; } = "";
    public string Commitment { get; set; } = "";

    /// <summary>The seed, encrypted by the field protector until <see cref="SeedRevealed"/> is set.</summary>
    public string SeedProtected { get; set; } = "";

    /// <summary>The seed in hex once revealed (after the review).</summary>
    public string? SeedRevealed { get; set; }

    /// <summary>The frozen candidate list as JSON (id, institution, region, senior), sorted by id.</summary>
    public string CandidatesJson { get; set; } = "";

    public int CandidateCount { get; set; }

    /// <summary>How many experts each avoidance rule kept off the list, as JSON ({ rule: count }).</summary>
    public string ExclusionCounts { get; set; } = "";

    public int PanelSize { get; set; }
    public int Alternates { get; set; }
    public int MinSenior { get; set; }
    public string HomeRegion { get; set; } = "";
    public int MinOtherRegion { get; set; }
    public bool OnePerInstitution { get; set; }

    public Guid DrawnBy { get; set; }
    public DateTimeOffset DrawnAt { get; set; }
    public DateTimeOffset? RevealedAt { get; set; }
}

public enum SeatRole
{
    Member,
    Alternate,
}

/// <summary>An invitation's state. Alternates wait as Reserve until they are called.</summary>
public enum SeatStatus
{
    Reserve,
    Invited,
    Accepted,
    Declined,
    ConflictDeclared,
    NoAnswer,
}

/// <summary>An expert drawn for an activity: a panel seat or an alternate, with the invitation's answer.</summary>
public sealed class ReviewSeat
{
    public Guid Id { get; set; }
    public Guid ActivityId { get; set; }
    public Guid DrawId { get; set; }
    public Guid ExpertId { get; set; }
    public SeatRole Role { get; set; }

    /// <summary>The order in the draw (panel members first, then alternates).</summary>
    public int Position { get; set; }

    public SeatStatus Status { get; set; }

    /// <summary>The seat this one took over (an alternate called for a member who declined).</summary>
    public Guid? ReplacesSeatId { get; set; }

    public string? ResponseNote { get; set; }
    public DateTimeOffset? InvitedAt { get; set; }

    /// <summary>When the invitation lapses: the activity's deadline, or two days for a substitute called later (never after the review starts).</summary>
    public DateTimeOffset? AnswerBy { get; set; }
    public DateTimeOffset? RespondedAt { get; set; }
    public int Version { get; set; }
}

internal sealed class ReviewActivityConfiguration : IEntityTypeConfiguration<ReviewActivity>
{
    public void Configure(EntityTypeBuilder<ReviewActivity> b)
    {
        b.ToTable("review_activities");
        b.Property(x => x.Title).HasMaxLength(ReviewRules.MaxTitleLength);
        b.Property(x => x.Kind).HasMaxLength(20);
        b.Property(x => x.Description).HasMaxLength(ReviewRules.MaxDescriptionLength);
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.Disciplines).HasMaxLength(200);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.RegionCode, x.Status });
        b.HasMany<ReviewItem>().WithOne().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany<ReviewExclusion>().WithOne().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany<ReviewDraw>().WithOne().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany<ReviewSeat>().WithOne().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReviewItemConfiguration : IEntityTypeConfiguration<ReviewItem>
{
    public void Configure(EntityTypeBuilder<ReviewItem> b)
    {
        b.ToTable("review_items");
        b.Property(x => x.Title).HasMaxLength(ReviewRules.MaxTitleLength);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.ApplicantOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ActivityId, x.Position });
        b.HasIndex(x => x.ApplicantOrganizationId);
        b.HasMany<ReviewItemPerson>().WithOne().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReviewItemPersonConfiguration : IEntityTypeConfiguration<ReviewItemPerson>
{
    public void Configure(EntityTypeBuilder<ReviewItemPerson> b)
    {
        b.ToTable("review_item_persons");
        b.Property(x => x.Name).HasMaxLength(ExpertRules.MaxNameLength);
        b.Property(x => x.IdNumberKey).HasMaxLength(64).IsFixedLength();
        b.HasIndex(x => x.ItemId);
        b.HasIndex(x => x.IdNumberKey);
    }
}

internal sealed class ReviewExclusionConfiguration : IEntityTypeConfiguration<ReviewExclusion>
{
    public void Configure(EntityTypeBuilder<ReviewExclusion> b)
    {
        b.ToTable("review_exclusions");
        b.Property(x => x.Source).HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(ExpertRules.MaxReasonLength);
        b.HasOne<ReviewItem>().WithMany().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Expert>().WithMany().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ActivityId, x.ExpertId });
        b.HasIndex(x => x.ItemId);
        b.HasIndex(x => x.ExpertId);
    }
}

internal sealed class ExpertRelationConfiguration : IEntityTypeConfiguration<ExpertRelation>
{
    public void Configure(EntityTypeBuilder<ExpertRelation> b)
    {
        b.ToTable("expert_relations");
        b.Property(x => x.Kind).HasMaxLength(30);
        b.Property(x => x.PersonName).HasMaxLength(ExpertRules.MaxNameLength);
        b.Property(x => x.PersonIdNumberKey).HasMaxLength(64).IsFixedLength();
        b.Property(x => x.Note).HasMaxLength(ExpertRules.MaxReasonLength);
        b.HasOne<Expert>().WithMany().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.ExpertId);
        b.HasIndex(x => x.OrganizationId);
        b.HasIndex(x => x.PersonIdNumberKey);
    }
}

internal sealed class ReviewDrawConfiguration : IEntityTypeConfiguration<ReviewDraw>
{
    public void Configure(EntityTypeBuilder<ReviewDraw> b)
    {
        b.ToTable("review_draws");
        b.Property(x => x.HashAlgorithm).HasMaxLength(10);
        b.Property(x => x.CandidateListHash).HasMaxLength(64);
        b.Property(x => x.Commitment).HasMaxLength(64);
        b.Property(x => x.SeedProtected).HasMaxLength(300);
        b.Property(x => x.SeedRevealed).HasMaxLength(64);
        b.Property(x => x.ExclusionCounts).HasMaxLength(1000);
        b.Property(x => x.HomeRegion).HasMaxLength(6);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.DrawnBy).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ActivityId, x.Sequence }).IsUnique();
    }
}

internal sealed class ReviewSeatConfiguration : IEntityTypeConfiguration<ReviewSeat>
{
    public void Configure(EntityTypeBuilder<ReviewSeat> b)
    {
        b.ToTable("review_seats");
        b.Property(x => x.Role).HasMaxLength(20);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.ResponseNote).HasMaxLength(ExpertRules.MaxReasonLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<ReviewDraw>().WithMany().HasForeignKey(x => x.DrawId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Expert>().WithMany().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ReviewSeat>().WithMany().HasForeignKey(x => x.ReplacesSeatId).OnDelete(DeleteBehavior.Restrict);
        // An expert holds at most one seat in an activity (drawn once; a redraw leaves out everyone already drawn).
        b.HasIndex(x => new { x.ActivityId, x.ExpertId }).IsUnique();
        b.HasIndex(x => new { x.ExpertId, x.Status });
        b.HasIndex(x => x.DrawId);
        b.HasIndex(x => x.ReplacesSeatId);
    }
}

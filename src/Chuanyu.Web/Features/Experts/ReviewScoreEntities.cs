using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// A criterion (评审指标) of an activity: what each panel member scores every item on, 0..<see cref="MaxScore"/>, weighted.
/// Set while the activity is a draft; an activity without criteria is scored on one implied criterion
/// (<see cref="ReviewScoreMath.ImpliedCriterion"/>: 综合评价, max 100, weight 1).
/// </summary>
public sealed class ReviewCriterion
{
    public Guid Id { get; set; }
    public Guid ActivityId { get; set; }
    public int Position { get; set; }
    public string Name { get; set; } = "";
    public int MaxScore { get; set; }
    public decimal Weight { get; set; }
}

/// <summary>
/// One panel member's scores for one item: the score per criterion in criterion order (comma-separated integers), the
/// weighted total on 0–100, the comment; or a conflict declared on the item instead, which takes the seat out of the item.
/// </summary>
public sealed class ReviewScoreSheet
{
    public Guid Id { get; set; }
    public Guid ActivityId { get; set; }
    public Guid SeatId { get; set; }
    public Guid ItemId { get; set; }

    /// <summary>"8,15,40": the scores in the order of the criteria (empty when a conflict is declared).</summary>
    public string Scores { get; set; } = "";

    /// <summary>Σ weight·score / Σ weight·max × 100; null when a conflict is declared.</summary>
    public double? Total { get; set; }

    public string? Comment { get; set; }
    public bool ConflictDeclared { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>The administrator's rating of one panel member's work in one activity (专家履职评价): 1 差 … 5 优秀.</summary>
public sealed class ReviewRating
{
    public Guid Id { get; set; }
    public Guid ActivityId { get; set; }
    public Guid SeatId { get; set; }
    public Guid ExpertId { get; set; }
    public int Rating { get; set; }
    public string? Note { get; set; }
    public Guid RatedBy { get; set; }
    public DateTimeOffset RatedAt { get; set; }
}

/// <summary>
/// An accepted panel member who did not take part (缺席). Explained (with the reason) it does not count; unexplained it
/// counts towards <see cref="Expert.NoShowCount"/>. One per seat, so marking twice never counts twice.
/// </summary>
public sealed class ReviewNoShow
{
    public Guid Id { get; set; }
    public Guid ActivityId { get; set; }
    public Guid SeatId { get; set; }
    public Guid ExpertId { get; set; }
    public bool Explained { get; set; }
    public string? Reason { get; set; }
    public Guid MarkedBy { get; set; }
    public DateTimeOffset MarkedAt { get; set; }
}

internal sealed class ReviewCriterionConfiguration : IEntityTypeConfiguration<ReviewCriterion>
{
    public void Configure(EntityTypeBuilder<ReviewCriterion> b)
    {
        b.ToTable("review_criteria");
        b.Property(x => x.Name).HasMaxLength(ReviewScoreMath.MaxCriterionNameLength);
        b.Property(x => x.Weight).HasPrecision(9, 4);
        b.HasOne<ReviewActivity>().WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ActivityId, x.Position }).IsUnique();
    }
}

internal sealed class ReviewScoreSheetConfiguration : IEntityTypeConfiguration<ReviewScoreSheet>
{
    public void Configure(EntityTypeBuilder<ReviewScoreSheet> b)
    {
        b.ToTable("review_score_sheets");
        b.Property(x => x.Scores).HasMaxLength(400);
        b.Property(x => x.Comment).HasMaxLength(ReviewScoreMath.MaxCommentLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<ReviewActivity>().WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ReviewSeat>().WithMany().HasForeignKey(x => x.SeatId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ReviewItem>().WithMany().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.SeatId, x.ItemId }).IsUnique();
        b.HasIndex(x => x.ActivityId);
        b.HasIndex(x => x.ItemId);
    }
}

internal sealed class ReviewRatingConfiguration : IEntityTypeConfiguration<ReviewRating>
{
    public void Configure(EntityTypeBuilder<ReviewRating> b)
    {
        b.ToTable("review_ratings");
        b.Property(x => x.Note).HasMaxLength(ExpertRules.MaxReasonLength);
        b.HasOne<ReviewActivity>().WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ReviewSeat>().WithMany().HasForeignKey(x => x.SeatId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Expert>().WithMany().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.RatedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.SeatId).IsUnique();
        b.HasIndex(x => x.ActivityId);
        b.HasIndex(x => x.ExpertId);
        b.HasIndex(x => x.RatedBy);
    }
}

internal sealed class ReviewNoShowConfiguration : IEntityTypeConfiguration<ReviewNoShow>
{
    public void Configure(EntityTypeBuilder<ReviewNoShow> b)
    {
        b.ToTable("review_no_shows");
        b.Property(x => x.Reason).HasMaxLength(ExpertRules.MaxReasonLength);
        b.HasOne<ReviewActivity>().WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ReviewSeat>().WithMany().HasForeignKey(x => x.SeatId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Expert>().WithMany().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.MarkedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.SeatId).IsUnique();
        b.HasIndex(x => x.ActivityId);
        b.HasIndex(x => x.ExpertId);
        b.HasIndex(x => x.MarkedBy);
    }
}

using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Market;

/// <summary>From which record's match list a pair was seen: a demand's (the reaction is about a result) or a result's (about a demand).</summary>
public enum MatchSide
{
    Demand,
    Achievement,
}

public enum MatchReactionKind
{
    Saved,
    Dismissed,
    Interested,
}

/// <summary>Why a match was dismissed (coded, so the owner sees the reasons counted).</summary>
public enum MatchDismissReason
{
    TooEarly,
    TooExpensive,
    NotOurField,
    AlreadyKnown,
    Other,
}

/// <summary>
/// An organisation's reaction to one (demand, result) pair seen from one side: saved, dismissed with a coded reason, or
/// interest with a message for the owner of the other record. One row per organisation, pair and side: a new reaction
/// replaces the last.
/// </summary>
public sealed class MatchReaction
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }
    public Guid DemandId { get; set; }
    public Guid AchievementId { get; set; }
    public MatchSide Side { get; set; }
    public MatchReactionKind Kind { get; set; }
    public MatchDismissReason? Reason { get; set; }

    /// <summary>The interest message, or the note of a dismissal for "Other".</summary>
    public string? Note { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class MatchReactionConfiguration : IEntityTypeConfiguration<MatchReaction>
{
    public void Configure(EntityTypeBuilder<MatchReaction> b)
    {
        b.ToTable("match_reactions");
        b.Property(x => x.Side).HasMaxLength(20);
        b.Property(x => x.Kind).HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(20);
        b.Property(x => x.Note).HasMaxLength(MarketMatching.MaxMessage);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Demand>().WithMany().HasForeignKey(x => x.DemandId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Achievement>().WithMany().HasForeignKey(x => x.AchievementId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.OrganizationId, x.DemandId, x.AchievementId, x.Side }).IsUnique().HasDatabaseName("ix_match_reactions_organization_pair_side"); // PostgreSQL names stop at 63 characters
        // The owner's interest section reads by its record.
        b.HasIndex(x => x.DemandId);
        b.HasIndex(x => x.AchievementId);
    }
}

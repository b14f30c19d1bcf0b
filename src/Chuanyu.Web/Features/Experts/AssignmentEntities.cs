using Chuanyu.Matching.Assignment;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Experts;

/// <summary>Where a bulk assignment run is: queued at upload, running on the instance that holds the lease, then done or failed.</summary>
public enum AssignmentRunStatus
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>
/// A bulk assignment (批量分配, issue 16 point 7): the proposals of one uploaded call, the options, and once the job has
/// run the figures of <see cref="AssignmentReport"/> (total affinity against the greedy baseline on the same candidates).
/// </summary>
public sealed class AssignmentRun
{
    public Guid Id { get; set; }

    /// <summary>The region whose administrators started and may read the run.</summary>
    public string RegionCode { get; set; } = "";

    public Guid OwnerId { get; set; }
    public string FileName { get; set; } = "";

    /// <summary>Experts per proposal (k).</summary>
    public int PerProposal { get; set; }

    /// <summary>At most this many proposals per expert.</summary>
    public int MaxLoad { get; set; }

    /// <summary>The candidate pool: region codes and GB/T 13745 codes (3-digit covers the codes under it), separated by 、; empty = all.</summary>
    public string PoolRegions { get; set; } = "";

    public string PoolDisciplines { get; set; } = "";

    /// <summary>Randomised mode's cap q on any (expert, proposal) pair's probability; null = the optimal assignment.</summary>
    public double? MaxPairProbability { get; set; }

    /// <summary>Seed of the randomised mode's sampling, drawn at upload.</summary>
    public int Seed { get; set; }

    public AssignmentRunStatus Status { get; set; }

    /// <summary>0–100, written by the job at each phase.</summary>
    public int Progress { get; set; }

    public int ProposalCount { get; set; }
    public int? CandidateExperts { get; set; }
    public long? TotalAffinity { get; set; }
    public double? ExpectedAffinity { get; set; }
    public long? GreedyAffinity { get; set; }
    public int? UnfilledSeats { get; set; }
    public int? ShortProposals { get; set; }
    public long? ElapsedMilliseconds { get; set; }
    public string? SolverStatus { get; set; }

    /// <summary>Why a run failed, as a message key of the Assignments area.</summary>
    public string? FailureKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>One proposal of a run as the file gave it (its row number is its id in the run) and how many experts it got.</summary>
public sealed class AssignmentProposal
{
    public Guid RunId { get; set; }
    public int RowNumber { get; set; }
    public string ExternalRef { get; set; } = "";
    public string Name { get; set; } = "";
    public Guid OrganizationId { get; set; }
    public string Disciplines { get; set; } = "";
    public string Keywords { get; set; } = "";
    public int Assigned { get; set; }

    /// <summary>Why it got fewer than k experts; null when it is covered.</summary>
    public ShortReason? ShortReason { get; set; }
}

/// <summary>One expert assigned to one proposal of a run, with the affinity and what it came from.</summary>
public sealed class AssignmentPair
{
    public Guid RunId { get; set; }
    public int RowNumber { get; set; }
    public Guid ExpertId { get; set; }
    public int Affinity { get; set; }

    /// <summary>The expert's place (1 = best) on the proposal's candidate list.</summary>
    public int Rank { get; set; }

    /// <summary>The expert's code that matched best (exact or same first level), if any.</summary>
    public string? MatchedDiscipline { get; set; }

    /// <summary>The shared keywords, separated by 、.</summary>
    public string MatchedKeywords { get; set; } = "";
}

internal sealed class AssignmentRunConfiguration : IEntityTypeConfiguration<AssignmentRun>
{
    public void Configure(EntityTypeBuilder<AssignmentRun> b)
    {
        b.ToTable("assignment_runs");
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.PoolRegions).HasMaxLength(20);
        b.Property(x => x.PoolDisciplines).HasMaxLength(200);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.SolverStatus).HasMaxLength(30);
        b.Property(x => x.FailureKey).HasMaxLength(100);
        b.HasIndex(x => new { x.RegionCode, x.CreatedAt });
        b.HasIndex(x => x.Status);
        b.HasMany<AssignmentProposal>().WithOne().HasForeignKey(p => p.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany<AssignmentPair>().WithOne().HasForeignKey(p => p.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AssignmentProposalConfiguration : IEntityTypeConfiguration<AssignmentProposal>
{
    public void Configure(EntityTypeBuilder<AssignmentProposal> b)
    {
        b.ToTable("assignment_proposals");
        b.HasKey(x => new { x.RunId, x.RowNumber });
        b.Property(x => x.ExternalRef).HasMaxLength(AssignmentRuns.MaxRefLength);
        b.Property(x => x.Name).HasMaxLength(AssignmentRuns.MaxNameLength);
        b.Property(x => x.Disciplines).HasMaxLength(200);
        b.Property(x => x.Keywords).HasMaxLength(ExpertRules.MaxListLength);
        b.Property(x => x.ShortReason).HasMaxLength(30);
    }
}

internal sealed class AssignmentPairConfiguration : IEntityTypeConfiguration<AssignmentPair>
{
    public void Configure(EntityTypeBuilder<AssignmentPair> b)
    {
        b.ToTable("assignment_pairs");
        b.HasKey(x => new { x.RunId, x.RowNumber, x.ExpertId });
        b.Property(x => x.MatchedDiscipline).HasMaxLength(7);
        b.Property(x => x.MatchedKeywords).HasMaxLength(ExpertRules.MaxListLength);
        b.HasIndex(x => new { x.RunId, x.ExpertId });
    }
}

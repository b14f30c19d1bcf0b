using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Infrastructure;

public enum AuditOutcome
{
    Success,
    Failure,
}

/// <summary>
/// One row of the append-only audit chain. <see cref="Hash"/> covers every field and the previous row's hash,
/// so a changed or deleted row breaks the chain from that point on.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>Contiguous sequence number (1, 2, 3…); the primary key makes two writers unable to fork the chain.</summary>
    public long Seq { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    public string Action { get; set; } = "";
    public string? Target { get; set; }
    public AuditOutcome Outcome { get; set; }
    public string? Detail { get; set; }
    public string? IpAddress { get; set; }
    public string PrevHash { get; set; } = "";

    /// <summary>"sm3" or "sha256": the suite in force when the row was written, so switching suites keeps old rows verifiable.</summary>
    public string HashAlgorithm { get; set; } = Crypto.Hashes.Sha256;
    public string Hash { get; set; } = "";
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.HasKey(x => x.Seq);
        b.Property(x => x.Seq).ValueGeneratedNever();
        b.Property(x => x.ActorName).HasMaxLength(256);
        b.Property(x => x.Action).HasMaxLength(100);
        b.Property(x => x.Target).HasMaxLength(200);
        b.Property(x => x.Outcome).HasMaxLength(20);
        b.Property(x => x.Detail).HasMaxLength(2000);
        b.Property(x => x.IpAddress).HasMaxLength(64);
        b.Property(x => x.PrevHash).HasMaxLength(64);
        b.Property(x => x.Hash).HasMaxLength(64);
        b.Property(x => x.HashAlgorithm).HasMaxLength(10);
        b.HasIndex(x => x.At);
        b.HasIndex(x => x.ActorId);
        b.HasIndex(x => new { x.Action, x.At });
    }
}

/// <summary>
/// Where the retention job cut the chain: every row up to <see cref="ThroughSeq"/> (all older than
/// <see cref="Cutoff"/>) was deleted, and the next row links to <see cref="ThroughHash"/>. The purge itself is an
/// audit row, so a forged checkpoint that hides deleted young rows does not verify.
/// </summary>
public sealed class AuditCheckpoint
{
    public long ThroughSeq { get; set; }
    public string ThroughHash { get; set; } = "";
    public DateTimeOffset Cutoff { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public long RowsPurged { get; set; }
}

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> b)
    {
        b.ToTable("audit_checkpoints");
        b.HasKey(x => x.ThroughSeq);
        b.Property(x => x.ThroughSeq).ValueGeneratedNever();
        b.Property(x => x.ThroughHash).HasMaxLength(64);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Evaluation;

/// <summary>The grade of an annual open-sharing evaluation (评价等级).</summary>
public enum EvaluationGrade
{
    /// <summary>优秀</summary>
    Excellent,

    /// <summary>良好</summary>
    Good,

    /// <summary>合格</summary>
    Pass,

    /// <summary>较差</summary>
    Poor,
}

public enum EvaluationRunStatus
{
    /// <summary>排队中</summary>
    Queued,

    /// <summary>计算中</summary>
    Running,

    /// <summary>已完成</summary>
    Completed,

    /// <summary>失败</summary>
    Failed,
}

/// <summary>
/// The platform's indicator scheme (评价指标体系), one row edited by the platform administrator; a run keeps a copy
/// of the scheme it used, so later edits never change a published evaluation.
/// </summary>
public sealed class EvaluationSchemeRow
{
    public int Id { get; set; } = OnlyId;

    /// <summary>The scheme is one row: its key.</summary>
    public const int OnlyId = 1;

    /// <summary>The scheme as JSON (<see cref="EvaluationScheme"/>).</summary>
    public string Json { get; set; } = "";
    public Guid? UpdatedBy { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>One evaluation of a year, computed in the background (评价批次).</summary>
public sealed class EvaluationRun
{
    public Guid Id { get; set; }
    public int Year { get; set; }
    public EvaluationRunStatus Status { get; set; }

    /// <summary>The scheme used, as JSON.</summary>
    public string SchemeJson { get; set; } = "";
    public Guid RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Where the computation is, for the progress bar: 0–100.</summary>
    public int Progress { get; set; }
    public int Instruments { get; set; }
    public long UsageRecords { get; set; }
    public string? Error { get; set; }
}

/// <summary>Figures shared by the result of an instrument and of an organisation.</summary>
public abstract class EvaluationFigures
{
    public Guid RunId { get; set; }

    /// <summary>The organisation evaluated, or the one that owns the instrument evaluated.</summary>
    public Guid OrganizationId { get; set; }
    public string RegionCode { get; set; } = "";
    public long EffectiveMinutes { get; set; }
    public long ExternalMinutes { get; set; }
    public int ExternalUsers { get; set; }
    public int ExternalOrganizations { get; set; }
    public long IncomeInternalFen { get; set; }
    public long IncomeExternalFen { get; set; }
    public double? RatingAverage { get; set; }
    public int RatingCount { get; set; }
    public int Trainees { get; set; }
    public int Results { get; set; }
    public int Functions { get; set; }

    /// <summary>Uses of the year paid in part with an innovation voucher (live redemptions: pending, approved or paid), and their subsidy.</summary>
    public int VoucherServices { get; set; }
    public long VoucherSubsidyFen { get; set; }
    public double Score { get; set; }
    public EvaluationGrade Grade { get; set; }

    /// <summary>Place among all evaluated in the run (1 = best) and within the region.</summary>
    public int Rank { get; set; }
    public int RegionRank { get; set; }
}

/// <summary>The evaluation of one instrument in a run.</summary>
public sealed class EvaluationResult : EvaluationFigures
{
    public Guid ResourceId { get; set; }

    /// <summary>The indicator scores in the scheme's order, as JSON numbers (e.g. [35,12.5,0,15,0]).</summary>
    public string IndicatorScores { get; set; } = "";
}

/// <summary>The evaluation of one organisation in a run: its instruments' figures summed, its score their mean.</summary>
public sealed class EvaluationOrganizationResult : EvaluationFigures
{
    public int Instruments { get; set; }
    public int Excellent { get; set; }
    public int Good { get; set; }
    public int Pass { get; set; }
    public int Poor { get; set; }
}

internal sealed class EvaluationSchemeRowConfiguration : IEntityTypeConfiguration<EvaluationSchemeRow>
{
    public void Configure(EntityTypeBuilder<EvaluationSchemeRow> b)
    {
        b.ToTable("evaluation_schemes");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Json).HasMaxLength(4000);
        b.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class EvaluationRunConfiguration : IEntityTypeConfiguration<EvaluationRun>
{
    public void Configure(EntityTypeBuilder<EvaluationRun> b)
    {
        b.ToTable("evaluation_runs");
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.SchemeJson).HasMaxLength(4000);
        b.Property(x => x.Error).HasMaxLength(1000);
        b.HasIndex(x => new { x.Year, x.RequestedAt });
        b.HasIndex(x => x.Status);
    }
}

internal sealed class EvaluationResultConfiguration : IEntityTypeConfiguration<EvaluationResult>
{
    public void Configure(EntityTypeBuilder<EvaluationResult> b)
    {
        b.ToTable("evaluation_results");
        b.HasKey(x => new { x.RunId, x.ResourceId });
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.Grade).HasMaxLength(20);
        b.Property(x => x.IndicatorScores).HasMaxLength(200);
        b.HasOne<EvaluationRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.RunId, x.Rank });
        b.HasIndex(x => new { x.RunId, x.RegionCode, x.RegionRank });
        b.HasIndex(x => new { x.RunId, x.OrganizationId, x.Rank });
    }
}

internal sealed class EvaluationOrganizationResultConfiguration : IEntityTypeConfiguration<EvaluationOrganizationResult>
{
    public void Configure(EntityTypeBuilder<EvaluationOrganizationResult> b)
    {
        b.ToTable("evaluation_organization_results");
        b.HasKey(x => new { x.RunId, x.OrganizationId });
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.Grade).HasMaxLength(20);
        b.HasOne<EvaluationRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.RunId, x.Rank });
        b.HasIndex(x => new { x.RunId, x.RegionCode, x.RegionRank }).HasDatabaseName("ix_evaluation_organization_results_run_region_rank");
    }
}

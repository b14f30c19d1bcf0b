using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Experts;

/// <summary>Whom a record is about: a person (an ID number, maybe an expert of the pool) or an organisation (a unified social credit code).</summary>
public enum IntegritySubjectKind
{
    Person,
    Organization,
}

/// <summary>
/// The kinds of record the entry condition of 渝科局发〔2023〕68号 names: 科研诚信 (research misconduct as 科技部等《科研失信行为调查
/// 处理规则》(国科发监〔2022〕221号) defines it: 抄袭剽窃、伪造篡改、买卖代写、违规署名、虚构同行评议…), 信用 (a serious
/// dishonesty listing, 严重失信), 违法犯罪 (a criminal penalty, 刑事处罚), and any other record an authority issued.
/// </summary>
public enum IntegrityRecordType
{
    ResearchMisconduct,
    CreditRecord,
    CriminalRecord,
    Other,
}

/// <summary>
/// The measure taken, lightest first, from the 处理措施 that 《科研失信行为调查处理规则》(国科发监〔2022〕221号) lists for a
/// finding of misconduct: 科研诚信诫勉谈话 (admonition), 通报批评 (a notice of criticism, within a circle or public),
/// 暂停项目和科研活动、限期整改 (suspension), 终止或撤销项目、收回经费、撤销奖励荣誉 (revocation of projects and awards),
/// 一定期限直至终身禁止申报、评审、专家咨询 (a ban from applying and reviewing, 限制申报或评审资格 / 取消资格), 记入严重失信行为数据库
/// (entry in the serious dishonesty database), and others. Any active record keeps a person out of the pool and draws
/// (渝科局发〔2023〕68号: 无科研诚信、信用或违法犯罪不良记录); the measure says how heavy it was.
/// </summary>
public enum IntegritySeverity
{
    Admonition,
    Criticism,
    Suspension,
    Revocation,
    Ban,
    SeriousDishonesty,
    Other,
}

/// <summary>
/// A research integrity record (科研诚信记录), shared by both regions: every region administrator and the security
/// administrator read all of them; only the administrators of the issuing region change or revoke one. Active while not
/// revoked and <see cref="StartDate"/> ≤ today &lt; <see cref="EndDate"/> (no end: indefinite), in China Standard Time.
/// A person's ID number is stored encrypted (<see cref="Infrastructure.Crypto.FieldProtector"/>) with its blind index,
/// the same index as <see cref="Expert.IdNumberKey"/>, so a record finds the expert without decrypting anything.
/// </summary>
public sealed class IntegrityRecord
{
    public Guid Id { get; set; }
    public IntegritySubjectKind SubjectKind { get; set; }

    /// <summary>The person's name, or the organisation's name (as on the platform when it is there).</summary>
    public string SubjectName { get; set; } = "";

    public string? IdNumberProtected { get; set; }
    public string? IdNumberKey { get; set; }
    public Guid? ExpertId { get; set; }

    /// <summary>The organisation when it is on the platform; its credit code is kept too, so a later registration is flagged as well.</summary>
    public Guid? OrganizationId { get; set; }

    public string? CreditCode { get; set; }
    public IntegrityRecordType Type { get; set; }
    public IntegritySeverity Severity { get; set; }
    public DateOnly StartDate { get; set; }

    /// <summary>The first day the record no longer applies; null: indefinite (终身).</summary>
    public DateOnly? EndDate { get; set; }

    public string IssuingAuthority { get; set; } = "";

    /// <summary>The region of the administrator who entered it (500000 / 510000): its administrators keep it.</summary>
    public string RegionCode { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>Demo data: a made-up record (its description carries 示例 as well).</summary>
    public bool Synthetic { get; set; }

    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public Guid? RevokedBy { get; set; }
    public string? RevokedByName { get; set; }
    public string? RevokedReason { get; set; }
}

/// <summary>A document of a record (the decision, a notice: PDF), apart from the record so lists never read its bytes.</summary>
public sealed class IntegrityDocument
{
    public Guid Id { get; set; }
    public Guid RecordId { get; set; }
    public string FileName { get; set; } = "";
    public long Size { get; set; }
    public byte[] Content { get; set; } = [];
    public Guid? UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

internal sealed class IntegrityRecordConfiguration : IEntityTypeConfiguration<IntegrityRecord>
{
    public void Configure(EntityTypeBuilder<IntegrityRecord> b)
    {
        b.ToTable("integrity_records");
        b.Property(x => x.SubjectKind).HasMaxLength(20);
        b.Property(x => x.SubjectName).HasMaxLength(IntegrityRules.MaxNameLength);
        b.Property(x => x.IdNumberProtected).HasMaxLength(300);
        b.Property(x => x.IdNumberKey).HasMaxLength(64).IsFixedLength();
        b.Property(x => x.CreditCode).HasMaxLength(18);
        b.Property(x => x.Type).HasMaxLength(30);
        b.Property(x => x.Severity).HasMaxLength(30);
        b.Property(x => x.IssuingAuthority).HasMaxLength(IntegrityRules.MaxAuthorityLength);
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.Description).HasMaxLength(IntegrityRules.MaxDescriptionLength);
        b.Property(x => x.RevokedByName).HasMaxLength(256);
        b.Property(x => x.RevokedReason).HasMaxLength(IntegrityRules.MaxReasonLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Expert>().WithMany().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        // The draws' subqueries seek by these: the blocked experts by ID number's index or expert id, the flagged organisations by id or credit code.
        b.HasIndex(x => x.IdNumberKey);
        b.HasIndex(x => x.ExpertId);
        b.HasIndex(x => x.OrganizationId);
        b.HasIndex(x => x.CreditCode);
        b.HasIndex(x => new { x.RegionCode, x.CreatedAt });
        b.HasMany<IntegrityDocument>().WithOne().HasForeignKey(d => d.RecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IntegrityDocumentConfiguration : IEntityTypeConfiguration<IntegrityDocument>
{
    public void Configure(EntityTypeBuilder<IntegrityDocument> b)
    {
        b.ToTable("integrity_documents");
        b.Property(x => x.FileName).HasMaxLength(200);
        b.HasIndex(x => x.RecordId);
    }
}

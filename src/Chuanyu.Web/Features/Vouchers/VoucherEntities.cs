using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.ServiceOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>How a programme pays (docs/vouchers.md): 通用 reimburses the enterprise; 通兑 lets the provider redeem the voucher.</summary>
public enum VoucherMode
{
    /// <summary>通用：企业全额支付后申请补助</summary>
    Reimburse,

    /// <summary>通兑：企业支付自付部分，服务机构兑付</summary>
    Redeem,
}

/// <summary>The services a voucher pays for (a bit mask, stored as an integer).</summary>
[Flags]
public enum VoucherServiceCategory
{
    None = 0,

    /// <summary>仪器使用（预约机时）</summary>
    InstrumentUse = 1,

    /// <summary>检测服务（送样检测）</summary>
    Testing = 2,
}

public enum VoucherAllocation
{
    /// <summary>先到先得</summary>
    FirstCome,

    /// <summary>摇号</summary>
    Lottery,
}

public enum VoucherProgrammeStatus
{
    /// <summary>草稿</summary>
    Draft,

    /// <summary>开放申领</summary>
    Open,

    /// <summary>已关闭</summary>
    Closed,
}

/// <summary>A condition that earns a higher ratio than the voucher's base one (the highest applicable ratio applies).</summary>
public enum VoucherRatioCondition
{
    /// <summary>共享网络成员单位</summary>
    NetworkMember,

    /// <summary>市级及以上科技计划项目</summary>
    MunicipalScienceProject,
}

public enum VoucherProviderStatus
{
    /// <summary>待审核</summary>
    Pending,

    /// <summary>已批准</summary>
    Approved,

    /// <summary>未通过</summary>
    Rejected,

    /// <summary>已暂停</summary>
    Suspended,
}

public enum VoucherApplicationStatus
{
    /// <summary>已提交</summary>
    Submitted,

    /// <summary>已中签</summary>
    Drawn,

    /// <summary>未中签</summary>
    NotDrawn,

    /// <summary>已批准</summary>
    Approved,

    /// <summary>未通过</summary>
    Rejected,

    /// <summary>已撤回</summary>
    Withdrawn,
}

public enum VoucherStatus
{
    /// <summary>有效</summary>
    Active,

    /// <summary>已过期</summary>
    Expired,

    /// <summary>已撤销</summary>
    Revoked,
}

/// <summary>Where a redemption is (docs/vouchers.md, "States").</summary>
public enum VoucherRedemptionStatus
{
    /// <summary>已预留（待服务机构提交）</summary>
    Reserved,

    /// <summary>已提交，待审核</summary>
    Submitted,

    /// <summary>已审核，待支付</summary>
    Approved,

    /// <summary>已支付</summary>
    Paid,

    /// <summary>已撤回</summary>
    Withdrawn,

    /// <summary>未通过</summary>
    Rejected,

    /// <summary>已冲销（退款）</summary>
    Reversed,

    /// <summary>已失效（逾期未提交）</summary>
    Lapsed,
}

public enum VoucherUseKind
{
    Booking,
    ServiceOrder,

    /// <summary>Rows of the synthetic ledger the seed command writes for benchmarks: no use behind them.</summary>
    Synthetic,
}

/// <summary>The ledger's accounts (docs/vouchers.md, "The ledger"). Funding is credit-normal, all others debit-normal.</summary>
public enum LedgerAccountKind
{
    /// <summary>资金来源</summary>
    Funding,

    /// <summary>可用预算</summary>
    Budget,

    /// <summary>券余额</summary>
    Voucher,

    /// <summary>已使用待审核</summary>
    Pending,

    /// <summary>已审待付</summary>
    Payable,

    /// <summary>已支付</summary>
    PaidOut,
}

/// <summary>What moved money in the ledger: each posting is one event.</summary>
public enum LedgerEvent
{
    Fund,
    Defund,
    Issue,
    Redeem,
    Withdraw,
    Reject,
    Lapse,
    Approve,
    Pay,
    Reverse,
    Expire,
    Revoke,
}

public enum VoucherPayoutStatus
{
    Open,
    Exported,
    Paid,

    /// <summary>Every redemption in it was refunded before it was paid: an empty batch kept for its number and audit trail.</summary>
    Cancelled,
}

public enum VoucherSettlementStatus
{
    Open,
    Settled,
}

/// <summary>A voucher programme (创新券项目) of one issuing region and year. Money in fen; ratios as reduced fractions.</summary>
public sealed class VoucherProgramme
{
    public Guid Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string IssuingRegionCode { get; set; } = "";

    /// <summary>The division whose enterprises may hold (500000 for all of Chongqing, 510100 for Chengdu).</summary>
    public string IssuerDivisionCode { get; set; } = "";
    public int Year { get; set; }
    public VoucherMode Mode { get; set; }
    public long BudgetFen { get; set; }

    /// <summary>The face values offered, in fen, comma-separated ("1000000,5000000").</summary>
    public string FaceValues { get; set; } = "";
    public int RatioNum { get; set; }
    public int RatioDen { get; set; }
    public long? PerClaimCapFen { get; set; }
    public long? AnnualCapFen { get; set; }
    public int VouchersPerEnterprise { get; set; } = 1;
    public VoucherServiceCategory Categories { get; set; }
    public bool AllowOtherRegion { get; set; }
    public VoucherAllocation Allocation { get; set; }
    public string? LotterySeed { get; set; }
    public DateTimeOffset? LotteryDrawnAt { get; set; }
    public DateOnly ApplyFrom { get; set; }
    public DateOnly ApplyUntil { get; set; }
    public DateOnly UseUntil { get; set; }
    public DateOnly RedeemUntil { get; set; }
    public VoucherProgrammeStatus Status { get; set; }
    public bool Synthetic { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A higher ratio a programme grants under a condition (Chongqing: 20 % for network members, 30 % for plan projects).</summary>
public sealed class VoucherRatioRule
{
    public Guid Id { get; set; }
    public Guid ProgrammeId { get; set; }
    public VoucherRatioCondition Condition { get; set; }
    public int RatioNum { get; set; }
    public int RatioDen { get; set; }
}

/// <summary>An organisation registered as a voucher service provider (创新券服务机构) in its region.</summary>
public sealed class VoucherProvider
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string RegionCode { get; set; } = "";
    public VoucherServiceCategory Categories { get; set; }
    public string Services { get; set; } = "";
    public VoucherProviderStatus Status { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? Note { get; set; }
    public int Version { get; set; }
}

/// <summary>An enterprise's application for vouchers of a programme (申领).</summary>
public sealed class VoucherApplication
{
    public static readonly VoucherApplicationStatus[] Closed =
        [VoucherApplicationStatus.Rejected, VoucherApplicationStatus.Withdrawn, VoucherApplicationStatus.NotDrawn];

    public Guid Id { get; set; }
    public Guid ProgrammeId { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ApplicantId { get; set; }
    public string FaceValues { get; set; } = "";
    public bool NetworkMember { get; set; }
    public bool NetworkMemberConfirmed { get; set; }
    public VoucherApplicationStatus Status { get; set; }
    public int? LotteryRank { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>An issued voucher (创新券): its balance is its ledger account's, never a column here.</summary>
public sealed class Voucher
{
    public Guid Id { get; set; }
    public string Code { get; set; } = "";
    public Guid ProgrammeId { get; set; }
    public Guid? ApplicationId { get; set; }
    public Guid HolderOrganizationId { get; set; }
    public long FaceValueFen { get; set; }
    public int RatioNum { get; set; }
    public int RatioDen { get; set; }
    public VoucherStatus Status { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateOnly UseUntil { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

/// <summary>What an enterprise has used of a programme's annual cap; the engine refuses exceeding it.</summary>
public sealed class VoucherHolderQuota
{
    public Guid ProgrammeId { get; set; }
    public Guid OrganizationId { get; set; }

    /// <summary>Null: no annual cap.</summary>
    public long? CapFen { get; set; }
    public long UsedFen { get; set; }
}

/// <summary>A voucher used on one completed booking or service order (兑付): subsidy S of the eligible fee.</summary>
public sealed class VoucherRedemption
{
    /// <summary>The states that hold money (Pending or Payable or paid): one live redemption per use.</summary>
    public static readonly VoucherRedemptionStatus[] Live =
        [VoucherRedemptionStatus.Reserved, VoucherRedemptionStatus.Submitted, VoucherRedemptionStatus.Approved, VoucherRedemptionStatus.Paid];

    public Guid Id { get; set; }

    /// <summary>RD20261123-0A1B2C3D4E (unique).</summary>
    public string Number { get; set; } = "";
    public Guid VoucherId { get; set; }
    public Guid ProgrammeId { get; set; }
    public VoucherMode Mode { get; set; }
    public Guid HolderOrganizationId { get; set; }
    public Guid ProviderOrganizationId { get; set; }

    /// <summary>The provider in 通兑, the enterprise in 通用.</summary>
    public Guid PayeeOrganizationId { get; set; }
    public string IssuingRegionCode { get; set; } = "";
    public string ProviderRegionCode { get; set; } = "";
    public VoucherUseKind UseKind { get; set; }
    public Guid? BookingId { get; set; }
    public Guid? ServiceOrderId { get; set; }
    public Guid ResourceId { get; set; }
    public long FeeFen { get; set; }
    public long EligibleFeeFen { get; set; }
    public int RatioNum { get; set; }
    public int RatioDen { get; set; }

    /// <summary>Which ratio applied: Base, or a <see cref="VoucherRatioCondition"/>'s name.</summary>
    public string RatioRule { get; set; } = "";
    public string? ScienceProjectNo { get; set; }
    public long SubsidyFen { get; set; }
    public long? ApprovedFen { get; set; }

    /// <summary>What the enterprise pays itself: fee − subsidy.</summary>
    public long ShareFen { get; set; }

    /// <summary>Normalised (trimmed, half-width, upper case); unique per provider.</summary>
    public string? InvoiceNumber { get; set; }
    public string? ProofSha256 { get; set; }
    public VoucherRedemptionStatus Status { get; set; }
    public string? Reason { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? SubmittedBy { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public Guid? PaidBy { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public Guid? PayoutBatchId { get; set; }
    public int Version { get; set; }
}

/// <summary>The proof that the enterprise paid (its share, or in full), apart from the redemption so lists never read it.</summary>
public sealed class VoucherRedemptionProof
{
    public Guid RedemptionId { get; set; }
    public string FileName { get; set; } = "";
    public byte[] Content { get; set; } = [];
    public Guid UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

/// <summary>
/// A ledger account. Its balance is kept in its normal orientation (<c>balance += normal_sign × amount</c>), so every
/// balance is ≥ 0 and one CHECK covers all of them.
/// </summary>
public sealed class VoucherLedgerAccount
{
    public long Id { get; set; }

    /// <summary>funding:{p}, budget:{p}, voucher:{v}, pending:{p}:{payee}, payable:{p}:{payee}, paid:{p}:{payee}.</summary>
    public string Key { get; set; } = "";
    public Guid ProgrammeId { get; set; }
    public LedgerAccountKind Kind { get; set; }
    public Guid? VoucherId { get; set; }
    public Guid? PayeeOrganizationId { get; set; }
    public short NormalSign { get; set; }
    public long BalanceFen { get; set; }
}

/// <summary>One balanced posting: its entries sum to zero.</summary>
public sealed class VoucherLedgerTransaction
{
    public long Id { get; set; }
    public Guid ProgrammeId { get; set; }
    public LedgerEvent Event { get; set; }
    public Guid? RedemptionId { get; set; }
    public Guid? VoucherId { get; set; }
    public Guid? PayoutBatchId { get; set; }
    public DateTimeOffset PostedAt { get; set; }
    public Guid? ActorId { get; set; }
    public string? Note { get; set; }
}

/// <summary>One leg of a posting (debit +, credit −), with the dimensions the settlement groups by copied in.</summary>
public sealed class VoucherLedgerEntry
{
    public long Id { get; set; }
    public long TransactionId { get; set; }
    public VoucherLedgerTransaction? Transaction { get; set; }
    public long AccountId { get; set; }
    public long AmountFen { get; set; }
    public LedgerAccountKind AccountKind { get; set; }
    public LedgerEvent Event { get; set; }
    public Guid ProgrammeId { get; set; }
    public string IssuingRegionCode { get; set; } = "";
    public string? ProviderRegionCode { get; set; }
    public Guid? RedemptionId { get; set; }

    /// <summary>Year × 10 + quarter, China time (20263 = 2026 Q3).</summary>
    public int Quarter { get; set; }
    public DateTimeOffset PostedAt { get; set; }
}

/// <summary>A batch of approved redemptions paid together (兑付支付批次), exported and signed.</summary>
public sealed class VoucherPayoutBatch
{
    public Guid Id { get; set; }
    public string Number { get; set; } = "";
    public string IssuingRegionCode { get; set; } = "";
    public VoucherPayoutStatus Status { get; set; }
    public long TotalFen { get; set; }
    public int Count { get; set; }
    public string? FileSha256 { get; set; }
    public string? Signature { get; set; }
    public string? BankReference { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? ExportedBy { get; set; }
    public DateTimeOffset? ExportedAt { get; set; }
    public Guid? PaidBy { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public int Version { get; set; }
}

public sealed class VoucherPayoutItem
{
    public Guid BatchId { get; set; }
    public Guid RedemptionId { get; set; }
}

/// <summary>A quarter's statement between an issuing region and a provider region (跨区域结算), confirmed by both.</summary>
public sealed class VoucherSettlement
{
    public Guid Id { get; set; }
    public int Quarter { get; set; }
    public string IssuingRegionCode { get; set; } = "";
    public string ProviderRegionCode { get; set; } = "";
    public long RedeemedFen { get; set; }
    public long ApprovedFen { get; set; }
    public long PaidFen { get; set; }
    public long ReversedFen { get; set; }
    public long OutstandingFen { get; set; }
    public int Redemptions { get; set; }
    public string? FileSha256 { get; set; }
    public string? Signature { get; set; }
    public Guid? IssuerConfirmedBy { get; set; }
    public DateTimeOffset? IssuerConfirmedAt { get; set; }
    public Guid? ProviderConfirmedBy { get; set; }
    public DateTimeOffset? ProviderConfirmedAt { get; set; }
    public VoucherSettlementStatus Status { get; set; }
    public int Version { get; set; }
}

/// <summary>The frozen statement file of a settlement, apart from it so lists never read its bytes.</summary>
public sealed class VoucherSettlementFile
{
    public Guid SettlementId { get; set; }
    public string FileName { get; set; } = "";
    public byte[] Content { get; set; } = [];
}

internal sealed class VoucherConfigurations :
    IEntityTypeConfiguration<VoucherProgramme>, IEntityTypeConfiguration<VoucherRatioRule>, IEntityTypeConfiguration<VoucherProvider>,
    IEntityTypeConfiguration<VoucherApplication>, IEntityTypeConfiguration<Voucher>, IEntityTypeConfiguration<VoucherHolderQuota>,
    IEntityTypeConfiguration<VoucherRedemption>, IEntityTypeConfiguration<VoucherRedemptionProof>, IEntityTypeConfiguration<VoucherLedgerAccount>,
    IEntityTypeConfiguration<VoucherLedgerTransaction>, IEntityTypeConfiguration<VoucherLedgerEntry>, IEntityTypeConfiguration<VoucherPayoutBatch>,
    IEntityTypeConfiguration<VoucherPayoutItem>, IEntityTypeConfiguration<VoucherSettlement>, IEntityTypeConfiguration<VoucherSettlementFile>
{
    private const string LiveFilter = "status IN ('Reserved', 'Submitted', 'Approved', 'Paid')";

    public void Configure(EntityTypeBuilder<VoucherProgramme> b)
    {
        b.ToTable("voucher_programmes");
        b.Property(x => x.Code).HasMaxLength(30);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.IssuingRegionCode).HasMaxLength(6);
        b.Property(x => x.IssuerDivisionCode).HasMaxLength(6);
        b.Property(x => x.Mode).HasMaxLength(20);
        b.Property(x => x.FaceValues).HasMaxLength(200);
        b.Property(x => x.Categories).HasConversion<int>();
        b.Property(x => x.Allocation).HasMaxLength(20);
        b.Property(x => x.LotterySeed).HasMaxLength(100);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Region>().WithMany().HasForeignKey(x => x.IssuingRegionCode).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.Code).IsUnique();
        b.HasIndex(x => new { x.IssuingRegionCode, x.Year });
    }

    public void Configure(EntityTypeBuilder<VoucherRatioRule> b)
    {
        b.ToTable("voucher_ratio_rules");
        b.Property(x => x.Condition).HasMaxLength(40);
        b.HasOne<VoucherProgramme>().WithMany().HasForeignKey(x => x.ProgrammeId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ProgrammeId, x.Condition }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<VoucherProvider> b)
    {
        b.ToTable("voucher_providers");
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.Categories).HasConversion<int>();
        b.Property(x => x.Services).HasMaxLength(1000);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Note).HasMaxLength(500);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.OrganizationId).IsUnique();
        b.HasIndex(x => new { x.RegionCode, x.Status });
    }

    public void Configure(EntityTypeBuilder<VoucherApplication> b)
    {
        b.ToTable("voucher_applications");
        b.Property(x => x.FaceValues).HasMaxLength(200);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(500);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<VoucherProgramme>().WithMany().HasForeignKey(x => x.ProgrammeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ProgrammeId, x.OrganizationId }).IsUnique()
            .HasFilter("status NOT IN ('Rejected', 'Withdrawn', 'NotDrawn')").HasDatabaseName("ix_voucher_applications_live");
        b.HasIndex(x => x.OrganizationId);
    }

    public void Configure(EntityTypeBuilder<Voucher> b)
    {
        b.ToTable("vouchers");
        b.Property(x => x.Code).HasMaxLength(24);
        b.Property(x => x.Status).HasMaxLength(20);
        b.HasOne<VoucherProgramme>().WithMany().HasForeignKey(x => x.ProgrammeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VoucherApplication>().WithMany().HasForeignKey(x => x.ApplicationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.HolderOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.Code).IsUnique();
        b.HasIndex(x => new { x.HolderOrganizationId, x.Status });
        b.HasIndex(x => new { x.Status, x.UseUntil });
    }

    public void Configure(EntityTypeBuilder<VoucherHolderQuota> b)
    {
        b.ToTable("voucher_holder_quotas");
        b.HasKey(x => new { x.ProgrammeId, x.OrganizationId });
        b.HasOne<VoucherProgramme>().WithMany().HasForeignKey(x => x.ProgrammeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<VoucherRedemption> b)
    {
        b.ToTable("voucher_redemptions");
        b.Property(x => x.Number).HasMaxLength(30);
        b.Property(x => x.Mode).HasMaxLength(20);
        b.Property(x => x.IssuingRegionCode).HasMaxLength(6);
        b.Property(x => x.ProviderRegionCode).HasMaxLength(6);
        b.Property(x => x.UseKind).HasMaxLength(20);
        b.Property(x => x.RatioRule).HasMaxLength(40);
        b.Property(x => x.ScienceProjectNo).HasMaxLength(60);
        b.Property(x => x.InvoiceNumber).HasMaxLength(60);
        b.Property(x => x.ProofSha256).HasMaxLength(64);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Reason).HasMaxLength(500);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Voucher>().WithMany().HasForeignKey(x => x.VoucherId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VoucherProgramme>().WithMany().HasForeignKey(x => x.ProgrammeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.HolderOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.ProviderOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<InstrumentBooking>().WithMany().HasForeignKey(x => x.BookingId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ServiceOrder>().WithMany().HasForeignKey(x => x.ServiceOrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Resource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.Number).IsUnique();
        b.HasIndex(x => new { x.ProviderOrganizationId, x.InvoiceNumber }).IsUnique();
        b.HasIndex(x => x.BookingId).IsUnique().HasFilter(LiveFilter).HasDatabaseName("ix_voucher_redemptions_live_booking");
        b.HasIndex(x => x.ServiceOrderId).IsUnique().HasFilter(LiveFilter).HasDatabaseName("ix_voucher_redemptions_live_service_order");
        b.HasIndex(x => new { x.IssuingRegionCode, x.Status, x.SubmittedAt });
        b.HasIndex(x => new { x.ProviderOrganizationId, x.CreatedAt });
        b.HasIndex(x => new { x.HolderOrganizationId, x.CreatedAt });
        b.HasIndex(x => x.VoucherId);
        b.HasIndex(x => x.ProgrammeId);
        b.HasIndex(x => x.ResourceId);
    }

    public void Configure(EntityTypeBuilder<VoucherRedemptionProof> b)
    {
        b.ToTable("voucher_redemption_proofs");
        b.HasKey(x => x.RedemptionId);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.HasOne<VoucherRedemption>().WithOne().HasForeignKey<VoucherRedemptionProof>(x => x.RedemptionId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<VoucherLedgerAccount> b)
    {
        b.ToTable("voucher_ledger_accounts");
        b.Property(x => x.Key).HasMaxLength(120);
        b.Property(x => x.Kind).HasMaxLength(20);
        b.HasOne<VoucherProgramme>().WithMany().HasForeignKey(x => x.ProgrammeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Voucher>().WithMany().HasForeignKey(x => x.VoucherId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.Key).IsUnique();
    }

    public void Configure(EntityTypeBuilder<VoucherLedgerTransaction> b)
    {
        b.ToTable("voucher_ledger_transactions");
        b.Property(x => x.Event).HasMaxLength(20);
        b.Property(x => x.Note).HasMaxLength(500);
        b.HasIndex(x => x.RedemptionId);
        b.HasIndex(x => x.ProgrammeId);
    }

    public void Configure(EntityTypeBuilder<VoucherLedgerEntry> b)
    {
        b.ToTable("voucher_ledger_entries");
        b.Property(x => x.AccountKind).HasMaxLength(20);
        b.Property(x => x.Event).HasMaxLength(20);
        b.Property(x => x.IssuingRegionCode).HasMaxLength(6);
        b.Property(x => x.ProviderRegionCode).HasMaxLength(6);
        b.HasOne(x => x.Transaction).WithMany().HasForeignKey(x => x.TransactionId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("fk_voucher_ledger_entries_transaction_id");
        b.HasOne<VoucherLedgerAccount>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.AccountId, x.Id });
        b.HasIndex(x => x.TransactionId);
        // Covers the settlement statement (an index-only scan on PostgreSQL) and its drill-down keyset.
        b.HasIndex(x => new { x.Quarter, x.IssuingRegionCode, x.ProviderRegionCode, x.AccountKind, x.Event, x.AmountFen })
            .HasDatabaseName("ix_voucher_ledger_entries_settlement");
        b.HasIndex(x => new { x.Quarter, x.IssuingRegionCode, x.ProviderRegionCode, x.RedemptionId })
            .HasDatabaseName("ix_voucher_ledger_entries_drill_down");
    }

    public void Configure(EntityTypeBuilder<VoucherPayoutBatch> b)
    {
        b.ToTable("voucher_payout_batches");
        b.Property(x => x.Number).HasMaxLength(30);
        b.Property(x => x.IssuingRegionCode).HasMaxLength(6);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.FileSha256).HasMaxLength(64);
        b.Property(x => x.Signature).HasMaxLength(500);
        b.Property(x => x.BankReference).HasMaxLength(100);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => x.Number).IsUnique();
        b.HasIndex(x => new { x.IssuingRegionCode, x.Status });
    }

    public void Configure(EntityTypeBuilder<VoucherPayoutItem> b)
    {
        b.ToTable("voucher_payout_items");
        b.HasKey(x => new { x.BatchId, x.RedemptionId });
        b.HasOne<VoucherPayoutBatch>().WithMany().HasForeignKey(x => x.BatchId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<VoucherRedemption>().WithMany().HasForeignKey(x => x.RedemptionId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.RedemptionId).IsUnique();
    }

    public void Configure(EntityTypeBuilder<VoucherSettlement> b)
    {
        b.ToTable("voucher_settlements");
        b.Property(x => x.IssuingRegionCode).HasMaxLength(6);
        b.Property(x => x.ProviderRegionCode).HasMaxLength(6);
        b.Property(x => x.FileSha256).HasMaxLength(64);
        b.Property(x => x.Signature).HasMaxLength(500);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => new { x.Quarter, x.IssuingRegionCode, x.ProviderRegionCode }).IsUnique().HasDatabaseName("ix_voucher_settlements_pair");
    }

    public void Configure(EntityTypeBuilder<VoucherSettlementFile> b)
    {
        b.ToTable("voucher_settlement_files");
        b.HasKey(x => x.SettlementId);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.HasOne<VoucherSettlement>().WithOne().HasForeignKey<VoucherSettlementFile>(x => x.SettlementId).OnDelete(DeleteBehavior.Cascade);
    }
}

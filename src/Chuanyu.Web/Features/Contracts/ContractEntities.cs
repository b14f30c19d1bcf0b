using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>The five kinds of technology contract of 民法典 第三编 第二十章 (技术合同) as 技术合同认定规则 registers them.</summary>
public enum ContractType
{
    Development,
    Transfer,
    Licence,
    Consulting,
    Service,
}

/// <summary>What a party is, as the registration form (技术合同登记表) asks for the seller and the buyer.</summary>
public enum ContractPartyType
{
    Enterprise,
    University,
    ResearchInstitute,
    Other,
}

/// <summary>A registered contract counts in the statistics; a revoked one (撤销登记) is kept, with its reason, and counts nowhere.</summary>
public enum TechContractStatus
{
    Registered,
    Revoked,
}

/// <summary>
/// A registered technology contract (技术合同登记, issue 17 point 6), registered by an administrator of the seller's
/// region. Amounts are integer fen, as the vouchers keep money: the contract amount (合同成交额) and the approved
/// technology transaction amount (技术交易额, the part the registration office approves as technology, never more than
/// the contract amount). <see cref="RegisteredMonth"/> (yyyymm) and <see cref="FieldGroup"/> (the level-1 discipline)
/// are the statistics' keys, kept on the row so that rebuilding the aggregates is one engine-neutral GROUP BY.
/// </summary>
public sealed class TechContract
{
    public Guid Id { get; set; }

    /// <summary>登记编号: 14 digits, checked by <see cref="ContractRules.CheckRegistrationNumber"/> (docs/contracts.md); unique.</summary>
    public string RegistrationNumber { get; set; } = "";

    /// <summary>项目名称.</summary>
    public string Title { get; set; } = "";

    public ContractType Type { get; set; }

    public string SellerName { get; set; } = "";
    public string SellerCreditCode { get; set; } = "";

    /// <summary>500000 or 510000: the region that registers the contract (its administrators manage it).</summary>
    public string SellerRegion { get; set; } = "";

    public ContractPartyType SellerType { get; set; }
    public Guid? SellerOrganizationId { get; set; }

    public string BuyerName { get; set; } = "";

    /// <summary>Null only for a buyer abroad (no unified social credit code there).</summary>
    public string? BuyerCreditCode { get; set; }

    /// <summary>A province-level GB/T 2260 code, or <see cref="ContractRegions.Abroad"/>.</summary>
    public string BuyerRegion { get; set; } = "";

    public ContractPartyType BuyerType { get; set; }
    public Guid? BuyerOrganizationId { get; set; }

    public long ContractAmountFen { get; set; }
    public long TransactionAmountFen { get; set; }

    public DateOnly SignedOn { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    public DateOnly RegisteredOn { get; set; }

    /// <summary>yyyymm of <see cref="RegisteredOn"/>: the statistics count a contract in the month it was registered.</summary>
    public int RegisteredMonth { get; set; }

    /// <summary>The technical field as a GB/T 13745 discipline code (3 or 5 digits).</summary>
    public string Field { get; set; } = "";

    /// <summary>The field's level-1 code (its first 3 digits): the statistics' "by field".</summary>
    public string FieldGroup { get; set; } = "";

    // The research result and the deal this contract closes (foreign keys since migration 0030).
    public Guid? AchievementId { get; set; }
    public Guid? DealId { get; set; }

    public TechContractStatus Status { get; set; }
    public string? RevokedReason { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The contract file (PDF) in <see cref="TechContractFile"/>; its name and size here so lists never read the bytes.</summary>
    public string? FileName { get; set; }

    public long? FileSize { get; set; }

    /// <summary>Demo and load-test data (the title carries 示例 as well).</summary>
    public bool Synthetic { get; set; }

    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>The contract file's bytes, one per contract.</summary>
public sealed class TechContractFile
{
    public Guid ContractId { get; set; }
    public byte[] Content { get; set; } = [];
    public Guid? UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

/// <summary>
/// Registered contracts per month, seller region, buyer region and type: the flows (技术输出 / 技术吸纳) and the type, month and
/// year figures. Kept by <see cref="ContractStatsWriter"/> in the transaction of every registration, correction and revocation.
/// </summary>
public sealed class TechContractFlowStat
{
    public int Month { get; set; }
    public string SellerRegion { get; set; } = "";
    public string BuyerRegion { get; set; } = "";
    public ContractType Type { get; set; }
    public long Contracts { get; set; }
    public long ContractFen { get; set; }
    public long TransactionFen { get; set; }
}

/// <summary>Registered contracts per month, seller region, type, seller type and field group: the "by seller type" and "by field" figures.</summary>
public sealed class TechContractProfileStat
{
    public int Month { get; set; }
    public string SellerRegion { get; set; } = "";
    public ContractType Type { get; set; }
    public ContractPartyType SellerType { get; set; }
    public string FieldGroup { get; set; } = "";
    public long Contracts { get; set; }
    public long ContractFen { get; set; }
    public long TransactionFen { get; set; }
}

internal sealed class TechContractConfiguration : IEntityTypeConfiguration<TechContract>
{
    public void Configure(EntityTypeBuilder<TechContract> b)
    {
        b.ToTable("tech_contracts");
        b.Property(x => x.RegistrationNumber).HasMaxLength(ContractRules.RegistrationNumberLength);
        b.Property(x => x.Title).HasMaxLength(ContractRules.MaxNameLength);
        b.Property(x => x.Type).HasMaxLength(20);
        b.Property(x => x.SellerName).HasMaxLength(ContractRules.MaxNameLength);
        b.Property(x => x.SellerCreditCode).HasMaxLength(18);
        b.Property(x => x.SellerRegion).HasMaxLength(6);
        b.Property(x => x.SellerType).HasMaxLength(20);
        b.Property(x => x.BuyerName).HasMaxLength(ContractRules.MaxNameLength);
        b.Property(x => x.BuyerCreditCode).HasMaxLength(18);
        b.Property(x => x.BuyerRegion).HasMaxLength(6);
        b.Property(x => x.BuyerType).HasMaxLength(20);
        b.Property(x => x.Field).HasMaxLength(7);
        b.Property(x => x.FieldGroup).HasMaxLength(3);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.RevokedReason).HasMaxLength(ContractRules.MaxReasonLength);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.SellerOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.BuyerOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.RegistrationNumber).IsUnique();
        b.HasIndex(x => new { x.SellerRegion, x.RegisteredOn });
        b.HasIndex(x => new { x.BuyerRegion, x.RegisteredOn });
        b.HasIndex(x => x.SellerOrganizationId);
        b.HasIndex(x => x.BuyerOrganizationId);
        b.HasOne<Market.Achievement>().WithMany().HasForeignKey(x => x.AchievementId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Deals.Deal>().WithMany().HasForeignKey(x => x.DealId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.AchievementId);
        b.HasIndex(x => x.DealId);
        b.HasMany<TechContractFile>().WithOne().HasForeignKey(f => f.ContractId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TechContractFileConfiguration : IEntityTypeConfiguration<TechContractFile>
{
    public void Configure(EntityTypeBuilder<TechContractFile> b)
    {
        b.ToTable("tech_contract_files");
        b.HasKey(x => x.ContractId);
    }
}

internal sealed class TechContractFlowStatConfiguration : IEntityTypeConfiguration<TechContractFlowStat>
{
    public void Configure(EntityTypeBuilder<TechContractFlowStat> b)
    {
        b.ToTable("tech_contract_flow_stats");
        b.HasKey(x => new { x.Month, x.SellerRegion, x.BuyerRegion, x.Type });
        b.Property(x => x.SellerRegion).HasMaxLength(6);
        b.Property(x => x.BuyerRegion).HasMaxLength(6);
        b.Property(x => x.Type).HasMaxLength(20);
    }
}

internal sealed class TechContractProfileStatConfiguration : IEntityTypeConfiguration<TechContractProfileStat>
{
    public void Configure(EntityTypeBuilder<TechContractProfileStat> b)
    {
        b.ToTable("tech_contract_profile_stats");
        b.HasKey(x => new { x.Month, x.SellerRegion, x.Type, x.SellerType, x.FieldGroup });
        b.Property(x => x.SellerRegion).HasMaxLength(6);
        b.Property(x => x.Type).HasMaxLength(20);
        b.Property(x => x.SellerType).HasMaxLength(20);
        b.Property(x => x.FieldGroup).HasMaxLength(3);
    }
}

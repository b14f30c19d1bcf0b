using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.ServiceOrders;

/// <summary>
/// Where a service order is (送样检测订单状态): submitted → quoted → accepted → in progress → reported → completed, or
/// rejected by the provider / cancelled by the customer before the work starts.
/// </summary>
public enum ServiceOrderStatus
{
    /// <summary>已提交，待报价</summary>
    Submitted,

    /// <summary>已报价，待确认</summary>
    Quoted,

    /// <summary>已确认，待送样</summary>
    Accepted,

    /// <summary>检测中（已收样）</summary>
    InProgress,

    /// <summary>已出报告，待验收</summary>
    Reported,

    /// <summary>已完成</summary>
    Completed,

    /// <summary>已拒绝</summary>
    Rejected,

    /// <summary>已取消</summary>
    Cancelled,
}

/// <summary>
/// An order for testing (送样检测): the customer sends samples and names the test items; the provider quotes from the
/// fee schedule, does the work, uploads the report; the customer accepts it. Completion writes a usage record with
/// the machine time the work took, so orders count in statements and in the annual evaluation like bookings do.
/// </summary>
public sealed class ServiceOrder
{
    public Guid Id { get; set; }

    /// <summary>Human number, e.g. SO20261123-3F9A2C (unique).</summary>
    public string Number { get; set; } = "";
    public Guid ResourceId { get; set; }
    public Guid OwnerOrganizationId { get; set; }
    public Guid RequesterId { get; set; }
    public Guid RequesterOrganizationId { get; set; }
    public FeeUserType UserType { get; set; }
    public ServiceOrderStatus Status { get; set; }

    /// <summary>The test items asked for (检测项目), one per line.</summary>
    public string Items { get; set; } = "";
    public int ItemCount { get; set; }

    /// <summary>The samples (样品), one per line as "name × quantity".</summary>
    public string Samples { get; set; } = "";
    public int SampleCount { get; set; }
    public string Purpose { get; set; } = "";

    /// <summary>The fee schedule line the quote used: its unit and price for the customer's type.</summary>
    public string? PriceUnit { get; set; }
    public long? UnitPriceFen { get; set; }

    /// <summary>Billable quantity at that unit: samples, sample × items, or hours.</summary>
    public decimal? Quantity { get; set; }
    public long? QuoteFen { get; set; }
    public string? QuoteNote { get; set; }
    public DateOnly? PromisedOn { get; set; }

    /// <summary>Machine time the work took, as the provider reports it with the report.</summary>
    public int? MachineMinutes { get; set; }
    public string? ReportFileName { get; set; }
    public string? DecisionNote { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? QuotedAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? ReportedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>When the provider refunded the fee (the order stays completed: the work was done).</summary>
    public DateTimeOffset? RefundedAt { get; set; }
    public string? RefundNote { get; set; }
    public int Version { get; set; }
}

/// <summary>The report of an order (检测报告, PDF), apart from the order so lists never read its bytes.</summary>
public sealed class ServiceOrderReport
{
    public Guid OrderId { get; set; }
    public string FileName { get; set; } = "";
    public byte[] Content { get; set; } = [];
    public Guid UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

internal sealed class ServiceOrderReportConfiguration : IEntityTypeConfiguration<ServiceOrderReport>
{
    public void Configure(EntityTypeBuilder<ServiceOrderReport> b)
    {
        b.ToTable("service_order_reports");
        b.HasKey(x => x.OrderId);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.HasOne<ServiceOrder>().WithOne().HasForeignKey<ServiceOrderReport>(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ServiceOrderConfiguration : IEntityTypeConfiguration<ServiceOrder>
{
    public void Configure(EntityTypeBuilder<ServiceOrder> b)
    {
        b.ToTable("service_orders");
        b.Property(x => x.Number).HasMaxLength(30);
        b.Property(x => x.UserType).HasMaxLength(20);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Items).HasMaxLength(2000);
        b.Property(x => x.Samples).HasMaxLength(2000);
        b.Property(x => x.Purpose).HasMaxLength(500);
        b.Property(x => x.PriceUnit).HasMaxLength(20);
        b.Property(x => x.Quantity).HasPrecision(12, 2);
        b.Property(x => x.QuoteNote).HasMaxLength(500);
        b.Property(x => x.ReportFileName).HasMaxLength(200);
        b.Property(x => x.DecisionNote).HasMaxLength(500);
        b.Property(x => x.RefundNote).HasMaxLength(500);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Resource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.RequesterOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.Number).IsUnique();
        b.HasIndex(x => new { x.RequesterId, x.CreatedAt });
        b.HasIndex(x => new { x.OwnerOrganizationId, x.Status, x.CreatedAt });
    }
}

using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// A use's live redemption as other features read it (docs/vouchers-design.md §1): the amount is the approved one once
/// decided, else the subsidy reserved or submitted (pending).
/// </summary>
public sealed record VoucherSubsidyRef
{
    public Guid RedemptionId { get; init; }
    public string Number { get; init; } = "";
    public Guid? BookingId { get; init; }
    public Guid? ServiceOrderId { get; init; }
    public Guid ResourceId { get; init; }
    public Guid HolderOrganizationId { get; init; }
    public Guid ProviderOrganizationId { get; init; }
    public VoucherRedemptionStatus Status { get; init; }
    public long SubsidyFen { get; init; }
    public DateTimeOffset RedeemedAt { get; init; }

    /// <summary>Approved or paid: the amount is final; otherwise it waits for the issuing region's review.</summary>
    public bool Decided => Status is VoucherRedemptionStatus.Approved or VoucherRedemptionStatus.Paid;
}

/// <summary>The read contract of Vouchers for other features (usage statement, bookings and orders, evaluation).</summary>
public sealed class VoucherDirectory(AppDbContext db)
{
    /// <summary>The live redemptions (reserved, submitted, approved, paid): at most one per use.</summary>
    public IQueryable<VoucherSubsidyRef> Subsidies() => db.Set<VoucherRedemption>().AsNoTracking()
        .Where(r => r.Status == VoucherRedemptionStatus.Reserved || r.Status == VoucherRedemptionStatus.Submitted
            || r.Status == VoucherRedemptionStatus.Approved || r.Status == VoucherRedemptionStatus.Paid)
        .Select(r => new VoucherSubsidyRef
        {
            RedemptionId = r.Id,
            Number = r.Number,
            BookingId = r.BookingId,
            ServiceOrderId = r.ServiceOrderId,
            ResourceId = r.ResourceId,
            HolderOrganizationId = r.HolderOrganizationId,
            ProviderOrganizationId = r.ProviderOrganizationId,
            Status = r.Status,
            SubsidyFen = r.ApprovedFen ?? r.SubsidyFen,
            RedeemedAt = r.CreatedAt,
        });
}

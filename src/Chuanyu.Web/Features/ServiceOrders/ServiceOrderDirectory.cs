using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.ServiceOrders;

/// <summary>
/// A service order as a use that something may pay for (the innovation vouchers): who ordered what for whom, whether it
/// is finished (<see cref="ServiceOrderStatus.Completed"/>) and refunded, and the quoted fee completion recorded.
/// </summary>
public sealed record ServiceOrderUseRef
{
    public Guid OrderId { get; init; }
    public string Number { get; init; } = "";
    public Guid ResourceId { get; init; }
    public Guid OwnerOrganizationId { get; init; }
    public Guid RequesterId { get; init; }
    public Guid RequesterOrganizationId { get; init; }
    public ServiceOrderStatus Status { get; init; }
    public long? QuoteFen { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? RefundedAt { get; init; }

    public bool Finished => Status == ServiceOrderStatus.Completed && CompletedAt is not null;
}

/// <summary>The ServiceOrders feature's read contract for other features: its orders as public records in queries that compose.</summary>
public sealed class ServiceOrderDirectory(AppDbContext db)
{
    public IQueryable<ServiceOrderUseRef> Orders() => db.Set<ServiceOrder>().AsNoTracking().Select(o => new ServiceOrderUseRef
    {
        OrderId = o.Id,
        Number = o.Number,
        ResourceId = o.ResourceId,
        OwnerOrganizationId = o.OwnerOrganizationId,
        RequesterId = o.RequesterId,
        RequesterOrganizationId = o.RequesterOrganizationId,
        Status = o.Status,
        QuoteFen = o.QuoteFen,
        CompletedAt = o.CompletedAt,
        RefundedAt = o.RefundedAt,
    });

    /// <summary>
    /// The order under a row lock held until the caller's transaction ends (PostgreSQL <c>FOR SHARE</c>; SQLite's
    /// <c>BEGIN IMMEDIATE</c> already holds the database). Must run inside the caller's transaction.
    /// </summary>
    public async Task<ServiceOrderUseRef?> LockUseAsync(Guid orderId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("LockUseAsync must run inside the caller's open transaction.");
        }
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM service_orders WHERE id = {orderId} FOR SHARE", ct);
        }
        return await Orders().FirstOrDefaultAsync(o => o.OrderId == orderId, ct);
    }
}

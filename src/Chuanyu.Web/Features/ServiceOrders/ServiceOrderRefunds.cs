using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.ServiceOrders;

/// <summary>The refund of a completed service order by the provider's managers, as <see cref="UseRefunds"/> refunds a booking.</summary>
public sealed class ServiceOrderRefunds(AppDbContext db, CatalogDirectory catalog, UseRefunds refunds, TimeProvider clock)
{
    public async Task<ServiceResult> RefundAsync(Guid id, string? note, CancellationToken ct)
    {
        if (UseRefunds.Note(note) is not { } text)
        {
            return UseRefunds.NoteMissing();
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM service_orders WHERE id = {id} FOR UPDATE", ct);
        }
        var o = await db.Set<ServiceOrder>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (o is null || !catalog.CanManage(o.OwnerOrganizationId))
        {
            return new ServiceResult.NotFound();
        }
        if (UseRefunds.Refuse(o.Status == ServiceOrderStatus.Completed, o.RefundedAt) is { } refused)
        {
            return refused;
        }
        o.RefundedAt = clock.GetUtcNow();
        o.RefundNote = text;
        o.Version++;
        return await refunds.CommitAsync(tx, new UseKey(VoucherUseKind.ServiceOrder, id), "service-order.refund", $"service-order:{id}", text, ct);
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Deals;

/// <summary>How the deal feature writes: the tracked changes and their audit row in one transaction.</summary>
internal static class DealStore
{
    /// <summary>Saves and audits; a concurrent change (an old version, a second profile of one user) is 409 and nothing is kept.</summary>
    public static async Task<ServiceResult> SaveAuditedAsync(AppDbContext db, AuditLog audit, string action, string target, string detail, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return new ServiceResult.Conflict(new Message("Deals.ChangedMeanwhile"));
        }
        await audit.RecordAsync(action, target, detail: detail, ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}

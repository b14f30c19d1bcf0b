using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.ApiClients;

/// <summary>The signed requests' nonces, cleared by the audit retention run (<see cref="INoncePurge"/>, registered by <c>AddApiClients</c>).</summary>
internal sealed class ApiClientNoncePurge(AppDbContext db) : INoncePurge
{
    /// <summary>Signed API requests older than this are refused anyway, so their nonces need not be remembered.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>Deletes API request nonces seen more than <see cref="Lifetime"/> before <paramref name="now"/>.</summary>
    public Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct)
    {
        var before = now.ToUniversalTime() - Lifetime;
        return db.Set<ApiClientNonce>().Where(n => n.SeenAt < before).ExecuteDeleteAsync(ct);
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.Market;

/// <summary>
/// Writes the expiry of published records past <see cref="MarketRecord.ExpiresAt"/> (reads already treat them as
/// expired; this makes the stored state agree, removes their search documents through the index's save hook, and audits
/// each one). Saved through tracked entities in batches, so the search index follows.
/// </summary>
public sealed class MarketExpiry(AppDbContext db, AuditLog audit, TimeProvider clock)
{
    public const int Batch = 500;

    public async Task<bool> AnyDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await db.Set<Achievement>().AnyAsync(Due<Achievement>(now), ct) || await db.Set<Demand>().AnyAsync(Due<Demand>(now), ct);
    }

    private static System.Linq.Expressions.Expression<Func<T, bool>> Due<T>(DateTimeOffset now) where T : MarketRecord =>
        r => r.Status == MarketStatus.Published && r.ExpiresAt != null && r.ExpiresAt <= now;

    /// <summary>Expires every due record; returns how many.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken ct) => await ExpireAsync<Achievement>(ct) + await ExpireAsync<Demand>(ct);

    private async Task<int> ExpireAsync<T>(CancellationToken ct) where T : MarketRecord
    {
        var kind = typeof(T) == typeof(Achievement) ? "achievement" : "demand";
        var total = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            var due = await db.Set<T>().Where(Due<T>(now)).OrderBy(r => r.ExpiresAt).Take(Batch).ToListAsync(ct);
            if (due.Count == 0)
            {
                return total;
            }
            foreach (var r in due)
            {
                r.Status = MarketStatus.Expired;
                r.UpdatedAt = now;
                r.Version++;
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            foreach (var r in due)
            {
                await audit.RecordAsync($"market.{kind}.expire", $"{kind}:{r.Id}", detail: "Published -> Expired", actorName: "system", ct: ct);
            }
            total += due.Count;
        }
    }
}

/// <summary>Runs <see cref="MarketExpiry"/> on whichever instance holds the lease; it reads first and takes the lease only when something is due.</summary>
internal sealed class MarketExpiryService(IServiceScopeFactory scopes, IOptions<MarketOptions> options, TimeProvider clock, ILogger<MarketExpiryService> logger)
    : BackgroundService
{
    private const string LeaseName = "market.expiry";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.ExpiryIntervalSeconds);
        if (interval <= TimeSpan.Zero)
        {
            logger.LogInformation("Market expiry is off (Market:ExpiryIntervalSeconds = 0).");
            return;
        }
        await PeriodicLoop.RunAsync(interval, clock, async ct =>
        {
            using var scope = scopes.CreateScope();
            var expiry = scope.ServiceProvider.GetRequiredService<MarketExpiry>();
            if (!await expiry.AnyDueAsync(ct))
            {
                return;
            }
            var leases = scope.ServiceProvider.GetRequiredService<JobLeases>();
            if (!await leases.TryAcquireAsync(LeaseName, leases.Holder, TimeSpan.FromMinutes(5), ct))
            {
                return;
            }
            var n = await expiry.ExpireDueAsync(ct);
            logger.LogInformation("Market records expired: {Count}", n);
        }, logger, "Market expiry failed", stoppingToken);
    }
}

using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// Invitations not answered by their deadline count as declined and are replaced (an alternate, or a new committed draw),
/// once a minute by whichever instance holds the lease.
/// </summary>
internal sealed class ReviewJobsService(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<ReviewJobsService> logger) : BackgroundService
{
    private const string LeaseName = "reviews.overdue-invitations";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Experts:JobIntervalSeconds", 60));
        if (interval <= TimeSpan.Zero)
        {
            logger.LogInformation("Review jobs are off (Experts:JobIntervalSeconds = 0).");
            return;
        }
        await PeriodicLoop.RunAsync(interval, clock, async ct =>
        {
            using var scope = scopes.CreateScope();
            var leases = scope.ServiceProvider.GetRequiredService<JobLeases>();
            if (!await leases.TryAcquireAsync(LeaseName, leases.Holder, interval * 2, ct))
            {
                return;
            }
            var replaced = await scope.ServiceProvider.GetRequiredService<ReviewDraws>().ProcessOverdueAsync(ct);
            if (replaced > 0)
            {
                logger.LogInformation("Review invitations past their deadline: {Count} marked unanswered and replaced", replaced);
            }
        }, logger, "Review jobs failed", stoppingToken);
    }
}

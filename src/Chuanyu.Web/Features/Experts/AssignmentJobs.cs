using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// Runs the queued bulk assignments (<see cref="AssignmentRuns.ProcessQueuedAsync"/>) on whichever instance holds the
/// lease, every few seconds; the lease is held for the longest run expected and renewed at each pass.
/// </summary>
internal sealed class AssignmentJobsService(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<AssignmentJobsService> logger)
    : BackgroundService
{
    private const string LeaseName = "experts.assignment-runs";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Experts:AssignmentIntervalSeconds", 5));
        if (interval <= TimeSpan.Zero)
        {
            logger.LogInformation("Bulk assignment runs are off (Experts:AssignmentIntervalSeconds = 0).");
            return;
        }
        await PeriodicLoop.RunAsync(interval, clock, async ct =>
        {
            using var scope = scopes.CreateScope();
            var assignments = scope.ServiceProvider.GetRequiredService<AssignmentRuns>();
            // Polled often, so the lease (a write) is only taken when there is work.
            if (!await assignments.AnyWorkAsync(ct))
            {
                return;
            }
            var leases = scope.ServiceProvider.GetRequiredService<JobLeases>();
            if (!await leases.TryAcquireAsync(LeaseName, leases.Holder, AssignmentRuns.StaleAfter, ct))
            {
                return;
            }
            var runs = await assignments.ProcessQueuedAsync(ct);
            if (runs > 0)
            {
                logger.LogInformation("Bulk assignment runs finished: {Count}", runs);
            }
        }, logger, "Bulk assignment runs failed", stoppingToken);
    }
}

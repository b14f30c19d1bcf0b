namespace Chuanyu.Web.Infrastructure;

/// <summary>The loop of the platform's background jobs: one unit of work per tick until the host stops.</summary>
public static class PeriodicLoop
{
    /// <summary>
    /// Runs <paramref name="work"/> every <paramref name="interval"/> (on <paramref name="clock"/>, so tests can drive
    /// it) until <paramref name="stoppingToken"/> fires. A failed tick is logged with <paramref name="failure"/> and the
    /// next tick tries again: one bad run must never stop the job or the host.
    /// </summary>
    public static async Task RunAsync(TimeSpan interval, TimeProvider clock, Func<CancellationToken, Task> work, ILogger logger, string failure,
        CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(interval, clock);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await work(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "{Failure}; retrying at the next tick", failure);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}

using System.Diagnostics;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// Waits for something another instance or a background job brings about: asks again every <c>interval</c> until it
/// holds, and fails with what it waited for once the deadline passes (a bound for a hang, not a speed figure).
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(60);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? deadline = null, int intervalMs = 100)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (Stopwatch.GetElapsedTime(started) > (deadline ?? DefaultDeadline))
            {
                throw new TimeoutException($"Still waiting after {(deadline ?? DefaultDeadline).TotalSeconds:0} s: {what}");
            }
            await Task.Delay(intervalMs);
        }
    }
}

using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Data;

/// <summary>The lease that lets exactly one instance of several run a background job.</summary>
public sealed class JobLeaseTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly ChuanyuFactory _factory = new();
    private readonly ManualClock _clock = new(Start);
    private readonly WebApplicationFactory<Program> _host;

    public JobLeaseTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    public void Dispose() => _factory.Dispose();

    private async Task<T> WithLeasesAsync<T>(Func<JobLeases, Task<T>> work)
    {
        using var scope = _host.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<JobLeases>());
    }

    [Fact]
    public async Task TwoHoldersRacing_ExactlyOneWins_UntilItExpiresOrIsReleased()
    {
        const string name = "test-job";
        var duration = TimeSpan.FromMinutes(5);
        string[] holders = ["host-a:1:aaaa", "host-b:2:bbbb"];
        _ = _host.Services; // start the host once, before the race

        // Many simultaneous attempts from both holders, each on its own connection.
        var attempts = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var holder = holders[i % 2];
            return (holder, won: await WithLeasesAsync(l => l.TryAcquireAsync(name, holder, duration)));
        }));
        var results = await Task.WhenAll(attempts);
        var winners = results.Where(r => r.won).Select(r => r.holder).Distinct().ToList();
        var winner = Assert.Single(winners);
        var loser = holders.Single(h => h != winner);
        Assert.DoesNotContain(results, r => r.holder == loser && r.won);
        var stored = await WithLeasesAsync(l => l.GetAsync(name));
        Assert.Equal(winner, stored!.Holder);
        Assert.Equal(Start + duration, stored.ExpiresAt);

        // Still held just before it lapses; the holder may renew it.
        _clock.Advance(duration - TimeSpan.FromSeconds(1));
        Assert.False(await WithLeasesAsync(l => l.TryAcquireAsync(name, loser, duration)));
        Assert.True(await WithLeasesAsync(l => l.TryAcquireAsync(name, winner, duration)));

        // Once it lapses the other holder takes it, and the first no longer has it.
        _clock.Advance(duration + TimeSpan.FromSeconds(1));
        Assert.True(await WithLeasesAsync(l => l.TryAcquireAsync(name, loser, duration)));
        Assert.False(await WithLeasesAsync(l => l.TryAcquireAsync(name, winner, duration)));

        // Only the holder can release it; after that the other takes it at once.
        Assert.False(await WithLeasesAsync(l => l.ReleaseAsync(name, winner)));
        Assert.False(await WithLeasesAsync(l => l.TryAcquireAsync(name, winner, duration)));
        Assert.True(await WithLeasesAsync(l => l.ReleaseAsync(name, loser)));
        Assert.True(await WithLeasesAsync(l => l.TryAcquireAsync(name, winner, duration)));
        Assert.Equal(winner, (await WithLeasesAsync(l => l.GetAsync(name)))!.Holder);
    }

    [Fact]
    public async Task LeasesWithDifferentNames_DoNotInterfere()
    {
        Assert.True(await WithLeasesAsync(l => l.TryAcquireAsync("job-one", "a", TimeSpan.FromMinutes(1))));
        Assert.True(await WithLeasesAsync(l => l.TryAcquireAsync("job-two", "b", TimeSpan.FromMinutes(1))));
        Assert.False(await WithLeasesAsync(l => l.TryAcquireAsync("job-one", "b", TimeSpan.FromMinutes(1))));
    }

    [Fact]
    public void EachInstance_HasItsOwnHolderId()
    {
        using var second = ChuanyuFactory.OnSameDatabase(_factory.Database);
        var first = _host.Services.GetRequiredService<JobLeaseHolder>().Id;
        var other = second.Services.GetRequiredService<JobLeaseHolder>().Id;
        Assert.NotEqual(first, other);
        Assert.StartsWith($"{Environment.MachineName}:{Environment.ProcessId}:", first, StringComparison.Ordinal);
        Assert.StartsWith($"{Environment.MachineName}:{Environment.ProcessId}:", other, StringComparison.Ordinal);
    }
}

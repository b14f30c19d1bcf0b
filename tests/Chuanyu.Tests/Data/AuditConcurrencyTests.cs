using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chuanyu.Tests.Data;

/// <summary>
/// Issue 20, point 8: an audited action never loses its audit row, however many append at once. Every storm checks
/// that each action's row is in the chain exactly once, that the sequence has no gap and that the chain verifies, and
/// that no database error about audit_entries was logged (appenders queue; they no longer race and retry).
/// </summary>
public sealed class AuditConcurrencyTests : IDisposable
{
    private readonly ChuanyuFactory _factory = new();
    private readonly LogSink _log = new();
    private readonly WebApplicationFactory<Program> _host;

    public AuditConcurrencyTests()
    {
        _host = WithLog(_factory, _log);
        // Start the host (migrate, seed) before any storm: concurrent first uses would each start one.
        _ = _host.Services;
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Append_200ConcurrentActions_EachInTheChainExactlyOnce()
    {
        var targets = Enumerable.Range(0, 200).Select(i => $"storm:{i}").ToList();

        await StormAsync(targets.Select(t => (Func<Task>)(() => AppendAsync(_host, "test.storm", t))));

        await AssertChainHoldsExactlyAsync(_host, "test.storm", targets);
        AssertNoAuditErrorLogged(_log);
    }

    [Fact]
    public async Task Append_InsideCallersTransactions_CommitsWithThemAndRollbacksLeaveNoGap()
    {
        // A third appends on their own, a third inside a transaction of the caller that commits, a third inside one that
        // rolls back: the rolled-back rows vanish with their action, and the chain still has no gap where they were.
        var work = Enumerable.Range(0, 60).Select(i => (Target: $"tx:{i}", Kind: i % 3)).ToList();

        await StormAsync(work.Select(w => (Func<Task>)(() => w.Kind switch
        {
            0 => AppendAsync(_host, "test.tx", w.Target),
            _ => AppendInTransactionAsync(_host, "test.tx", w.Target, commit: w.Kind == 1),
        })));

        await AssertChainHoldsExactlyAsync(_host, "test.tx", work.Where(w => w.Kind != 2).Select(w => w.Target));
        AssertNoAuditErrorLogged(_log);
    }

    [Fact]
    public async Task SignIn_ConcurrentWrongPasswords_EachFailureAuditedOnce()
    {
        // Four at once against each demo account (below the lockout threshold of 5, but a locked-out answer would be
        // audited too), plus unknown addresses: every request is one auth.login failure row.
        var accounts = new[]
        {
            Demo.SystemAdmin, Demo.SecurityAdmin, Demo.AuditAdmin, Demo.ChongqingAdmin, Demo.SichuanAdmin,
            Demo.CquOrgAdmin, Demo.CquInstrumentManager, Demo.ScuResearcher, Demo.Engineer,
        };
        var unknown = Enumerable.Range(0, 12).Select(i => $"nobody-{i}@storm.test").ToList();
        var emails = accounts.SelectMany(a => Enumerable.Repeat(a, 4)).Concat(unknown).ToList();
        var before = await _host.Services.WithDbAsync(db => db.AuditEntries.MaxAsync(e => (long?)e.Seq)) ?? 0;
        var statuses = new ConcurrentBag<HttpStatusCode>();

        await StormAsync(emails.Select(email => (Func<Task>)(async () =>
        {
            using var client = _host.CreateClient();
            var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Wrong-Passw0rd!" });
            statuses.Add(response.StatusCode);
        })));

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.Locked, $"sign-in answered {s}"));
        var rows = await _host.Services.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.Seq > before && e.Action == "auth.login")
            .Select(e => new { e.Outcome, e.ActorName, e.Target }).ToListAsync());
        Assert.All(rows, r => Assert.Equal(AuditOutcome.Failure, r.Outcome));
        foreach (var account in accounts)
        {
            Assert.True(rows.Count(r => r.ActorName == account && r.Target!.StartsWith("user:", StringComparison.Ordinal)) == 4,
                $"{account}: {rows.Count(r => r.ActorName == account)} failure rows for 4 attempts");
        }
        foreach (var email in unknown)
        {
            Assert.Single(rows, r => r.Target == $"email:{email}");
        }
        Assert.Equal(emails.Count, rows.Count);
        await AssertIntactAndGapFreeAsync(_host);
        AssertNoAuditErrorLogged(_log);
    }

    [Fact]
    public async Task Append_OutsideATransaction_NeitherSavesNorTripsOverTheCallersUnsavedChanges()
    {
        // A failed Identity update (a concurrency conflict on the account) leaves the account modified in the request's
        // DbContext; the failure's audit row must still be written, and must not write the stale account with it.
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var user = await db.Users.FirstAsync(u => u.Email == Demo.ScuResearcher);
        var displayName = user.DisplayName;
        user.DisplayName = "never saved";
        db.Entry(user).Property(u => u.ConcurrencyStamp).OriginalValue = "stale";

        await scope.ServiceProvider.GetRequiredService<AuditLog>().RecordAsync("test.untouched", $"user:{user.Id}");

        Assert.Equal(EntityState.Modified, db.Entry(user).State);
        Assert.Equal(displayName, await _host.Services.WithDbAsync(d => d.Users.Where(u => u.Id == user.Id).Select(u => u.DisplayName).SingleAsync()));
        await AssertChainHoldsExactlyAsync(_host, "test.untouched", [$"user:{user.Id}"]);
    }

    [Fact]
    public async Task Append_FromTwoInstancesOnOneDatabase_OneUnbrokenChain()
    {
        // Two hosts on one database, as behind a load balancer: each queues its own appenders, and the database's lock
        // (PostgreSQL advisory lock, SQLite write lock) queues the two hosts.
        var secondLog = new LogSink();
        using var second = ChuanyuFactory.OnSameDatabase(_factory.Database);
        var other = WithLog(second, secondLog);
        _ = other.Services;
        var work = Enumerable.Range(0, 200).Select(i => (Host: i % 2 == 0 ? _host : other, Target: $"two:{i}")).ToList();

        await StormAsync(work.Select(w => (Func<Task>)(() => AppendAsync(w.Host, "test.two", w.Target))));

        await AssertChainHoldsExactlyAsync(_host, "test.two", work.Select(w => w.Target));
        AssertNoAuditErrorLogged(_log);
        AssertNoAuditErrorLogged(secondLog);
    }

    private static WebApplicationFactory<Program> WithLog(ChuanyuFactory factory, LogSink log) => log.Attach(factory);

    /// <summary>Starts every piece of work at once (each on its own thread-pool task) and waits for all of them.</summary>
    private static async Task StormAsync(IEnumerable<Func<Task>> work)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = work.Select(w => Task.Run(async () =>
        {
            await start.Task;
            await w();
        })).ToList();
        start.SetResult();
        await Task.WhenAll(tasks);
    }

    /// <summary>One audited action as a request performs it: its own DI scope, its own DbContext.</summary>
    private static async Task AppendAsync(WebApplicationFactory<Program> host, string action, string target)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AuditLog>().RecordAsync(action, target, detail: $"并发 {target}");
    }

    /// <summary>As the services do: the action's change and its audit row in one transaction of the caller.</summary>
    private static async Task AppendInTransactionAsync(WebApplicationFactory<Program> host, string action, string target, bool commit)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync();
        await scope.ServiceProvider.GetRequiredService<AuditLog>().RecordAsync(action, target, detail: $"事务内 {target}");
        if (commit)
        {
            await tx.CommitAsync();
        }
        else
        {
            await tx.RollbackAsync();
        }
    }

    private static async Task AssertChainHoldsExactlyAsync(WebApplicationFactory<Program> host, string action, IEnumerable<string> targets)
    {
        var expected = targets.Order(StringComparer.Ordinal).ToList();
        var actual = await host.Services.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == action)
            .Select(e => e.Target!).ToListAsync());
        Assert.Equal(expected, actual.Order(StringComparer.Ordinal).ToList());
        await AssertIntactAndGapFreeAsync(host);
    }

    private static async Task AssertIntactAndGapFreeAsync(WebApplicationFactory<Program> host)
    {
        var (result, count, min, max) = await host.Services.WithDbAsync(async db => (
            await AuditLog.VerifyAsync(db),
            await db.AuditEntries.LongCountAsync(),
            await db.AuditEntries.MinAsync(e => e.Seq),
            await db.AuditEntries.MaxAsync(e => e.Seq)));
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(count, result.RowsChecked);
        Assert.Equal(1, min);
        Assert.Equal(count, max);
    }

    private static void AssertNoAuditErrorLogged(LogSink log)
    {
        var errors = log.Entries.Where(e => e.Level >= LogLevel.Warning && e.Text.Contains("audit_entries", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} warnings or errors about audit_entries were logged, first: {errors.FirstOrDefault()}");
    }
}

internal static class ServiceProviderDb
{
    public static async Task<T> WithDbAsync<T>(this IServiceProvider services, Func<AppDbContext, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }
}

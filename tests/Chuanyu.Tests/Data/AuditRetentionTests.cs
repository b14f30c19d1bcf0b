using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.ApiClients;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chuanyu.Tests.Data;

/// <summary>
/// The audit retention job (网络安全法 Art. 21: at least six months). Each test has its own database and a clock it
/// sets, so rows are made old or young by writing them at chosen instants.
/// </summary>
public sealed class AuditRetentionTests : IDisposable
{
    // The 15th, so that six calendar months back and forth land on the same day and time.
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 8, 0, 0, TimeSpan.Zero);
    private readonly ChuanyuFactory _factory = new();
    private readonly ManualClock _clock = new(T0);

    public void Dispose() => _factory.Dispose();

    /// <summary>The platform on this test's database with the test's clock (demo data is written at the clock's time).</summary>
    private WebApplicationFactory<Program> Host(ChuanyuFactory? on = null, params (string Key, string Value)[] settings) =>
        (on ?? _factory).WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
            b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock));
        });

    private static async Task<T> WithDbAsync<T>(WebApplicationFactory<Program> host, Func<AppDbContext, Task<T>> work)
    {
        using var scope = host.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>Appends rows at the clock's current time; returns the sequence number of the last one.</summary>
    private static async Task<long> AppendAsync(WebApplicationFactory<Program> host, string action, int count = 1)
    {
        using var scope = host.Services.CreateScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        for (var i = 0; i < count; i++)
        {
            await audit.RecordAsync(action, $"thing:{i}");
        }
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEntries.MaxAsync(e => e.Seq);
    }

    private Task<AuditRetentionResult> PurgeAsync(WebApplicationFactory<Program> host) => PurgeAsync(host, _clock.GetUtcNow());

    private static async Task<AuditRetentionResult> PurgeAsync(WebApplicationFactory<Program> host, DateTimeOffset now)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditRetention>().RunOnceAsync(now);
    }

    private static Task<AuditVerification> VerifyAsync(WebApplicationFactory<Program> host) => WithDbAsync(host, db => AuditLog.VerifyAsync(db));

    private static Task<string> HashOfAsync(WebApplicationFactory<Program> host, long seq) =>
        WithDbAsync(host, db => db.AuditEntries.Where(e => e.Seq == seq).Select(e => e.Hash).SingleAsync());

    private static Task<List<long>> SeqsAsync(WebApplicationFactory<Program> host) =>
        WithDbAsync(host, db => db.AuditEntries.OrderBy(e => e.Seq).Select(e => e.Seq).ToListAsync());

    private static Task<List<AuditCheckpoint>> CheckpointsAsync(WebApplicationFactory<Program> host) =>
        WithDbAsync(host, db => db.Set<AuditCheckpoint>().OrderBy(c => c.ThroughSeq).ToListAsync());

    private static Task<List<string?>> RetentionRowsAsync(WebApplicationFactory<Program> host) =>
        WithDbAsync(host, db => db.AuditEntries.Where(e => e.Action == AuditLog.RetentionAction).OrderBy(e => e.Seq).Select(e => e.Detail).ToListAsync());

    /// <summary>A host whose chain has old rows up to the returned seq (written at T0), then two young rows; purged at T0 + 7 months.</summary>
    private async Task<(WebApplicationFactory<Program> Host, long Through, string Hash)> PurgedChainAsync()
    {
        var host = Host();
        var through = await AppendAsync(host, "test.old", 3);
        var hash = await HashOfAsync(host, through);
        _clock.Set(T0.AddMonths(7));
        await AppendAsync(host, "test.young", 2);
        var result = await PurgeAsync(host);
        Assert.Equal(AuditRetentionStatus.Purged, result.Status);
        return (host, through, hash);
    }

    [Fact]
    public async Task Purge_RowsOlderThanTheCutoff_AreDeletedAndTheChainStillVerifies()
    {
        var host = Host();
        var through = await AppendAsync(host, "test.old", 3);
        var hash = await HashOfAsync(host, through);
        _clock.Set(T0.AddMonths(7));
        var young = await AppendAsync(host, "test.young", 2);

        var result = await PurgeAsync(host);

        Assert.Equal(AuditRetentionStatus.Purged, result.Status);
        Assert.Equal(T0.AddMonths(1), result.Cutoff);
        Assert.Equal(through, result.ThroughSeq);
        Assert.Equal(hash, result.ThroughHash);
        Assert.Equal(through, result.RowsPurged);
        // What is left: the two young rows and the row recording the purge, which links to the last deleted row.
        Assert.Equal([young - 1, young, young + 1], await SeqsAsync(host));
        var checkpoint = Assert.Single(await CheckpointsAsync(host));
        Assert.Equal((through, hash, T0.AddMonths(1), T0.AddMonths(7), through),
            (checkpoint.ThroughSeq, checkpoint.ThroughHash, checkpoint.Cutoff, checkpoint.CreatedAt, checkpoint.RowsPurged));
        var record = await WithDbAsync(host, db => db.AuditEntries.SingleAsync(e => e.Action == AuditLog.RetentionAction));
        Assert.Equal(young + 1, record.Seq);
        Assert.Equal($"through:{through} hash:{hash} cutoff:2025-02-15T08:00:00.0000000Z rows:{through}", record.Detail);

        var verified = await VerifyAsync(host);
        Assert.True(verified.Intact, verified.Problem);
        Assert.Equal(through, verified.StartsAfterSeq);
        Assert.Equal(3, verified.RowsChecked);

        // The chain goes on as before; a second run finds nothing; the operator's command agrees the chain is intact.
        await AppendAsync(host, "test.after");
        Assert.Equal(AuditRetentionStatus.NothingToPurge, (await PurgeAsync(host)).Status);
        Assert.Single(await CheckpointsAsync(host));
        Assert.True((await VerifyAsync(host)).Intact);
        var (exit, output) = await ProcessRunner.RunPlatformAsync(_factory.Database.Provider, _factory.Database.ConnectionString, "verify-audit");
        Assert.True(exit == 0, output);
        Assert.Contains($"Audit chain intact: 4 rows verified (rows up to {through} were purged", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_AgainMonthsLater_MovesTheCheckpointAndStillVerifies()
    {
        var (host, first, _) = await PurgedChainAsync();
        var head = (await SeqsAsync(host))[^1];
        var headHash = await HashOfAsync(host, head);
        _clock.Set(T0.AddMonths(14));
        await AppendAsync(host, "test.later");

        var result = await PurgeAsync(host);

        // Everything written at T0 + 7 months, including the first purge's own row, is now old.
        Assert.Equal(AuditRetentionStatus.Purged, result.Status);
        Assert.Equal((head, headHash, head - first), (result.ThroughSeq, result.ThroughHash, result.RowsPurged));
        Assert.Equal([first, head], (await CheckpointsAsync(host)).Select(c => c.ThroughSeq));
        Assert.Equal([head + 1, head + 2], await SeqsAsync(host));
        var verified = await VerifyAsync(host);
        Assert.True(verified.Intact, verified.Problem);
        Assert.Equal(head, verified.StartsAfterSeq);
    }

    [Fact]
    public async Task Purge_RowExactlyAtTheCutoff_IsKept()
    {
        _clock.Set(T0.AddYears(-1));
        var host = Host();
        _ = host.Services;
        _clock.Set(T0.AddTicks(-10)); // one microsecond before the cutoff: the finest time the engines store
        var older = await AppendAsync(host, "test.just-older");
        _clock.Set(T0);
        var atCutoff = await AppendAsync(host, "test.at-cutoff");

        _clock.Set(T0.AddMonths(6));
        var result = await PurgeAsync(host);

        Assert.Equal(T0, result.Cutoff);
        Assert.Equal(older, result.ThroughSeq);
        Assert.Equal(atCutoff, (await SeqsAsync(host))[0]);
        Assert.Equal(T0, await WithDbAsync(host, db => db.AuditEntries.Where(e => e.Seq == atCutoff).Select(e => e.At).SingleAsync()));
        Assert.True((await VerifyAsync(host)).Intact);
    }

    [Fact]
    public async Task Purge_YoungRowFollowedByOlderRows_StopsBeforeTheYoungRow()
    {
        _clock.Set(T0.AddYears(-1));
        var host = Host();
        _ = host.Services;
        _clock.Set(T0.AddDays(1));
        var young = await AppendAsync(host, "test.young");
        // The clock was stepped back: these rows come later in the chain but carry older times.
        _clock.Set(T0.AddYears(-1));
        var olderAfter = await AppendAsync(host, "test.old-after", 2);

        _clock.Set(T0.AddMonths(6));
        var result = await PurgeAsync(host);

        Assert.Equal(AuditRetentionStatus.Purged, result.Status);
        Assert.Equal(young - 1, result.ThroughSeq);
        var left = await SeqsAsync(host);
        Assert.Equal(young, left[0]);
        Assert.Contains(olderAfter - 1, left);
        Assert.Contains(olderAfter, left);
        Assert.True((await VerifyAsync(host)).Intact);

        // Run again: the young row still blocks the old rows behind it.
        Assert.Equal(AuditRetentionStatus.NothingToPurge, (await PurgeAsync(host)).Status);
        Assert.Equal(young, (await SeqsAsync(host))[0]);
    }

    [Fact]
    public async Task Purge_NothingOldEnough_DoesNothing()
    {
        var host = Host();
        var before = await SeqsAsync(host);
        _clock.Set(T0.AddMonths(6).AddTicks(-10));

        var result = await PurgeAsync(host);

        Assert.Equal(AuditRetentionStatus.NothingToPurge, result.Status);
        Assert.Equal(before, await SeqsAsync(host));
        Assert.Empty(await CheckpointsAsync(host));
    }

    [Fact]
    public async Task Purge_OldRowsThatDoNotVerify_AreNotDeleted()
    {
        // Purging a tampered stretch would erase the evidence; the job refuses and leaves everything in place.
        var host = Host();
        var through = await AppendAsync(host, "test.old", 3);
        await WithDbAsync(host, db => db.Database.ExecuteSqlAsync($"UPDATE audit_entries SET detail = 'rewritten' WHERE seq = {through - 1}"));
        _clock.Set(T0.AddMonths(7));
        var before = await SeqsAsync(host);

        var result = await PurgeAsync(host);

        Assert.Equal(AuditRetentionStatus.Refused, result.Status);
        Assert.Contains($"broken at row {through - 1}", result.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SeqsAsync(host));
        Assert.Empty(await CheckpointsAsync(host));
    }

    [Fact]
    public void RetentionMonthsBelowSix_IsRefusedAtStartUp()
    {
        var host = _factory.WithWebHostBuilder(b => b.UseSetting("Audit:RetentionMonths", "5"));
        var thrown = Assert.ThrowsAny<Exception>(() => host.Services);
        var error = Unwrap(thrown).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(error is not null, thrown.ToString());
        Assert.Contains("Audit:RetentionMonths is 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 6 months", error.Message, StringComparison.Ordinal);

        static IEnumerable<Exception> Unwrap(Exception e)
        {
            for (Exception? x = e; x is not null; x = x.InnerException)
            {
                yield return x;
                if (x is AggregateException aggregate)
                {
                    foreach (var inner in aggregate.InnerExceptions.SelectMany(Unwrap))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }

    [Fact]
    public async Task PurgeAuditCommand_RetentionMonthsBelowSix_RefusesWithTheReason()
    {
        var (exit, output) = await ProcessRunner.RunAsync("dotnet", [typeof(Program).Assembly.Location, "purge-audit"], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = _factory.Database.Provider,
            [$"ConnectionStrings__{_factory.Database.Provider}"] = _factory.Database.ConnectionString,
            ["Audit__RetentionMonths"] = "3",
        });
        Assert.Equal(2, exit);
        Assert.Contains("Audit:RetentionMonths is 3", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeAuditCommand_PurgesRowsOlderThanSixMonths()
    {
        // The command runs with the real clock: the demo data is written eight months ago.
        _clock.Set(DateTimeOffset.UtcNow.AddMonths(-8));
        var host = Host();
        var through = await AppendAsync(host, "test.old");
        var database = _factory.Database;

        var (exit, output) = await ProcessRunner.RunPlatformAsync(database.Provider, database.ConnectionString, "purge-audit");
        Assert.True(exit == 0, output);
        Assert.Contains($"Purged {through} audit rows (1–{through})", output, StringComparison.Ordinal);
        Assert.Single(await CheckpointsAsync(host));

        var (againExit, againOutput) = await ProcessRunner.RunPlatformAsync(database.Provider, database.ConnectionString, "purge-audit");
        Assert.True(againExit == 0, againOutput);
        Assert.Contains("No audit row is older than", againOutput, StringComparison.Ordinal);
        var (verifyExit, verifyOutput) = await ProcessRunner.RunPlatformAsync(database.Provider, database.ConnectionString, "verify-audit");
        Assert.True(verifyExit == 0, verifyOutput);
    }

    [Fact]
    public async Task ForgedCheckpoint_HidingDeletedYoungRows_IsReportedByVerifyAndTheCommand()
    {
        // Someone deletes young rows 1..k and writes a checkpoint for k with the real hash of row k.
        var host = Host();
        var k = await AppendAsync(host, "test.young", 2) - 1;
        var hash = await HashOfAsync(host, k);
        await WithDbAsync(host, async db =>
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM audit_entries WHERE seq <= {k}");
            db.Set<AuditCheckpoint>().Add(new AuditCheckpoint { ThroughSeq = k, ThroughHash = hash, Cutoff = T0.AddMonths(-6), CreatedAt = T0, RowsPurged = k });
            return await db.SaveChangesAsync();
        });

        var result = await VerifyAsync(host);
        Assert.False(result.Intact);
        Assert.Equal(1, result.FirstBrokenSeq);
        Assert.Equal($"rows 1–{k} are missing and no audit.retention row accounts for it", result.Problem);

        var (exit, output) = await ProcessRunner.RunPlatformAsync(_factory.Database.Provider, _factory.Database.ConnectionString, "verify-audit");
        Assert.Equal(1, exit);
        Assert.Contains("Audit chain BROKEN at row 1: rows 1–", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedRetentionRow_NamingAnotherHash_DoesNotAccountForTheCut()
    {
        var host = Host();
        var k = await AppendAsync(host, "test.young", 2) - 1;
        var hash = await HashOfAsync(host, k);
        await WithDbAsync(host, async db =>
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM audit_entries WHERE seq <= {k}");
            db.Set<AuditCheckpoint>().Add(new AuditCheckpoint { ThroughSeq = k, ThroughHash = hash, Cutoff = T0.AddMonths(-6), CreatedAt = T0, RowsPurged = k });
            return await db.SaveChangesAsync();
        });
        using (var scope = host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AuditLog>().RecordAsync(AuditLog.RetentionAction, "audit_entries",
                detail: $"through:{k} hash:{new string('0', 64)} cutoff:2024-07-15T08:00:00.0000000Z rows:{k}");
        }

        var result = await VerifyAsync(host);
        Assert.False(result.Intact);
        Assert.Contains("no audit.retention row accounts for it", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedCheckpoint_AfterARealPurge_IsReported()
    {
        var (host, through, _) = await PurgedChainAsync();
        // Young rows after the real checkpoint are deleted and a later checkpoint is forged to cover them.
        var k = through + 2;
        var hash = await HashOfAsync(host, k);
        await WithDbAsync(host, async db =>
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM audit_entries WHERE seq <= {k}");
            db.Set<AuditCheckpoint>().Add(new AuditCheckpoint { ThroughSeq = k, ThroughHash = hash, Cutoff = T0.AddMonths(1), CreatedAt = T0.AddMonths(7), RowsPurged = 2 });
            return await db.SaveChangesAsync();
        });

        var result = await VerifyAsync(host);
        Assert.False(result.Intact);
        Assert.Equal(through + 1, result.FirstBrokenSeq);
        Assert.Equal($"rows {through + 1}–{k} are missing and no audit.retention row accounts for it", result.Problem);
    }

    [Fact]
    public async Task DeletedRowAfterTheCheckpoint_IsStillReported()
    {
        var (host, through, _) = await PurgedChainAsync();

        await WithDbAsync(host, db => db.Database.ExecuteSqlAsync($"DELETE FROM audit_entries WHERE seq = {through + 2}"));
        var middle = await VerifyAsync(host);
        Assert.False(middle.Intact);
        Assert.Equal(through + 2, middle.FirstBrokenSeq);
        Assert.Equal($"row {through + 2} is missing (next row is {through + 3})", middle.Problem);

        // The first row after the checkpoint too: the checkpoint does not excuse it.
        await WithDbAsync(host, db => db.Database.ExecuteSqlAsync($"DELETE FROM audit_entries WHERE seq = {through + 1}"));
        var first = await VerifyAsync(host);
        Assert.False(first.Intact);
        Assert.Equal(through + 1, first.FirstBrokenSeq);
        Assert.Contains("missing", first.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowsAPurgeDeleted_ReappearingBeforeTheCheckpoint_AreReported()
    {
        // A checkpoint says rows up to N are gone; a chain that starts at or before N again is not what the job left.
        var (host, through, _) = await PurgedChainAsync();
        await WithDbAsync(host, db => db.Database.ExecuteSqlAsync(
            $"INSERT INTO audit_entries (seq, at, action, outcome, prev_hash, hash_algorithm, hash) SELECT {through}, at, action, outcome, prev_hash, hash_algorithm, hash FROM audit_entries WHERE seq = {through + 1}"));

        var result = await VerifyAsync(host);
        Assert.False(result.Intact);
        Assert.Equal(through, result.FirstBrokenSeq);
    }

    [Fact]
    public async Task EveryRowDeleted_AfterAPurge_IsReportedEvenOnceNewRowsAreWritten()
    {
        var (host, through, _) = await PurgedChainAsync();
        await WithDbAsync(host, db => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries"));
        Assert.False((await VerifyAsync(host)).Intact);

        // The next row goes on from the checkpoint rather than starting a fresh chain at row 1 that would verify.
        Assert.Equal(through + 1, await AppendAsync(host, "test.after-wipe"));
        var result = await VerifyAsync(host);
        Assert.False(result.Intact);
        Assert.Contains("no audit.retention row accounts for it", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentRuns_OnTwoInstances_PurgeOnce()
    {
        var first = Host();
        _ = first.Services;
        using var secondFactory = ChuanyuFactory.OnSameDatabase(_factory.Database);
        var second = Host(secondFactory);
        _ = second.Services;
        var through = await AppendAsync(first, "test.old", 3);
        _clock.Set(T0.AddMonths(7));

        var runs = Enumerable.Range(0, 8).Select(i => Task.Run(() => PurgeAsync(i % 2 == 0 ? first : second, _clock.GetUtcNow())));
        var results = await Task.WhenAll(runs);

        var purged = Assert.Single(results, r => r.Status == AuditRetentionStatus.Purged);
        Assert.Equal(through, purged.ThroughSeq);
        Assert.All(results.Where(r => r != purged), r => Assert.Contains(r.Status, new[] { AuditRetentionStatus.Busy, AuditRetentionStatus.NothingToPurge }));
        Assert.Single(await CheckpointsAsync(first));
        Assert.Single(await RetentionRowsAsync(first));
        Assert.True((await VerifyAsync(first)).Intact);
    }

    [Fact]
    public async Task ScheduledRuns_StayWithTheLeaseHolder_UntilItLapses()
    {
        (string, string) daily = ("Audit:RetentionIntervalHours", "24");
        var first = Host(null, daily);
        _ = first.Services;
        using var secondFactory = ChuanyuFactory.OnSameDatabase(_factory.Database);
        var second = Host(secondFactory, daily);
        var firstJob = first.Services.GetServices<IHostedService>().OfType<AuditRetentionService>().Single();
        var secondJob = second.Services.GetServices<IHostedService>().OfType<AuditRetentionService>().Single();
        await AppendAsync(first, "test.old", 2);
        _clock.Set(T0.AddMonths(7));

        Assert.Equal(AuditRetentionStatus.Purged, (await firstJob.RunScheduledAsync(default))!.Status);
        // The first instance keeps the lease until its next run is due: the second skips, the first runs again.
        _clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(AuditRetentionStatus.Busy, (await secondJob.RunScheduledAsync(default))!.Status);
        _clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(AuditRetentionStatus.NothingToPurge, (await firstJob.RunScheduledAsync(default))!.Status);
        Assert.Equal(AuditRetentionStatus.Busy, (await secondJob.RunScheduledAsync(default))!.Status);

        // The first instance stops running the job (it died): once its lease lapses the second takes over.
        _clock.Advance(TimeSpan.FromHours(24) + AuditRetention.ScheduleMargin + TimeSpan.FromSeconds(1));
        Assert.Equal(AuditRetentionStatus.NothingToPurge, (await secondJob.RunScheduledAsync(default))!.Status);
        Assert.Equal(AuditRetentionStatus.Busy, (await firstJob.RunScheduledAsync(default))!.Status);
        Assert.Single(await CheckpointsAsync(first));
    }

    [Fact]
    public async Task ScheduledRun_ThatFails_IsLoggedAndTheHostKeepsServing()
    {
        var host = Host(null, ("Audit:RetentionIntervalHours", "24"));
        var job = host.Services.GetServices<IHostedService>().OfType<AuditRetentionService>().Single();
        await WithDbAsync(host, db => db.Database.ExecuteSqlRawAsync("DROP TABLE job_leases"));

        Assert.Null(await job.RunScheduledAsync(default));

        var health = await host.CreateClient().GetAsync("/healthz");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task NonceCleanUp_RemovesOnlyNoncesOlderThanAnHour()
    {
        var host = Host();
        var now = T0.AddDays(3);
        await WithDbAsync(host, db =>
        {
            db.Set<ApiClientNonce>().AddRange(
                new ApiClientNonce { KeyId = "k1", Nonce = "two-hours", SeenAt = now.AddHours(-2) },
                new ApiClientNonce { KeyId = "k1", Nonce = "just-over", SeenAt = now.AddHours(-1).AddTicks(-10) },
                new ApiClientNonce { KeyId = "k1", Nonce = "one-hour", SeenAt = now.AddHours(-1) },
                new ApiClientNonce { KeyId = "k2", Nonce = "fresh", SeenAt = now.AddMinutes(-1) });
            return db.SaveChangesAsync();
        });
        _clock.Set(now);

        var result = await PurgeAsync(host);

        Assert.Equal(2, result.NoncesPurged);
        var left = await WithDbAsync(host, db => db.Set<ApiClientNonce>().OrderBy(n => n.Nonce).Select(n => n.Nonce).ToListAsync());
        Assert.Equal(["fresh", "one-hour"], left);
    }
}

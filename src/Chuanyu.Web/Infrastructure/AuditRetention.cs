using System.Globalization;
using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Infrastructure;

/// <summary><c>Audit:*</c>: how long the audit chain is kept and how often the retention job runs.</summary>
public sealed class AuditRetentionOptions
{
    /// <summary>网络安全法 Art. 21: network logs are kept for no less than six months.</summary>
    public const int MinimumMonths = 6;

    /// <summary>Rows older than this many calendar months are purged. At least <see cref="MinimumMonths"/>.</summary>
    public int RetentionMonths { get; set; } = MinimumMonths;

    /// <summary>How often the background job runs; 0 turns it off (the <c>purge-audit</c> command still works).</summary>
    public int RetentionIntervalHours { get; set; } = 24;

    public TimeSpan Interval => TimeSpan.FromHours(RetentionIntervalHours);
}

internal sealed class AuditRetentionOptionsValidator : IValidateOptions<AuditRetentionOptions>
{
    // A timer cannot wait longer than about 49 days; a month between runs is already far apart.
    internal const int MaxIntervalHours = 24 * 30;

    public ValidateOptionsResult Validate(string? name, AuditRetentionOptions options)
    {
        var errors = new List<string>();
        if (options.RetentionMonths < AuditRetentionOptions.MinimumMonths)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"Audit:RetentionMonths is {options.RetentionMonths}, but 网络安全法 (Cybersecurity Law) Art. 21 requires network logs to be kept for at least {AuditRetentionOptions.MinimumMonths} months: set it to {AuditRetentionOptions.MinimumMonths} or more."));
        }
        else if (options.RetentionMonths > 1200)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Audit:RetentionMonths is {options.RetentionMonths}; at most 1200 (100 years) is supported."));
        }
        if (options.RetentionIntervalHours is < 0 or > MaxIntervalHours)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"Audit:RetentionIntervalHours is {options.RetentionIntervalHours}: use 0 (background job off) or 1 to {MaxIntervalHours} hours."));
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

public enum AuditRetentionStatus
{
    /// <summary>Rows were purged and a checkpoint written.</summary>
    Purged,

    /// <summary>No row is older than the cutoff (or another run purged them first).</summary>
    NothingToPurge,

    /// <summary>Another instance (or another run in this one) holds the job; nothing was done.</summary>
    Busy,

    /// <summary>The rows to purge do not verify: purging them would erase the evidence, so nothing was deleted.</summary>
    Refused,
}

public sealed record AuditRetentionResult(AuditRetentionStatus Status, DateTimeOffset Cutoff, long ThroughSeq, string? ThroughHash,
    long RowsPurged, int NoncesPurged, string Message);

/// <summary>
/// Request nonces a feature keeps against replays (ApiClients' signed requests), deleted by the retention run once no
/// replay can need them, so the one instance that holds the retention lease does all of the platform's clearing up.
/// Registered in DI by the feature; the kernel names none.
/// </summary>
public interface INoncePurge
{
    /// <summary>Deletes the nonces that are no longer needed at <paramref name="now"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct);
}

/// <summary>Serialises runs inside one instance: all of its runs share one lease holder id, so the lease cannot tell them apart.</summary>
public sealed class AuditRetentionGate
{
    public SemaphoreSlim Lock { get; } = new(1, 1);
}

/// <summary>
/// The audit retention job (网络安全法 Art. 21: keep network logs at least six months). Deletes the oldest rows of the
/// audit chain once they are older than <see cref="AuditRetentionOptions.RetentionMonths"/>, never a younger row, and
/// keeps the rest verifiable: in one transaction it writes an <see cref="AuditCheckpoint"/> (sequence number and hash
/// of the last deleted row), appends an <c>audit.retention</c> row to the chain naming that checkpoint, and deletes.
/// Also drops API request nonces past the replay window (every <see cref="INoncePurge"/>).
/// </summary>
public sealed class AuditRetention(AppDbContext db, AuditLog audit, JobLeases leases, AuditRetentionGate gate,
    IOptions<AuditRetentionOptions> options, IEnumerable<INoncePurge> noncePurges, ILogger<AuditRetention> logger)
{
    public const string LeaseName = "audit-retention";

    /// <summary>The lease for a one-off run (the command): longer than a run takes, released when it ends.</summary>
    internal static readonly TimeSpan OneOffLease = TimeSpan.FromHours(1);

    /// <summary>The scheduled holder keeps the lease for an interval plus this, so its next run renews it before anyone else may take it.</summary>
    internal static readonly TimeSpan ScheduleMargin = TimeSpan.FromMinutes(15);

    internal const int DeleteBatchSize = 10_000;

    /// <summary>Runs the job once (as the <c>purge-audit</c> command does) and gives the lease back afterwards.</summary>
    public Task<AuditRetentionResult> RunOnceAsync(DateTimeOffset now, CancellationToken ct = default) =>
        RunAsync(now, OneOffLease, keepLease: false, ct);

    /// <summary>
    /// A run of the background service: the lease is kept until the next run is due (plus a margin), so the instance
    /// that holds it stays the one that runs the job and the others skip.
    /// </summary>
    internal Task<AuditRetentionResult> RunScheduledAsync(DateTimeOffset now, CancellationToken ct = default) =>
        RunAsync(now, options.Value.Interval + ScheduleMargin, keepLease: true, ct);

    /// <summary>Rows with <c>At</c> before this instant are old enough to purge: <paramref name="months"/> calendar months before now.</summary>
    public static DateTimeOffset CutoffFor(DateTimeOffset now, int months)
    {
        var utc = now.ToUniversalTime();
        // Whole microseconds, as stored on PostgreSQL (and rounding down only ever keeps more rows).
        return new DateTimeOffset(utc.UtcTicks - (utc.UtcTicks % 10), TimeSpan.Zero).AddMonths(-months);
    }

    private async Task<AuditRetentionResult> RunAsync(DateTimeOffset now, TimeSpan lease, bool keepLease, CancellationToken ct)
    {
        var months = options.Value.RetentionMonths;
        var cutoff = CutoffFor(now, months);
        if (!await gate.Lock.WaitAsync(0, ct))
        {
            return new(AuditRetentionStatus.Busy, cutoff, 0, null, 0, 0, "Another audit retention run is in progress in this instance.");
        }
        try
        {
            if (!await leases.TryAcquireAsync(LeaseName, leases.Holder, lease, ct))
            {
                var held = await leases.GetAsync(LeaseName, ct);
                return new(AuditRetentionStatus.Busy, cutoff, 0, null, 0, 0, string.Create(CultureInfo.InvariantCulture,
                    $"The {LeaseName} lease is held by {held?.Holder ?? "another instance"} until {held?.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; that instance runs the job."));
            }
            try
            {
                var nonces = await PurgeNoncesAsync(now, ct);
                var result = await PurgeAuditAsync(now, cutoff, ct) with { NoncesPurged = nonces };
                if (result.Status == AuditRetentionStatus.Refused)
                {
                    logger.LogError("Audit retention: {Message}", result.Message);
                }
                else
                {
                    logger.LogInformation("Audit retention: {Message} {Nonces} expired API nonces removed.", result.Message, nonces);
                }
                return result;
            }
            finally
            {
                if (!keepLease)
                {
                    await leases.ReleaseAsync(LeaseName, leases.Holder, CancellationToken.None);
                }
            }
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    /// <summary>Deletes the request nonces past their replay window (every <see cref="INoncePurge"/>); returns how many.</summary>
    public async Task<int> PurgeNoncesAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var purged = 0;
        foreach (var purge in noncePurges)
        {
            purged += await purge.PurgeAsync(now, ct);
        }
        return purged;
    }

    private async Task<AuditRetentionResult> PurgeAuditAsync(DateTimeOffset now, DateTimeOffset cutoff, CancellationToken ct)
    {
        AuditRetentionResult Nothing(string why) => new(AuditRetentionStatus.NothingToPurge, cutoff, 0, null, 0, 0, why);
        var cutoffText = cutoff.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var checkpoint = await db.Set<AuditCheckpoint>().AsNoTracking().OrderByDescending(c => c.ThroughSeq).FirstOrDefaultAsync(ct);
        var startsAfter = checkpoint?.ThroughSeq ?? 0;
        // The purge ends just before the first row that is not older than the cutoff, even if older rows follow it
        // (a clock stepped back): a younger row is never deleted.
        var firstYoung = await db.AuditEntries.Where(e => e.At >= cutoff).MinAsync(e => (long?)e.Seq, ct);
        var candidates = db.AuditEntries.AsQueryable();
        if (firstYoung is { } young)
        {
            candidates = candidates.Where(e => e.Seq < young);
        }
        if (await candidates.MaxAsync(e => (long?)e.Seq, ct) is not { } through || through <= startsAfter)
        {
            return Nothing($"No audit row is older than {cutoffText}.");
        }

        // Never cut through a chain that does not verify: the deleted rows would take the evidence with them.
        var check = await AuditLog.VerifyAsync(db, through + 1, ct);
        if (!check.Intact)
        {
            return new(AuditRetentionStatus.Refused, cutoff, 0, null, 0, 0,
                $"Nothing purged: the audit chain is broken at row {check.FirstBrokenSeq} ({check.Problem}). Investigate with verify-audit.");
        }
        if (check.StartsAfterSeq != startsAfter)
        {
            return Nothing("Another run purged first.");
        }
        var rows = through - startsAfter;
        var throughHash = await db.AuditEntries.Where(e => e.Seq == through).Select(e => e.Hash).SingleAsync(ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!db.Database.IsSqlite())
        {
            // Purges queue behind each other (SQLite's write lock already does that); appends and readers are not blocked.
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE audit_checkpoints IN SHARE ROW EXCLUSIVE MODE", ct);
        }
        // The plan above was made outside the transaction; confirm it under the lock before deleting anything.
        if (await db.Set<AuditCheckpoint>().MaxAsync(c => (long?)c.ThroughSeq, ct) != checkpoint?.ThroughSeq)
        {
            return Nothing("Another run purged first.");
        }
        var segment = db.AuditEntries.Where(e => e.Seq > startsAfter && e.Seq <= through);
        if (await segment.AnyAsync(e => e.At >= cutoff, ct)
            || await segment.LongCountAsync(ct) != rows
            || await db.AuditEntries.Where(e => e.Seq == through).Select(e => e.Hash).SingleOrDefaultAsync(ct) != throughHash)
        {
            throw new InvalidOperationException($"Audit rows {startsAfter + 1}–{through} changed while the retention job ran; nothing was purged.");
        }

        db.Set<AuditCheckpoint>().Add(new AuditCheckpoint
        {
            ThroughSeq = through,
            ThroughHash = throughHash,
            Cutoff = cutoff,
            CreatedAt = now.ToUniversalTime(),
            RowsPurged = rows,
        });
        await db.SaveChangesAsync(ct);
        // Appended before the deletion, so it chains onto the current head like any row; the verifier trusts the
        // checkpoint only because this row, inside the chain, names it.
        await audit.RecordAsync(AuditLog.RetentionAction, "audit_entries", AuditOutcome.Success,
            AuditLog.RetentionDetail(through, throughHash, cutoff, rows), actorName: $"audit-retention ({leases.Holder})", ct: ct);
        long deleted = 0;
        for (var from = startsAfter + 1; from <= through; from += DeleteBatchSize)
        {
            var to = Math.Min(through, from + DeleteBatchSize - 1);
            deleted += await db.AuditEntries.Where(e => e.Seq >= from && e.Seq <= to).ExecuteDeleteAsync(ct);
        }
        if (deleted != rows)
        {
            throw new InvalidOperationException($"Expected to delete {rows} audit rows but deleted {deleted}; rolled back.");
        }
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new(AuditRetentionStatus.Purged, cutoff, through, throughHash, rows, 0, string.Create(CultureInfo.InvariantCulture,
            $"Purged {rows} audit rows ({startsAfter + 1}–{through}) older than {cutoffText}; the chain now starts after checkpoint {through} (hash {throughHash})."));
    }
}

/// <summary>
/// Runs the retention job every <c>Audit:RetentionIntervalHours</c> on the one instance that holds the
/// <c>audit-retention</c> lease. A failed run is logged and tried again at the next interval; it never stops the host.
/// </summary>
internal sealed class AuditRetentionService(IServiceScopeFactory scopes, IOptions<AuditRetentionOptions> options, TimeProvider clock,
    JobLeaseHolder holder, ILogger<AuditRetentionService> logger) : BackgroundService
{
    /// <summary>The first run waits a little, so start-up (migrations, the first requests) is not slowed down.</summary>
    internal static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        if (interval <= TimeSpan.Zero)
        {
            logger.LogInformation("Audit retention job is off (Audit:RetentionIntervalHours = 0); run purge-audit by hand.");
            return;
        }
        try
        {
            await Task.Delay(FirstRunDelay, clock, stoppingToken);
            using var timer = new PeriodicTimer(interval, clock);
            do
            {
                await RunScheduledAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>One scheduled run; failures are logged, not thrown.</summary>
    internal async Task<AuditRetentionResult?> RunScheduledAsync(CancellationToken ct)
    {
        try
        {
            using var scope = scopes.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<AuditRetention>().RunScheduledAsync(clock.GetUtcNow(), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Any failure of one run: the job must survive it and try again next time, never stop the host.
            logger.LogError(ex, "Audit retention run failed; it runs again in {Hours} h.", options.Value.RetentionIntervalHours);
            return null;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (options.Value.Interval <= TimeSpan.Zero)
        {
            return;
        }
        // Hand the job over now rather than when the lease lapses.
        try
        {
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<JobLeases>().ReleaseAsync(AuditRetention.LeaseName, holder.Id, cancellationToken);
        }
        catch (Exception ex)
        {
            // Best effort on shutdown: the lease lapses by itself anyway.
            logger.LogWarning(ex, "Could not release the {Lease} lease on shutdown; it lapses by itself.", AuditRetention.LeaseName);
        }
    }
}

public static class AuditRetentionSetup
{
    /// <summary>
    /// The retention job and job leases. <paramref name="runInBackground"/> is false for the operator commands: they
    /// never start the scheduled job.
    /// </summary>
    public static IServiceCollection AddAuditRetention(this IServiceCollection services, bool runInBackground)
    {
        services.AddOptions<AuditRetentionOptions>().BindConfiguration("Audit").ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditRetentionOptions>, AuditRetentionOptionsValidator>();
        services.AddSingleton<JobLeaseHolder>();
        services.AddSingleton<AuditRetentionGate>();
        services.AddScoped<JobLeases>();
        services.AddScoped<AuditRetention>();
        if (runInBackground)
        {
            services.AddHostedService<AuditRetentionService>();
        }
        return services;
    }
}

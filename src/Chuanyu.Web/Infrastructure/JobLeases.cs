using System.Security.Cryptography;
using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// This instance's name as a lease holder: machine, process and a random suffix, so two hosts in one process (the
/// tests) or a restarted process with a recycled id are still told apart. One per host (a singleton).
/// </summary>
public sealed class JobLeaseHolder
{
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
}

/// <summary>
/// Leases in <c>job_leases</c> that let exactly one instance of several run a background job. Taking a lease is one
/// upsert that only overwrites an expired lease or the holder's own, so it is atomic on both engines (SQLite ≥ 3.24
/// and PostgreSQL both have INSERT … ON CONFLICT … DO UPDATE … WHERE); the affected row count says who won.
/// Expiry is compared with this instance's clock, so instances need synchronised clocks (NTP) with a skew well
/// below the lease's margin.
/// </summary>
public sealed class JobLeases(AppDbContext db, TimeProvider clock, JobLeaseHolder self)
{
    /// <summary>This instance's holder id.</summary>
    public string Holder => self.Id;

    /// <summary>
    /// Takes the lease <paramref name="name"/> for <paramref name="duration"/>, or renews it if
    /// <paramref name="holder"/> already holds it. False while another holder's lease has not expired.
    /// </summary>
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = clock.GetUtcNow().ToUniversalTime();
        var expires = now + duration;
        // SQLite keeps instants as UTC ticks (AppDbContext's converter); raw SQL has to pass the same representation.
        var nowValue = Stored(now);
        var expiresValue = Stored(expires);
        var affected = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO job_leases (name, holder, expires_at) VALUES ({name}, {holder}, {expiresValue})
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE job_leases.expires_at < {nowValue} OR job_leases.holder = {holder}
            """, ct);
        return affected == 1;
    }

    /// <summary>Gives the lease up if <paramref name="holder"/> holds it, so another instance need not wait for it to lapse.</summary>
    public async Task<bool> ReleaseAsync(string name, string holder, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlAsync($"DELETE FROM job_leases WHERE name = {name} AND holder = {holder}", ct) == 1;

    /// <summary>The lease as stored (possibly expired), or null.</summary>
    public Task<JobLease?> GetAsync(string name, CancellationToken ct = default) =>
        db.Set<JobLease>().AsNoTracking().FirstOrDefaultAsync(l => l.Name == name, ct);

    private object Stored(DateTimeOffset t) => db.Database.IsSqlite() ? t.UtcTicks : t;
}

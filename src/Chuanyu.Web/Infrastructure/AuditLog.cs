using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Chuanyu.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Appends rows to the audit chain. Each row's hash is SM3 (or SHA-256 under the international suite) over its
/// fields, its algorithm id and the previous row's hash; the sequence number is the primary key.
/// <para>
/// Appenders queue instead of racing: reading the head and inserting head+1 happen under a lock that every appender of
/// every instance takes, so two appenders never read the same head. On PostgreSQL that is a transaction-scoped
/// advisory lock (<see cref="PostgresLockClass"/>), released when the appending transaction ends; on SQLite it is the
/// database's write lock, which an EF transaction takes when it begins (<c>BEGIN IMMEDIATE</c>). Racing on the primary
/// key and retrying (what this class did before) lost rows: under 200 concurrent appends on PostgreSQL most appenders lost
/// 21 times in a row and their audited action failed (docs/audit-and-signatures.md, "Appending under concurrency").
/// </para>
/// <para>
/// Inside the caller's transaction (most services: the action's change and its audit row commit or roll back together)
/// the row is written through the caller's DbContext, and on PostgreSQL the lock is held until the caller commits or
/// rolls back, so a rolled-back row never leaves a gap. Outside a transaction the row is written in a transaction of its
/// own, on a DbContext of its own: the caller's unsaved changes are neither saved with it nor able to make it fail (a
/// failed Identity update leaves the account modified in the request's DbContext; saving through that context made the
/// audit row of every concurrent failed sign-in but one fail). Those appenders also queue in the process first (one per
/// instance waits on the database lock, asynchronously), so a storm holds neither a connection per waiter nor a thread
/// per waiter blocked in SQLite's busy loop.
/// </para>
/// <para>
/// The retry loop is only a backstop for a row that cannot be written now (SQLite busy past its timeout, a PostgreSQL
/// deadlock, a sequence number taken by a writer that skipped the lock): a few attempts, logged, and then the exception
/// propagates, so the audited action fails rather than succeeding without its row.
/// </para>
/// </summary>
public sealed class AuditLog(AppDbContext db, IServiceScopeFactory scopes, DatabaseConnection database, IHttpContextAccessor http,
    TimeProvider clock, ILogger<AuditLog> logger, Microsoft.Extensions.Options.IOptions<Crypto.CryptoOptions> crypto)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// First key of the PostgreSQL advisory lock that queues audit appenders ("Au"; the second key is 1). The two-key form
    /// keeps it apart from the migration lock (one bigint key); the booking locks use another class.
    /// </summary>
    public const int PostgresLockClass = 0x4175;

    /// <summary>Attempts for one row before its exception propagates (each waits up to the command timeout for the lock).</summary>
    internal const int MaxAttempts = 4;

    /// <summary>One queue per host and database (the registered <see cref="DatabaseConnection"/> is one object per host).</summary>
    private static readonly ConditionalWeakTable<DatabaseConnection, SemaphoreSlim> Queues = [];

    public async Task RecordAsync(string action, string? target, AuditOutcome outcome = AuditOutcome.Success,
        string? detail = null, Guid? actorId = null, string? actorName = null, CancellationToken ct = default)
    {
        var context = http.HttpContext;
        var user = context?.RequestServices.GetService<CurrentUser>();
        var row = new AuditEntry
        {
            ActorId = actorId ?? user?.Id,
            ActorName = Truncate(actorName ?? user?.Email, 256),
            Action = action,
            Target = Truncate(target, 200),
            Outcome = outcome,
            Detail = Truncate(detail, 2000),
            IpAddress = context?.Connection.RemoteIpAddress?.ToString(),
            HashAlgorithm = Crypto.Hashes.IdFor(crypto.Value.Suite),
        };

        if (db.Database.CurrentTransaction is not null)
        {
            // Part of the caller's unit of work. No retry for a busy database or a deadlock here: the caller's transaction
            // is what would have to be retried.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await AppendAsync(db, row, ct);
                    return;
                }
                catch (DbUpdateException e) when (attempt < MaxAttempts && IsSequenceTaken(e))
                {
                    // Only a writer that skipped the lock can cause this. EF's savepoint has undone the failed insert.
                    LogRetry(e, attempt, row.Action);
                }
            }
        }

        var queue = Queues.GetValue(database, _ => new SemaphoreSlim(1, 1));
        await queue.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // A fresh DbContext (and connection) per attempt: nothing of a failed attempt carries over.
                    await using var scope = scopes.CreateAsyncScope();
                    var own = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                    // One insert in a transaction of its own: a failure rolls all of it back, no savepoint needed.
                    own.Database.AutoSavepointsEnabled = false;
                    await using var tx = await own.Database.BeginTransactionAsync(ct);
                    await AppendAsync(own, row, ct);
                    await tx.CommitAsync(ct);
                    return;
                }
                catch (Exception e) when (attempt < MaxAttempts && !ct.IsCancellationRequested && IsTransient(e))
                {
                    LogRetry(e, attempt, row.Action);
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), ct);
                }
            }
        }
        finally
        {
            queue.Release();
        }
    }

    /// <summary>
    /// Takes the lock (SQLite: held since the transaction began), reads the head and inserts the next row, all in the
    /// transaction open on <paramref name="target"/>. The time is read under the lock, so time order follows sequence order.
    /// </summary>
    private async Task AppendAsync(AppDbContext target, AuditEntry row, CancellationToken ct)
    {
        if (target.Database.IsNpgsql())
        {
            await target.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PostgresLockClass}, 1)", ct);
        }
        var head = await target.AuditEntries.AsNoTracking().OrderByDescending(e => e.Seq)
            .Select(e => new { e.Seq, e.Hash }).FirstOrDefaultAsync(ct)
            // An empty table after a retention checkpoint goes on from the checkpoint, never back to row 1: a
            // chain restarted from genesis would hide that every row was deleted.
            ?? await target.Set<AuditCheckpoint>().AsNoTracking().OrderByDescending(c => c.ThroughSeq)
                .Select(c => new { Seq = c.ThroughSeq, Hash = c.ThroughHash }).FirstOrDefaultAsync(ct);
        var entry = new AuditEntry
        {
            Seq = (head?.Seq ?? 0) + 1,
            At = TruncateToMicroseconds(clock.GetUtcNow()),
            ActorId = row.ActorId,
            ActorName = row.ActorName,
            Action = row.Action,
            Target = row.Target,
            Outcome = row.Outcome,
            Detail = row.Detail,
            IpAddress = row.IpAddress,
            PrevHash = head?.Hash ?? GenesisHash,
            HashAlgorithm = row.HashAlgorithm,
        };
        entry.Hash = ComputeHash(entry);
        target.AuditEntries.Add(entry);
        try
        {
            await target.SaveChangesAsync(ct);
        }
        finally
        {
            // Saved or not, the row leaves the context's tracker: a failure must not leave it for the caller's next save.
            target.Entry(entry).State = EntityState.Detached;
        }
    }

    private void LogRetry(Exception e, int attempt, string action) =>
        logger.LogWarning("Audit row for {Action} not written on attempt {Attempt} of {MaxAttempts} ({Reason}); trying again",
            action, attempt, MaxAttempts, e.GetBaseException().Message);

    /// <summary>
    /// Worth another attempt in a transaction of our own: the lock was not had within the command timeout (a long
    /// transaction holds it), the database chose this transaction as a deadlock victim, or the lock was bypassed.
    /// </summary>
    private static bool IsTransient(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case SqliteException s when s.SqliteErrorCode is 5 or 6: // SQLITE_BUSY past the busy timeout, SQLITE_LOCKED
                case PostgresException p when p.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                    or PostgresErrorCodes.QueryCanceled: // the command timeout, while waiting for the lock
                case TimeoutException:
                    return true;
            }
        }
        return IsSequenceTaken(e);
    }

    /// <summary>The insert met an existing row with the same sequence number.</summary>
    private static bool IsSequenceTaken(Exception e) => e is DbUpdateException && e.InnerException switch
    {
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation && p.ConstraintName == "pk_audit_entries",
        SqliteException s => s.SqliteErrorCode == 19 && s.Message.Contains("audit_entries.seq", StringComparison.Ordinal),
        _ => false,
    };

    public static string ComputeHash(AuditEntry e)
    {
        var canonical = string.Join('\u001f',
            e.Seq.ToString(CultureInfo.InvariantCulture),
            e.At.UtcTicks.ToString(CultureInfo.InvariantCulture),
            e.ActorId?.ToString("N") ?? "",
            e.ActorName ?? "",
            e.Action,
            e.Target ?? "",
            e.Outcome.ToString(),
            e.Detail ?? "",
            e.IpAddress ?? "",
            e.PrevHash,
            e.HashAlgorithm);
        return Convert.ToHexStringLower(Crypto.Hashes.Hash(e.HashAlgorithm, Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// Walks the chain in order and reports the first row whose link or hash is wrong, or a gap in the sequence.
    /// After a retention purge the chain starts at the latest checkpoint (<see cref="AuditCheckpoint"/>): the first
    /// row must link to its hash, and the cut is only trusted if a later row of the chain itself, an
    /// <c>audit.retention</c> row, names exactly that sequence number and hash.
    /// </summary>
    public static Task<AuditVerification> VerifyAsync(AppDbContext db, CancellationToken ct = default) => VerifyAsync(db, null, ct);

    /// <summary>As <see cref="VerifyAsync(AppDbContext, CancellationToken)"/>, stopping after row <paramref name="throughSeq"/>.</summary>
    internal static async Task<AuditVerification> VerifyAsync(AppDbContext db, long? throughSeq, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var checkpoints = await LatestCheckpointsAsync(db, ct);
            var (result, atStart) = await VerifyOnceAsync(db, checkpoints, throughSeq, ct);
            // A problem where the chain starts may only be a purge that committed between reading the checkpoint and
            // reading the rows: if the checkpoint moved meanwhile, look again.
            if (result.Intact || !atStart || attempt >= 2 || (await LatestCheckpointsAsync(db, ct)).FirstOrDefault()?.ThroughSeq == checkpoints.FirstOrDefault()?.ThroughSeq)
            {
                return result;
            }
        }
    }

    private static Task<List<AuditCheckpoint>> LatestCheckpointsAsync(AppDbContext db, CancellationToken ct) =>
        db.Set<AuditCheckpoint>().AsNoTracking().OrderByDescending(c => c.ThroughSeq).Take(2).ToListAsync(ct);

    private static async Task<(AuditVerification Result, bool AtStart)> VerifyOnceAsync(AppDbContext db, List<AuditCheckpoint> checkpoints,
        long? throughSeq, CancellationToken ct)
    {
        var checkpoint = checkpoints.FirstOrDefault();
        var startsAfter = checkpoint?.ThroughSeq ?? 0;
        var expectedSeq = startsAfter + 1;
        var expectedPrev = checkpoint?.ThroughHash ?? GenesisHash;
        var first = await db.AuditEntries.MinAsync(e => (long?)e.Seq, ct);

        AuditVerification Broken(long seq, string problem, long count = 0) => new(false, count, seq, problem, startsAfter);

        if (checkpoint is null)
        {
            if (first > 1)
            {
                return (Broken(1, $"{Rows(1, first.Value - 1)} missing and no audit.retention row accounts for it"), true);
            }
        }
        else
        {
            if (first <= checkpoint.ThroughSeq)
            {
                return (Broken(first.Value, $"row {first} is present although checkpoint {checkpoint.ThroughSeq} says every row up to it was purged"), true);
            }
            if (!await AccountsForAsync(db, checkpoint, ct))
            {
                // Everything up to the previous (already accounted for) cut was gone before; this cut is the unexplained part.
                var from = checkpoints.Count > 1 ? checkpoints[1].ThroughSeq + 1 : 1;
                return (Broken(from, $"{Rows(from, checkpoint.ThroughSeq)} missing and no audit.retention row accounts for it"), true);
            }
        }

        long count = 0;
        var rows = db.AuditEntries.AsNoTracking();
        if (throughSeq is { } last)
        {
            rows = rows.Where(e => e.Seq <= last);
        }
        await foreach (var e in rows.OrderBy(e => e.Seq).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (e.Seq != expectedSeq)
            {
                return (Broken(expectedSeq, $"row {expectedSeq} is missing (next row is {e.Seq})", count), count == 0);
            }
            if (!string.Equals(e.PrevHash, expectedPrev, StringComparison.Ordinal))
            {
                return (Broken(e.Seq, count == 0 && checkpoint is not null
                    ? $"row {e.Seq} does not link to the hash of checkpoint {checkpoint.ThroughSeq}"
                    : $"row {e.Seq} does not link to the hash of row {e.Seq - 1}", count), count == 0);
            }
            if (!string.Equals(ComputeHash(e), e.Hash, StringComparison.Ordinal))
            {
                return (Broken(e.Seq, $"row {e.Seq} was changed after it was written (hash mismatch)", count), false);
            }
            expectedPrev = e.Hash;
            expectedSeq++;
            count++;
        }
        return (new AuditVerification(true, count, null, null, startsAfter), false);
    }

    /// <summary>True if a successful audit.retention row after the cut names exactly the checkpoint's sequence number and hash.</summary>
    private static async Task<bool> AccountsForAsync(AppDbContext db, AuditCheckpoint checkpoint, CancellationToken ct)
    {
        var details = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Seq > checkpoint.ThroughSeq && e.Action == RetentionAction && e.Outcome == AuditOutcome.Success)
            .Select(e => e.Detail).ToListAsync(ct);
        return details.Any(d => NamesCheckpoint(d, checkpoint.ThroughSeq, checkpoint.ThroughHash));
    }

    /// <summary>The action of the row the retention job appends for each purge.</summary>
    public const string RetentionAction = "audit.retention";

    /// <summary>The detail of an audit.retention row: <c>through:N hash:H cutoff:… rows:K</c>.</summary>
    public static string RetentionDetail(long throughSeq, string throughHash, DateTimeOffset cutoff, long rows) =>
        string.Create(CultureInfo.InvariantCulture, $"through:{throughSeq} hash:{throughHash} cutoff:{cutoff.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ} rows:{rows}");

    internal static bool NamesCheckpoint(string? detail, long throughSeq, string throughHash)
    {
        if (detail is null)
        {
            return false;
        }
        string? through = null, hash = null;
        foreach (var part in detail.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("through:", StringComparison.Ordinal))
            {
                through = part["through:".Length..];
            }
            else if (part.StartsWith("hash:", StringComparison.Ordinal))
            {
                hash = part["hash:".Length..];
            }
        }
        return long.TryParse(through, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq == throughSeq
            && string.Equals(hash, throughHash, StringComparison.Ordinal);
    }

    private static string Rows(long from, long to) => from == to ? $"row {from} is" : $"rows {from}–{to} are";

    // PostgreSQL keeps microseconds; hashing a value the database cannot store would make every row look tampered.
    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % 10), TimeSpan.Zero);

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}

/// <summary>
/// The outcome of <see cref="AuditLog.VerifyAsync(AppDbContext, CancellationToken)"/>. <c>StartsAfterSeq</c> is the
/// retention checkpoint the chain starts after (0: it starts at row 1).
/// </summary>
public sealed record AuditVerification(bool Intact, long RowsChecked, long? FirstBrokenSeq, string? Problem, long StartsAfterSeq = 0);

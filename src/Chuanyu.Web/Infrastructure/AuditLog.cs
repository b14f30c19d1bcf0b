using System.Globalization;
using System.Text;
using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Appends rows to the audit chain. Each row's hash is SM3 (or SHA-256 under the international suite) over its
/// fields, its algorithm id and the previous row's hash; the
/// sequence number is the primary key, so two writers (two instances) that read the same head cannot both append:
/// the loser retries on the new head.
/// </summary>
public sealed class AuditLog(AppDbContext db, IHttpContextAccessor http, TimeProvider clock, ILogger<AuditLog> logger,
    Microsoft.Extensions.Options.IOptions<Crypto.CryptoOptions> crypto)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public async Task RecordAsync(string action, string? target, AuditOutcome outcome = AuditOutcome.Success,
        string? detail = null, Guid? actorId = null, string? actorName = null, CancellationToken ct = default)
    {
        var context = http.HttpContext;
        var user = context?.RequestServices.GetService<CurrentUser>();
        actorId ??= user?.Id;
        actorName ??= user?.Email;
        var ip = context?.Connection.RemoteIpAddress?.ToString();

        for (var attempt = 0; ; attempt++)
        {
            var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Seq)
                .Select(e => new { e.Seq, e.Hash }).FirstOrDefaultAsync(ct)
                // An empty table after a retention checkpoint goes on from the checkpoint, never back to row 1: a
                // chain restarted from genesis would hide that every row was deleted.
                ?? await db.Set<AuditCheckpoint>().AsNoTracking().OrderByDescending(c => c.ThroughSeq)
                    .Select(c => new { Seq = c.ThroughSeq, Hash = c.ThroughHash }).FirstOrDefaultAsync(ct);
            var entry = new AuditEntry
            {
                Seq = (head?.Seq ?? 0) + 1,
                At = TruncateToMicroseconds(clock.GetUtcNow()),
                ActorId = actorId,
                ActorName = Truncate(actorName, 256),
                Action = action,
                Target = Truncate(target, 200),
                Outcome = outcome,
                Detail = Truncate(detail, 2000),
                IpAddress = ip,
                PrevHash = head?.Hash ?? GenesisHash,
                HashAlgorithm = Crypto.Hashes.IdFor(crypto.Value.Suite),
            };
            entry.Hash = ComputeHash(entry);
            db.AuditEntries.Add(entry);
            try
            {
                await db.SaveChangesAsync(ct);
                db.Entry(entry).State = EntityState.Detached;
                return;
            }
            catch (DbUpdateException) when (attempt < 20)
            {
                // Someone else took this sequence number; read the new head and chain onto it.
                db.Entry(entry).State = EntityState.Detached;
                logger.LogDebug("Audit append raced on seq {Seq}; retrying", entry.Seq);
            }
        }
    }

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

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
                .Select(e => new { e.Seq, e.Hash }).FirstOrDefaultAsync(ct);
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

    /// <summary>Walks the chain in order and reports the first row whose link or hash is wrong, or a gap in the sequence.</summary>
    public static async Task<AuditVerification> VerifyAsync(AppDbContext db, CancellationToken ct = default)
    {
        var expectedPrev = GenesisHash;
        long expectedSeq = 1;
        long count = 0;
        await foreach (var e in db.AuditEntries.AsNoTracking().OrderBy(e => e.Seq).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (e.Seq != expectedSeq)
            {
                return new AuditVerification(false, count, expectedSeq, $"row {expectedSeq} is missing (next row is {e.Seq})");
            }
            if (!string.Equals(e.PrevHash, expectedPrev, StringComparison.Ordinal))
            {
                return new AuditVerification(false, count, e.Seq, $"row {e.Seq} does not link to the hash of row {e.Seq - 1}");
            }
            if (!string.Equals(ComputeHash(e), e.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, count, e.Seq, $"row {e.Seq} was changed after it was written (hash mismatch)");
            }
            expectedPrev = e.Hash;
            expectedSeq++;
            count++;
        }
        return new AuditVerification(true, count, null, null);
    }

    // PostgreSQL keeps microseconds; hashing a value the database cannot store would make every row look tampered.
    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % 10), TimeSpan.Zero);

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}

public sealed record AuditVerification(bool Intact, long RowsChecked, long? FirstBrokenSeq, string? Problem);

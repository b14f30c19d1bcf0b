using System.Globalization;
using System.Text;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>An account as a posting names it: the row's id, key and kind (its normal sign follows from the kind).</summary>
public sealed record LedgerAccountRef(long Id, string Key, LedgerAccountKind Kind)
{
    public short NormalSign => Kind == LedgerAccountKind.Funding ? (short)-1 : (short)1;
}

/// <summary>One leg of a posting: debit +, credit −, in fen.</summary>
public sealed record LedgerLeg(LedgerAccountRef Account, long AmountFen);

/// <summary>A balanced set of legs for one event, with the dimensions the settlement groups by.</summary>
public sealed record LedgerPosting(Guid ProgrammeId, LedgerEvent Event, string IssuingRegionCode, IReadOnlyList<LedgerLeg> Legs)
{
    public string? ProviderRegionCode { get; init; }
    public Guid? RedemptionId { get; init; }
    public Guid? VoucherId { get; init; }
    public Guid? PayoutBatchId { get; init; }
    public string? Note { get; init; }
}

/// <summary>
/// The ledger refused a posting because an account would go below zero (a concurrent use took the balance first). The
/// caller's transaction holds the legs already applied: it must roll back (disposing it does). Answered 409.
/// </summary>
public sealed class VoucherLedgerRefusedException(Message reason) : Exception(reason.Key)
{
    public Message Reason { get; } = reason;
}

/// <summary>The account keys (unique): one Funding and one Budget per programme, one per voucher, three per payee.</summary>
public static class LedgerKeys
{
    public static string Funding(Guid programme) => $"funding:{programme:N}";
    public static string Budget(Guid programme) => $"budget:{programme:N}";
    public static string Voucher(Guid voucher) => $"voucher:{voucher:N}";
    public static string Pending(Guid programme, Guid payee) => $"pending:{programme:N}:{payee:N}";
    public static string Payable(Guid programme, Guid payee) => $"payable:{programme:N}:{payee:N}";
    public static string PaidOut(Guid programme, Guid payee) => $"paid:{programme:N}:{payee:N}";
}

/// <summary>
/// The one writer of the voucher ledger (docs/vouchers.md, "The ledger"). A posting is refused unless it runs inside
/// the caller's open transaction, has at least two non-zero legs and sums to zero. Its legs are applied in the global
/// lock order (Voucher, Budget, Pending, Payable, PaidOut, Funding, then id: the quota row, locked by the redemption
/// before its posting, sits between Voucher and Budget), each by a conditional <c>UPDATE … WHERE balance + d ≥ 0
/// RETURNING</c>, so a balance never goes below zero even between a check and the write (the CHECK on the column is the
/// engine's backstop). The transaction and entry rows are written with the caller's pending changes, then the audit
/// row names the transaction and its legs; the caller commits all of it together.
/// </summary>
public sealed class VoucherLedger(AppDbContext db, AuditLog audit, CurrentUser me, TimeProvider clock)
{
    private static readonly LedgerAccountKind[] LockOrder =
    [
        LedgerAccountKind.Voucher, LedgerAccountKind.Budget, LedgerAccountKind.Pending,
        LedgerAccountKind.Payable, LedgerAccountKind.PaidOut, LedgerAccountKind.Funding,
    ];

    /// <summary>Throws unless the caller has a transaction open: every ledger write commits with its business change.</summary>
    public static void RequireTransaction(AppDbContext db, string operation)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException($"{operation} must run inside the caller's open database transaction.");
        }
    }

    /// <summary>The account with <paramref name="key"/>, created at balance 0 if it does not exist (safe under concurrency on both engines).</summary>
    public async Task<LedgerAccountRef> AccountAsync(string key, Guid programmeId, LedgerAccountKind kind, Guid? voucherId, Guid? payeeOrganizationId,
        CancellationToken ct)
    {
        var existing = await FindAsync(key, ct);
        if (existing is not null)
        {
            return existing;
        }
        var sign = new LedgerAccountRef(0, key, kind).NormalSign;
        var kindName = kind.ToString();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO voucher_ledger_accounts (key, programme_id, kind, voucher_id, payee_organization_id, normal_sign, balance_fen)
            VALUES ({key}, {programmeId}, {kindName}, {voucherId}, {payeeOrganizationId}, {sign}, 0)
            ON CONFLICT (key) DO NOTHING
            """, ct);
        return await FindAsync(key, ct) ?? throw new InvalidOperationException($"Ledger account {key} was not created.");
    }

    public Task<LedgerAccountRef?> FindAsync(string key, CancellationToken ct) =>
        db.Set<VoucherLedgerAccount>().AsNoTracking().Where(a => a.Key == key)
            .Select(a => new LedgerAccountRef(a.Id, a.Key, a.Kind)).FirstOrDefaultAsync(ct);

    /// <summary>The balance of an account as committed (or as this transaction left it).</summary>
    public Task<long> BalanceAsync(long accountId, CancellationToken ct) =>
        db.Set<VoucherLedgerAccount>().AsNoTracking().Where(a => a.Id == accountId).Select(a => a.BalanceFen).FirstAsync(ct);

    /// <summary>Applies a posting; returns the ledger transaction's id. Throws <see cref="VoucherLedgerRefusedException"/> when a balance would go negative.</summary>
    public async Task<long> PostAsync(LedgerPosting posting, CancellationToken ct)
    {
        RequireTransaction(db, nameof(PostAsync));
        if (posting.Legs.Count < 2)
        {
            throw new ArgumentException("A posting has at least two legs.", nameof(posting));
        }
        if (posting.Legs.Any(l => l.AmountFen == 0))
        {
            throw new ArgumentException("A posting has no zero leg.", nameof(posting));
        }
        if (posting.Legs.Aggregate(Int128.Zero, (sum, l) => sum + l.AmountFen) != 0)
        {
            throw new ArgumentException("A posting's legs sum to zero.", nameof(posting));
        }
        var ordered = posting.Legs.OrderBy(l => Array.IndexOf(LockOrder, l.Account.Kind)).ThenBy(l => l.Account.Id).ToList();
        foreach (var leg in ordered)
        {
            var delta = leg.Account.NormalSign * leg.AmountFen;
            var balance = await db.Database.SqlQuery<long>($"""
                UPDATE voucher_ledger_accounts SET balance_fen = balance_fen + {delta}
                WHERE id = {leg.Account.Id} AND balance_fen + {delta} >= 0
                RETURNING balance_fen AS "Value"
                """).ToListAsync(ct);
            if (balance.Count == 0)
            {
                throw new VoucherLedgerRefusedException(new Message("Vouchers.InsufficientBalance"));
            }
        }
        var now = clock.GetUtcNow();
        var quarter = QuarterOf(now);
        var transaction = new VoucherLedgerTransaction
        {
            ProgrammeId = posting.ProgrammeId,
            Event = posting.Event,
            RedemptionId = posting.RedemptionId,
            VoucherId = posting.VoucherId,
            PayoutBatchId = posting.PayoutBatchId,
            PostedAt = now,
            ActorId = me.Id,
            Note = posting.Note,
        };
        db.Add(transaction);
        foreach (var leg in ordered)
        {
            db.Add(new VoucherLedgerEntry
            {
                Transaction = transaction,
                AccountId = leg.Account.Id,
                AmountFen = leg.AmountFen,
                AccountKind = leg.Account.Kind,
                Event = posting.Event,
                ProgrammeId = posting.ProgrammeId,
                IssuingRegionCode = posting.IssuingRegionCode,
                ProviderRegionCode = posting.ProviderRegionCode,
                RedemptionId = posting.RedemptionId,
                Quarter = quarter,
                PostedAt = now,
            });
        }
        // Written now with the caller's pending changes (same transaction), so the audit row can name the transaction.
        await db.SaveChangesAsync(ct);
        var detail = new StringBuilder().Append(CultureInfo.InvariantCulture, $"tx={transaction.Id}");
        foreach (var leg in ordered)
        {
            detail.Append(CultureInfo.InvariantCulture, $"; {leg.Account.Key} {(leg.AmountFen > 0 ? "+" : "")}{leg.AmountFen}");
        }
        var target = posting.RedemptionId is { } r ? $"voucher-redemption:{r}"
            : posting.VoucherId is { } v ? $"voucher:{v}"
            : posting.PayoutBatchId is { } b ? $"voucher-payout:{b}"
            : $"voucher-programme:{posting.ProgrammeId}";
        await audit.RecordAsync($"voucher.{posting.Event.ToString().ToLowerInvariant()}", target, detail: detail.ToString(), ct: ct);
        return transaction.Id;
    }

    /// <summary>The quarter an instant falls in, China time: year × 10 + quarter (20263 = 2026 Q3).</summary>
    public static int QuarterOf(DateTimeOffset instant)
    {
        var local = instant.ToOffset(Display.ChinaStandardTime);
        return local.Year * 10 + (local.Month - 1) / 3 + 1;
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>What the ledger check found: intact when every list is empty and the entries sum to zero (up to 20 offenders each).</summary>
public sealed record VoucherCheckResult(string? RegionCode, long EntriesSumFen, IReadOnlyList<string> UnbalancedTransactions, IReadOnlyList<string> AccountsOffTheirEntries,
    IReadOnlyList<string> ProgrammesOverBudget, IReadOnlyList<string> RedemptionsOffTheirStatus, IReadOnlyList<string> QuotasOffTheirRedemptions,
    IReadOnlyList<string> TransactionsWithoutAudit, IReadOnlyList<string> BatchesOffTheirItems)
{
    public bool Intact => EntriesSumFen == 0 && UnbalancedTransactions.Count == 0 && AccountsOffTheirEntries.Count == 0 && ProgrammesOverBudget.Count == 0
        && RedemptionsOffTheirStatus.Count == 0 && QuotasOffTheirRedemptions.Count == 0 && TransactionsWithoutAudit.Count == 0
        && BatchesOffTheirItems.Count == 0;
}

/// <summary>
/// The ledger's invariants (docs/vouchers.md, "The invariant check"), each one SQL statement on either engine:
/// (1) all entries sum to zero, and each transaction's do; (2) every account's balance equals its entries; (3) every
/// programme's Funding equals its budget and no programme holds more than its budget in vouchers, pending, payable and
/// paid; (4) each redemption's money sits where its status says; (5) each holder's quota equals its live redemptions;
/// (6) each ledger transaction has its audit row (of the programmes that are not synthetic, since the audit chain's
/// oldest retained row); (7) each payout batch's count and total equal its items, and each item's redemption names
/// that batch. A region's administrator checks the programmes their region issued; the command checks all.
/// </summary>
public sealed class VoucherInvariants(AppDbContext db)
{
    private const int Limit = 20;

    /// <summary>
    /// What the caller may check: every programme for the audit administrator (null), the programmes the region issued for
    /// a region's administrator, nothing otherwise (false).
    /// </summary>
    public static (bool Allowed, string? RegionCode) ScopeOf(CurrentUser me) =>
        me.Has(PlatformRole.AuditAdmin) ? (true, null) : me.AdminRegions.FirstOrDefault() is { } region ? (true, region) : (false, null);

    public async Task<VoucherCheckResult> CheckAsync(string? regionCode, CancellationToken ct)
    {
        var sum = (await db.Database.SqlQuery<long>($"""
            SELECT CAST(COALESCE(SUM(e.amount_fen), 0) AS bigint) AS "Value" FROM voucher_ledger_entries e
            JOIN voucher_programmes p ON p.id = e.programme_id WHERE (CAST({regionCode} AS text) IS NULL OR p.issuing_region_code = {regionCode})
            """).ToListAsync(ct)).Single();
        var unbalanced = await db.Database.SqlQuery<string>($"""
            SELECT CAST(e.transaction_id AS text) AS "Value" FROM voucher_ledger_entries e
            JOIN voucher_programmes p ON p.id = e.programme_id WHERE (CAST({regionCode} AS text) IS NULL OR p.issuing_region_code = {regionCode})
            GROUP BY e.transaction_id HAVING SUM(e.amount_fen) <> 0 ORDER BY e.transaction_id LIMIT {Limit}
            """).ToListAsync(ct);
        var accounts = await db.Database.SqlQuery<string>($"""
            SELECT a.key AS "Value" FROM voucher_ledger_accounts a
            JOIN voucher_programmes p ON p.id = a.programme_id
            LEFT JOIN (SELECT account_id, SUM(amount_fen) AS s FROM voucher_ledger_entries GROUP BY account_id) e ON e.account_id = a.id
            WHERE (CAST({regionCode} AS text) IS NULL OR p.issuing_region_code = {regionCode}) AND a.balance_fen <> a.normal_sign * COALESCE(e.s, 0)
            ORDER BY a.id LIMIT {Limit}
            """).ToListAsync(ct);
        var programmes = await db.Database.SqlQuery<string>($"""
            SELECT p.code AS "Value" FROM voucher_programmes p
            LEFT JOIN voucher_ledger_accounts f ON f.programme_id = p.id AND f.kind = 'Funding'
            WHERE (CAST({regionCode} AS text) IS NULL OR p.issuing_region_code = {regionCode})
              AND (COALESCE(f.balance_fen, 0) <> p.budget_fen
                   OR (SELECT COALESCE(SUM(x.balance_fen), 0) FROM voucher_ledger_accounts x
                       WHERE x.programme_id = p.id AND x.kind IN ('Voucher', 'Pending', 'Payable', 'PaidOut')) > p.budget_fen)
            ORDER BY p.code LIMIT {Limit}
            """).ToListAsync(ct);
        var redemptions = await db.Database.SqlQuery<string>($"""
            SELECT r.number AS "Value" FROM voucher_redemptions r
            LEFT JOIN voucher_ledger_entries e ON e.redemption_id = r.id
            WHERE (CAST({regionCode} AS text) IS NULL OR r.issuing_region_code = {regionCode})
            GROUP BY r.id, r.number, r.status, r.subsidy_fen, r.approved_fen
            HAVING COALESCE(SUM(CASE WHEN e.account_kind = 'Pending' THEN e.amount_fen ELSE 0 END), 0)
                       <> CASE WHEN r.status IN ('Reserved', 'Submitted') THEN r.subsidy_fen ELSE 0 END
                OR COALESCE(SUM(CASE WHEN e.account_kind = 'Payable' THEN e.amount_fen ELSE 0 END), 0)
                       <> CASE WHEN r.status = 'Approved' THEN COALESCE(r.approved_fen, -1) ELSE 0 END
                OR COALESCE(SUM(CASE WHEN e.account_kind = 'PaidOut' THEN e.amount_fen ELSE 0 END), 0)
                       <> CASE WHEN r.status = 'Paid' THEN COALESCE(r.approved_fen, -1) ELSE 0 END
            ORDER BY r.number LIMIT {Limit}
            """).ToListAsync(ct);
        var quotas = await db.Database.SqlQuery<string>($"""
            SELECT p.code || ':' || CAST(q.organization_id AS text) AS "Value" FROM voucher_holder_quotas q
            JOIN voucher_programmes p ON p.id = q.programme_id
            WHERE (CAST({regionCode} AS text) IS NULL OR p.issuing_region_code = {regionCode})
              AND q.used_fen <> (SELECT COALESCE(SUM(CASE WHEN r.status IN ('Reserved', 'Submitted') THEN r.subsidy_fen
                                                          WHEN r.status IN ('Approved', 'Paid') THEN r.approved_fen ELSE 0 END), 0)
                                 FROM voucher_redemptions r WHERE r.programme_id = q.programme_id AND r.holder_organization_id = q.organization_id)
            ORDER BY p.code LIMIT {Limit}
            """).ToListAsync(ct);
        var unaudited = await db.Database.SqlQuery<string>($"""
            SELECT CAST(t.id AS text) AS "Value" FROM voucher_ledger_transactions t
            JOIN voucher_programmes p ON p.id = t.programme_id
            WHERE (CAST({regionCode} AS text) IS NULL OR p.issuing_region_code = {regionCode}) AND p.synthetic = {false}
              AND t.posted_at >= (SELECT MIN(a.at) FROM audit_entries a)
              AND NOT EXISTS (SELECT 1 FROM audit_entries a WHERE a.action LIKE 'voucher.%' AND a.detail LIKE 'tx=' || CAST(t.id AS text) || ';%')
            ORDER BY t.id LIMIT {Limit}
            """).ToListAsync(ct);
        var batches = await db.Database.SqlQuery<string>($"""
            SELECT b.number AS "Value" FROM voucher_payout_batches b
            LEFT JOIN voucher_payout_items i ON i.batch_id = b.id
            LEFT JOIN voucher_redemptions r ON r.id = i.redemption_id
            WHERE (CAST({regionCode} AS text) IS NULL OR b.issuing_region_code = {regionCode})
            GROUP BY b.id, b.number, b.count, b.total_fen
            HAVING b.count <> COUNT(i.redemption_id) OR b.total_fen <> COALESCE(SUM(r.approved_fen), 0)
                OR SUM(CASE WHEN i.redemption_id IS NULL OR r.payout_batch_id = b.id THEN 0 ELSE 1 END) > 0
            ORDER BY b.number LIMIT {Limit}
            """).ToListAsync(ct);
        return new VoucherCheckResult(regionCode, sum, unbalanced, accounts, programmes, redemptions, quotas, unaudited, batches);
    }
}

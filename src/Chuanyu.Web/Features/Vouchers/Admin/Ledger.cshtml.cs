using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>账本核对: the ledger's invariants for the caller's region (the audit administrator: every programme), each with its result and offenders.</summary>
[Authorize(Policy = Policies.VoucherLedgerReader)]
public sealed class VoucherLedgerCheckModel(VoucherInvariants invariants, CurrentUser me) : PageModel
{
    public VoucherCheckResult Result { get; private set; } = null!;

    /// <summary>Each check: its label key, whether it holds, the offenders (ids or keys).</summary>
    public IReadOnlyList<(string Key, bool Holds, IReadOnlyList<string> Offenders)> Checks { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var (allowed, region) = VoucherInvariants.ScopeOf(me);
        if (!allowed)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Result = await invariants.CheckAsync(region, ct);
        var r = Result;
        Checks =
        [
            ("Vouchers.Ledger.Check.Sum", r.EntriesSumFen == 0, r.EntriesSumFen == 0 ? [] : [VoucherPages.Money(r.EntriesSumFen)]),
            ("Vouchers.Ledger.Check.Transactions", r.UnbalancedTransactions.Count == 0, r.UnbalancedTransactions),
            ("Vouchers.Ledger.Check.Accounts", r.AccountsOffTheirEntries.Count == 0, r.AccountsOffTheirEntries),
            ("Vouchers.Ledger.Check.Budget", r.ProgrammesOverBudget.Count == 0, r.ProgrammesOverBudget),
            ("Vouchers.Ledger.Check.Redemptions", r.RedemptionsOffTheirStatus.Count == 0, r.RedemptionsOffTheirStatus),
            ("Vouchers.Ledger.Check.Quotas", r.QuotasOffTheirRedemptions.Count == 0, r.QuotasOffTheirRedemptions),
            ("Vouchers.Ledger.Check.Audit", r.TransactionsWithoutAudit.Count == 0, r.TransactionsWithoutAudit),
            ("Vouchers.Ledger.Check.Batches", r.BatchesOffTheirItems.Count == 0, r.BatchesOffTheirItems),
        ];
        return Page();
    }
}

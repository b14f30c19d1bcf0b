using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary><c>vouchers-check</c>: the ledger's invariants over every programme; exit 0 intact, 1 broken (up to 20 offenders a rule listed).</summary>
internal sealed class VouchersCheckCommand : IPlatformCommand
{
    public string Name => "vouchers-check";

    public async Task<int> RunAsync(PlatformCommandContext context, string[] args)
    {
        var result = await context.Services.GetRequiredService<VoucherInvariants>().CheckAsync(null, CancellationToken.None);
        if (result.Intact)
        {
            Console.WriteLine("Voucher ledger intact: the entries sum to zero, every balance equals its entries, no programme exceeds its budget.");
            return 0;
        }
        Console.WriteLine("Voucher ledger BROKEN:");
        if (result.EntriesSumFen != 0)
        {
            Console.WriteLine($"  the entries sum to {result.EntriesSumFen} fen, not 0");
        }
        void List(string what, IReadOnlyList<string> offenders)
        {
            if (offenders.Count > 0)
            {
                Console.WriteLine($"  {what}: {string.Join(", ", offenders)}");
            }
        }
        List("unbalanced transactions", result.UnbalancedTransactions);
        List("accounts whose balance differs from their entries", result.AccountsOffTheirEntries);
        List("programmes over their budget or with funding unequal to it", result.ProgrammesOverBudget);
        List("redemptions whose money is not where their status says", result.RedemptionsOffTheirStatus);
        List("quotas unequal to their live redemptions", result.QuotasOffTheirRedemptions);
        List("ledger transactions without their audit row", result.TransactionsWithoutAudit);
        List("payout batches whose count or total differs from their items", result.BatchesOffTheirItems);
        return 1;
    }
}

/// <summary><c>vouchers-expire</c>: the voucher jobs once (expiry and lapses); exit 0 done, 3 when another instance holds the lease.</summary>
internal sealed class VouchersExpireCommand : IPlatformCommand
{
    public string Name => "vouchers-expire";

    public async Task<int> RunAsync(PlatformCommandContext context, string[] args)
    {
        var result = await context.Services.GetRequiredService<VoucherJobs>().RunAsync(TimeSpan.FromMinutes(10), CancellationToken.None);
        if (result is null)
        {
            Console.WriteLine("Another instance is running the voucher jobs.");
            return 3;
        }
        Console.WriteLine($"{result.Expired} vouchers expired ({result.ReturnedFen} fen returned to the budgets), {result.Lapsed} redemptions lapsed.");
        return 0;
    }
}

using System.Security.Cryptography;
using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// A programme's budget as the ledger holds it: raising it posts Fund (Budget +B, Funding −B), lowering it Defund (the
/// reverse), refused when the budget not yet issued is smaller than the cut. The programme's <c>budget_fen</c> changes
/// in the same transaction, so the invariant "Funding = budget" always holds. Runs in the caller's transaction.
/// </summary>
public sealed class VoucherFunding(AppDbContext db, VoucherLedger ledger)
{
    /// <summary>Sets the budget; throws <see cref="VoucherLedgerRefusedException"/> when a cut exceeds what is left to issue.</summary>
    public async Task SetBudgetAsync(Guid programmeId, long budgetFen, CancellationToken ct)
    {
        VoucherLedger.RequireTransaction(db, nameof(SetBudgetAsync));
        ArgumentOutOfRangeException.ThrowIfNegative(budgetFen);
        var programme = await db.Set<VoucherProgramme>().FirstAsync(p => p.Id == programmeId, ct);
        var funding = await ledger.AccountAsync(LedgerKeys.Funding(programmeId), programmeId, LedgerAccountKind.Funding, null, null, ct);
        var budget = await ledger.AccountAsync(LedgerKeys.Budget(programmeId), programmeId, LedgerAccountKind.Budget, null, null, ct);
        var delta = budgetFen - programme.BudgetFen;
        if (delta == 0)
        {
            return;
        }
        programme.BudgetFen = budgetFen;
        programme.Version++;
        await ledger.PostAsync(new LedgerPosting(programmeId, delta > 0 ? LedgerEvent.Fund : LedgerEvent.Defund, programme.IssuingRegionCode,
            [new LedgerLeg(budget, delta), new LedgerLeg(funding, -delta)]), ct);
    }
}

/// <summary>
/// Issuing a voucher: the voucher row with a fresh code, the holder's quota row for the programme (cap = the annual cap)
/// and the Issue posting (Voucher +F, Budget −F), refused when the budget left is smaller than F. Runs in the caller's
/// transaction (an application's approval).
/// </summary>
public sealed class VoucherIssuing(AppDbContext db, VoucherLedger ledger, TimeProvider clock)
{
    /// <summary>No 0/O, 1/I: a code read over the phone or typed from paper is not misread.</summary>
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public async Task<Voucher> IssueAsync(VoucherProgramme programme, Guid? applicationId, Guid holderOrganizationId, long faceValueFen,
        int ratioNum, int ratioDen, CancellationToken ct)
    {
        VoucherLedger.RequireTransaction(db, nameof(IssueAsync));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(faceValueFen);
        var voucher = new Voucher
        {
            Id = Guid.CreateVersion7(),
            Code = NewCode(programme),
            ProgrammeId = programme.Id,
            ApplicationId = applicationId,
            HolderOrganizationId = holderOrganizationId,
            FaceValueFen = faceValueFen,
            RatioNum = ratioNum,
            RatioDen = ratioDen,
            Status = VoucherStatus.Active,
            IssuedAt = clock.GetUtcNow(),
            UseUntil = programme.UseUntil,
        };
        db.Add(voucher);
        var hasQuota = await db.Set<VoucherHolderQuota>().AnyAsync(q => q.ProgrammeId == programme.Id && q.OrganizationId == holderOrganizationId, ct)
            || db.ChangeTracker.Entries<VoucherHolderQuota>().Any(e => e.Entity.ProgrammeId == programme.Id && e.Entity.OrganizationId == holderOrganizationId);
        if (!hasQuota)
        {
            db.Add(new VoucherHolderQuota { ProgrammeId = programme.Id, OrganizationId = holderOrganizationId, CapFen = programme.AnnualCapFen });
        }
        // The voucher's account refers to the voucher row: write it first (same transaction).
        await db.SaveChangesAsync(ct);
        var account = await ledger.AccountAsync(LedgerKeys.Voucher(voucher.Id), programme.Id, LedgerAccountKind.Voucher, voucher.Id, null, ct);
        var budget = await ledger.AccountAsync(LedgerKeys.Budget(programme.Id), programme.Id, LedgerAccountKind.Budget, null, null, ct);
        await ledger.PostAsync(new LedgerPosting(programme.Id, LedgerEvent.Issue, programme.IssuingRegionCode,
            [new LedgerLeg(account, faceValueFen), new LedgerLeg(budget, -faceValueFen)])
        { VoucherId = voucher.Id }, ct);
        return voucher;
    }

    /// <summary>CQ26-7K3M9PX2QD: the issuing region, the programme's year, ten characters of an unambiguous alphabet (50 bits).</summary>
    public static string NewCode(VoucherProgramme programme)
    {
        var region = programme.IssuingRegionCode switch { "500000" => "CQ", "510000" => "SC", _ => "CN" };
        return $"{region}{programme.Year % 100:00}-{RandomNumberGenerator.GetString(Alphabet, 10)}";
    }
}

using System.Runtime.CompilerServices;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>A new payout batch: the approved redemptions of the issuing region (the caller's, or <c>regionCode</c> when they run several), optionally of one payee.</summary>
public sealed record PayoutBatchInput(string? RegionCode = null, Guid? PayeeOrganizationId = null);

public sealed record PayoutPaidInput(string? BankReference);

public sealed record VoucherRevokeInput(string? Reason);

public sealed record PayoutBatchDto(Guid Id, string Number, string IssuingRegionCode, VoucherPayoutStatus Status, long TotalFen, int Count,
    string? FileSha256, string? Signature, string? BankReference, DateTimeOffset CreatedAt, DateTimeOffset? ExportedAt, DateTimeOffset? PaidAt);

public sealed record PayoutItemDto(Guid RedemptionId, string Number, Guid PayeeOrganizationId, string PayeeName, string ProgrammeCode,
    string? InvoiceNumber, long ApprovedFen, VoucherRedemptionStatus Status);

public sealed record PayoutBatchDetail(PayoutBatchDto Batch, IReadOnlyList<PayoutItemDto> Items);

/// <summary>
/// Paying approved redemptions (兑付支付, docs/vouchers.md): the issuing region's administrator gathers the approved
/// redemptions into a batch, exports it as a signed .xlsx for the bank, and marks it paid with the bank's reference:
/// one Pay posting (PaidOut +A, Payable −A) and audit row per redemption, all in the batch's one database transaction.
/// </summary>
public sealed class VoucherPayouts(AppDbContext db, VoucherLedger ledger, VoucherExports exports, CurrentUser me, OrganizationDirectory organizations,
    AuditLog audit, TimeProvider clock)
{
    /// <summary>Most redemptions one batch holds: the rest wait for the next batch.</summary>
    public const int MaxItems = 1000;

    private static readonly string[] PayoutColumns = ["Seq", "Number", "Payee", "Programme", "Invoice", "AmountFen", "AmountYuan"];

    public static string NumberOf(Guid id, DateTimeOffset createdAt) =>
        $"PB{createdAt.ToOffset(Display.ChinaStandardTime):yyyyMMdd}-{id.ToString("N")[^10..].ToUpperInvariant()}";

    public async Task<(PayoutBatchDto? Created, ServiceResult Result)> CreateAsync(PayoutBatchInput input, CancellationToken ct)
    {
        var regions = me.AdminRegions.ToList();
        var region = input.RegionCode ?? (regions.Count == 1 ? regions[0] : null);
        if (region is null || !me.HasInRegion(PlatformRole.RegionAdmin, region))
        {
            return (null, new ServiceResult.Forbidden());
        }
        var query = db.Set<VoucherRedemption>()
            .Where(r => r.IssuingRegionCode == region && r.Status == VoucherRedemptionStatus.Approved && r.PayoutBatchId == null);
        if (input.PayeeOrganizationId is { } payee)
        {
            query = query.Where(r => r.PayeeOrganizationId == payee);
        }
        var items = await query.OrderBy(r => r.DecidedAt).ThenBy(r => r.Id).Take(MaxItems).ToListAsync(ct);
        if (items.Count == 0)
        {
            return (null, new ServiceResult.RuleBroken("nothingToPay", new Message("VoucherSettlement.NothingToPay")));
        }
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var batch = new VoucherPayoutBatch
        {
            Id = id,
            Number = NumberOf(id, now),
            IssuingRegionCode = region,
            Status = VoucherPayoutStatus.Open,
            TotalFen = items.Sum(r => r.ApprovedFen!.Value),
            Count = items.Count,
            CreatedBy = me.Id!.Value,
            CreatedAt = now,
        };
        db.Add(batch);
        foreach (var r in items)
        {
            r.PayoutBatchId = id;
            r.Version++;
            db.Add(new VoucherPayoutItem { BatchId = id, RedemptionId = r.Id });
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another batch took one of these redemptions meanwhile (its version, or the unique item).
            return (null, new ServiceResult.Conflict(new Message("Vouchers.ChangedMeanwhile")));
        }
        await audit.RecordAsync("voucher.payout.create", $"voucher-payout:{id}", detail: $"{batch.Number}; count={batch.Count}; total={batch.TotalFen}", ct: ct);
        await tx.CommitAsync(ct);
        return (Dto(batch), new ServiceResult.Ok());
    }

    /// <summary>The batches of the regions the caller administers, newest first.</summary>
    public async Task<PagedList<PayoutBatchDto>> ListAsync(VoucherPayoutStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var regions = me.AdminRegions.ToList();
        var query = db.Set<VoucherPayoutBatch>().AsNoTracking().Where(b => regions.Contains(b.IssuingRegionCode));
        if (status is { } s)
        {
            query = query.Where(b => b.Status == s);
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(b => b.CreatedAt).ThenBy(b => b.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<PayoutBatchDto>(total, page, pageSize, rows.Select(Dto).ToList());
    }

    /// <summary>One batch with its redemptions, for the issuing region's administrators (anyone else: null, 404).</summary>
    public async Task<PayoutBatchDetail?> GetAsync(Guid id, CancellationToken ct)
    {
        var batch = await db.Set<VoucherPayoutBatch>().AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, ct);
        return batch is null || !me.HasInRegion(PlatformRole.RegionAdmin, batch.IssuingRegionCode) ? null : new PayoutBatchDetail(Dto(batch), await ItemsAsync(id, ct));
    }

    /// <summary>
    /// The batch as a signed .xlsx (one row per redemption: number, payee, programme, invoice, amount), whose SHA-256 and
    /// signature the batch keeps; an open batch becomes Exported. Another region's administrator: 403.
    /// </summary>
    public async Task<(SignedExport? File, ServiceResult Result)> ExportAsync(Guid id, CancellationToken ct)
    {
        var batch = await db.Set<VoucherPayoutBatch>().FirstOrDefaultAsync(b => b.Id == id, ct);
        if (batch is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        if (!me.HasInRegion(PlatformRole.RegionAdmin, batch.IssuingRegionCode))
        {
            return (null, new ServiceResult.Forbidden());
        }
        if (batch.Status == VoucherPayoutStatus.Cancelled)
        {
            return (null, new ServiceResult.Conflict(new Message("VoucherSettlement.PayoutCancelled")));
        }
        var items = await ItemsAsync(id, ct);
        var now = clock.GetUtcNow();
        string[] headers = [.. PayoutColumns.Select(h => VoucherExports.Text("Payout." + h))];
        var watermark = new List<string>
        {
            VoucherExports.Text("Payout.Title", batch.Number),
            VoucherExports.Text("Payout.Totals", batch.IssuingRegionCode, batch.Count, VoucherExports.Yuan(batch.TotalFen), batch.TotalFen),
            VoucherExports.Text("ExportedBy", me.Email, Display.DateTime(now)),
            exports.SignatureLine(),
        };
        var file = await exports.WriteAsync($"chuanyu-payout-{batch.Number}.xlsx", watermark[0], watermark,
            [new ExportSheet(VoucherExports.Text("Payout.Sheet"), headers, Rows(items, ct))], now, ct);
        // A paid batch keeps the hash and signature of the file it was paid against; a later export is a copy (its own
        // hash in the answer's headers and the audit row), not a new record of what the bank paid.
        if (batch.Status != VoucherPayoutStatus.Paid)
        {
            batch.FileSha256 = file.Sha256;
            batch.Signature = file.Signature;
        }
        if (batch.Status == VoucherPayoutStatus.Open)
        {
            batch.Status = VoucherPayoutStatus.Exported;
            batch.ExportedBy = me.Id;
            batch.ExportedAt = now;
        }
        batch.Version++;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            file.Dispose();
            return (null, new ServiceResult.Conflict(new Message("Vouchers.ChangedMeanwhile")));
        }
        await audit.RecordAsync("voucher.payout.export", $"voucher-payout:{id}", detail: $"{batch.Number}; sha256={file.Sha256}", ct: ct);
        await tx.CommitAsync(ct);
        return (file, new ServiceResult.Ok());

        static async IAsyncEnumerable<object?[]> Rows(IReadOnlyList<PayoutItemDto> items, [EnumeratorCancellation] CancellationToken ct = default)
        {
            await Task.CompletedTask;
            var i = 0;
            foreach (var item in items)
            {
                ct.ThrowIfCancellationRequested();
                yield return [++i, item.Number, item.PayeeName, item.ProgrammeCode, item.InvoiceNumber, item.ApprovedFen, VoucherExports.Yuan(item.ApprovedFen)];
            }
        }
    }

    /// <summary>
    /// The bank paid the exported batch: each redemption's approved amount moves from Payable to PaidOut and the
    /// redemption becomes Paid, in one transaction with the batch; a batch not yet exported, or already paid, is 409.
    /// </summary>
    public async Task<ServiceResult> MarkPaidAsync(Guid id, PayoutPaidInput input, CancellationToken ct)
    {
        var batch = await db.Set<VoucherPayoutBatch>().FirstOrDefaultAsync(b => b.Id == id, ct);
        if (batch is null)
        {
            return new ServiceResult.NotFound();
        }
        if (!me.HasInRegion(PlatformRole.RegionAdmin, batch.IssuingRegionCode))
        {
            return new ServiceResult.Forbidden();
        }
        var reference = input.BankReference?.Trim();
        if (reference is not { Length: >= 2 and <= 100 })
        {
            var errors = new FieldErrors();
            errors.Add("bankReference", new Message("VoucherSettlement.BankReferenceRequired"));
            return new ServiceResult.Invalid(errors);
        }
        if (batch.Status != VoucherPayoutStatus.Exported)
        {
            return new ServiceResult.Conflict(new Message(batch.Status switch
            {
                VoucherPayoutStatus.Paid => "VoucherSettlement.PayoutAlreadyPaid",
                VoucherPayoutStatus.Cancelled => "VoucherSettlement.PayoutCancelled",
                _ => "VoucherSettlement.PayoutNotExported",
            }));
        }
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            batch.Status = VoucherPayoutStatus.Paid;
            batch.BankReference = reference;
            batch.PaidBy = me.Id;
            batch.PaidAt = now;
            batch.Version++;
            // The batch first: a second payment of it stops here (its version), before any money moves.
            await db.SaveChangesAsync(ct);
            var redemptions = await db.Set<VoucherRedemption>().Where(r => r.PayoutBatchId == id).OrderBy(r => r.Id).ToListAsync(ct);
            foreach (var r in redemptions)
            {
                if (r.Status != VoucherRedemptionStatus.Approved)
                {
                    return new ServiceResult.Conflict(new Message("VoucherSettlement.PayoutItemNotApproved", r.Number, r.Status));
                }
                var amount = r.ApprovedFen!.Value;
                var payable = await ledger.AccountAsync(LedgerKeys.Payable(r.ProgrammeId, r.PayeeOrganizationId), r.ProgrammeId, LedgerAccountKind.Payable, null, r.PayeeOrganizationId, ct);
                var paid = await ledger.AccountAsync(LedgerKeys.PaidOut(r.ProgrammeId, r.PayeeOrganizationId), r.ProgrammeId, LedgerAccountKind.PaidOut, null, r.PayeeOrganizationId, ct);
                r.Status = VoucherRedemptionStatus.Paid;
                r.PaidBy = me.Id;
                r.PaidAt = now;
                r.Version++;
                await ledger.PostAsync(new LedgerPosting(r.ProgrammeId, LedgerEvent.Pay, r.IssuingRegionCode, [new(paid, amount), new(payable, -amount)])
                {
                    ProviderRegionCode = r.ProviderRegionCode,
                    RedemptionId = r.Id,
                    VoucherId = r.VoucherId,
                    PayoutBatchId = id,
                    Note = reference,
                }, ct);
            }
            await audit.RecordAsync("voucher.payout.paid", $"voucher-payout:{id}", detail: $"{batch.Number}; bank={reference}; count={redemptions.Count}; total={batch.TotalFen}", ct: ct);
            await tx.CommitAsync(ct);
            return new ServiceResult.Ok();
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.ChangedMeanwhile"));
        }
        catch (VoucherLedgerRefusedException refused)
        {
            return new ServiceResult.Conflict(refused.Reason);
        }
    }

    /// <summary>
    /// A refund takes an approved redemption out of its unpaid batch, in the refund's transaction and before the reversal
    /// (the batch's row lock first, the order a payment takes): its item goes, the batch's count and total drop. An
    /// exported batch's signed file no longer lists what the bank would pay, so the batch goes back to Open without file,
    /// signature or export and must be exported again; a batch left empty is Cancelled (nothing to export or pay).
    /// Audited with what changed. False, and nothing written, when the batch is paid (the redemption is then paid too).
    /// </summary>
    internal async Task<bool> TakeOutAsync(VoucherRedemption r, string reason, CancellationToken ct)
    {
        VoucherLedger.RequireTransaction(db, nameof(TakeOutAsync));
        var batchId = r.PayoutBatchId!.Value;
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM voucher_payout_batches WHERE id = {batchId} FOR UPDATE", ct);
        }
        var batch = await db.Set<VoucherPayoutBatch>().FirstAsync(b => b.Id == batchId, ct);
        if (batch.Status == VoucherPayoutStatus.Paid)
        {
            return false;
        }
        var amount = r.ApprovedFen!.Value;
        var was = batch.Status;
        var voided = batch.FileSha256;
        await db.Set<VoucherPayoutItem>().Where(i => i.BatchId == batchId && i.RedemptionId == r.Id).ExecuteDeleteAsync(ct);
        r.PayoutBatchId = null;
        batch.Count--;
        batch.TotalFen -= amount;
        batch.Status = batch.Count == 0 ? VoucherPayoutStatus.Cancelled : VoucherPayoutStatus.Open;
        batch.FileSha256 = null;
        batch.Signature = null;
        batch.ExportedBy = null;
        batch.ExportedAt = null;
        batch.Version++;
        await audit.RecordAsync("voucher.payout.remove", $"voucher-payout:{batchId}",
            detail: $"{batch.Number}; redemption={r.Number}; amount={amount}; count={batch.Count}; total={batch.TotalFen}; {was}->{batch.Status}"
                + (voided is null ? "" : $"; export voided sha256={voided}") + $"; {reason}", ct: ct);
        return true;
    }

    /// <summary>The approved redemptions the region's administrator may put in a batch now, by payee: what the payouts page offers.</summary>
    public async Task<IReadOnlyList<(Guid PayeeOrganizationId, string PayeeName, int Count, long TotalFen)>> WaitingAsync(CancellationToken ct)
    {
        var regions = me.AdminRegions.ToList();
        var rows = await db.Set<VoucherRedemption>().AsNoTracking()
            .Where(r => regions.Contains(r.IssuingRegionCode) && r.Status == VoucherRedemptionStatus.Approved && r.PayoutBatchId == null)
            .GroupBy(r => r.PayeeOrganizationId)
            .Select(g => new { Payee = g.Key, Count = g.Count(), Total = g.Sum(r => r.ApprovedFen ?? 0) })
            .ToListAsync(ct);
        var names = await organizations.NamesAsync(rows.Select(r => r.Payee), ct);
        return [.. rows.Select(r => (r.Payee, names.GetValueOrDefault(r.Payee, ""), r.Count, r.Total)).OrderBy(r => r.Item2, StringComparer.Ordinal)];
    }

    private async Task<IReadOnlyList<PayoutItemDto>> ItemsAsync(Guid batchId, CancellationToken ct)
    {
        var rows = await (
            from i in db.Set<VoucherPayoutItem>().AsNoTracking()
            join r in db.Set<VoucherRedemption>() on i.RedemptionId equals r.Id
            join p in db.Set<VoucherProgramme>() on r.ProgrammeId equals p.Id
            where i.BatchId == batchId
            orderby r.Number
            select new { r.Id, r.Number, r.PayeeOrganizationId, p.Code, r.InvoiceNumber, r.ApprovedFen, r.Status }).ToListAsync(ct);
        var names = await organizations.NamesAsync(rows.Select(r => r.PayeeOrganizationId).Distinct(), ct);
        return [.. rows.Select(r => new PayoutItemDto(r.Id, r.Number, r.PayeeOrganizationId, names.GetValueOrDefault(r.PayeeOrganizationId, ""), r.Code,
            r.InvoiceNumber, r.ApprovedFen ?? 0, r.Status))];
    }

    private static PayoutBatchDto Dto(VoucherPayoutBatch b) => new(b.Id, b.Number, b.IssuingRegionCode, b.Status, b.TotalFen, b.Count,
        b.FileSha256, b.Signature, b.BankReference, b.CreatedAt, b.ExportedAt, b.PaidAt);
}

/// <summary>
/// Revoking a voucher (撤销): the issuing region's administrator closes an active voucher and its balance returns to the
/// programme's budget (Revoke: Budget +b, Voucher −b; nothing posted when the balance is 0). Redemptions already made
/// stay; what they return later goes to the budget, as for an expired voucher.
/// </summary>
public sealed class VoucherRevocations(AppDbContext db, VoucherLedger ledger, CurrentUser me, AuditLog audit, TimeProvider clock)
{
    public async Task<ServiceResult> RevokeAsync(string code, VoucherRevokeInput input, CancellationToken ct)
    {
        var voucher = await db.Set<Voucher>().FirstOrDefaultAsync(v => v.Code == code, ct);
        if (voucher is null)
        {
            return new ServiceResult.NotFound();
        }
        var programme = await db.Set<VoucherProgramme>().AsNoTracking().FirstAsync(p => p.Id == voucher.ProgrammeId, ct);
        if (!me.HasInRegion(PlatformRole.RegionAdmin, programme.IssuingRegionCode))
        {
            // Not the issuer's administrator: whether the code exists is not disclosed to others.
            return me.AdminRegions.Any() ? new ServiceResult.Forbidden() : new ServiceResult.NotFound();
        }
        if (input.Reason?.Trim() is not { Length: >= 2 and <= 500 } reason)
        {
            var errors = new FieldErrors();
            errors.Add("reason", new Message("Vouchers.ReasonRequired"));
            return new ServiceResult.Invalid(errors);
        }
        if (voucher.Status != VoucherStatus.Active)
        {
            return new ServiceResult.Conflict(new Message("VoucherSettlement.VoucherNotActive", voucher.Status));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            voucher.Status = VoucherStatus.Revoked;
            voucher.ClosedAt = clock.GetUtcNow();
            var account = await ledger.FindAsync(LedgerKeys.Voucher(voucher.Id), ct);
            var balance = account is null ? 0 : await ledger.BalanceAsync(account.Id, ct);
            if (balance > 0)
            {
                var budget = await ledger.AccountAsync(LedgerKeys.Budget(programme.Id), programme.Id, LedgerAccountKind.Budget, null, null, ct);
                await ledger.PostAsync(new LedgerPosting(programme.Id, LedgerEvent.Revoke, programme.IssuingRegionCode,
                    [new LedgerLeg(budget, balance), new LedgerLeg(account!, -balance)])
                { VoucherId = voucher.Id, Note = reason }, ct);
            }
            else
            {
                await db.SaveChangesAsync(ct);
            }
            await audit.RecordAsync("voucher.revoke", $"voucher:{voucher.Id}", detail: $"{voucher.Code}; returned={balance}; {reason}", ct: ct);
            await tx.CommitAsync(ct);
            return new ServiceResult.Ok();
        }
        catch (VoucherLedgerRefusedException refused)
        {
            return new ServiceResult.Conflict(refused.Reason);
        }
    }
}

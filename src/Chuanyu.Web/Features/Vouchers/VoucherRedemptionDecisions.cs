using System.Security.Cryptography;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>What happens to a redemption after it is made: submit, withdraw, return for correction, the decision, and reads.</summary>
public sealed partial class VoucherRedemptions
{
    /// <summary>
    /// The invoice and the proof that the enterprise paid its share (通兑: the provider's manager, 先服务后兑付, before the
    /// redemption deadline), or, after a return in 通用, the enterprise again.
    /// </summary>
    public async Task<ServiceResult> SubmitAsync(Guid id, string? invoiceNumber, string? fileName, Stream? proof, long length, CancellationToken ct)
    {
        var r = await db.Set<VoucherRedemption>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null || !MaySee(r))
        {
            return new ServiceResult.NotFound();
        }
        var bySubmitter = r.Mode == VoucherMode.Redeem
            ? me.HasInOrganization(PlatformRole.ResourceManager, r.ProviderOrganizationId) || me.HasInOrganization(PlatformRole.OrgAdmin, r.ProviderOrganizationId)
            : ActsForHolder(r) && !ActsForProvider(r.ProviderOrganizationId);
        if (!bySubmitter)
        {
            return new ServiceResult.Forbidden();
        }
        if (r.Status != VoucherRedemptionStatus.Reserved)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.WrongStatus", r.Status));
        }
        var programme = await db.Set<VoucherProgramme>().AsNoTracking().FirstAsync(p => p.Id == r.ProgrammeId, ct);
        var today = ChinaTime.Today(clock);
        if (today > programme.RedeemUntil)
        {
            return new ServiceResult.RuleBroken("deadline", new Message("Vouchers.RedeemDeadlinePassed", programme.RedeemUntil.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        }
        var errors = new FieldErrors();
        var invoice = NormalizeInvoice(invoiceNumber);
        if (invoice.Length is 0 or > 60)
        {
            errors.Add("invoiceNumber", new Message("Vouchers.InvoiceRequired"));
        }
        CheckedUpload? upload = null;
        if (proof is null)
        {
            errors.Add("file", new Message("Vouchers.ProofRequired", MaxProofBytes / 1024 / 1024));
        }
        else
        {
            (upload, var problem) = await CheckProofAsync(fileName, proof, length, ct);
            if (upload is null)
            {
                errors.Add("file", problem!);
            }
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        if (await organizations.AreRelatedAsync(r.HolderOrganizationId, r.ProviderOrganizationId, ct))
        {
            return new ServiceResult.RuleBroken("relatedParties", new Message("Vouchers.RelatedParties"));
        }
        using var buffer = new MemoryStream();
        await proof!.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var now = clock.GetUtcNow();
        var stored = await db.Set<VoucherRedemptionProof>().FirstOrDefaultAsync(p => p.RedemptionId == r.Id, ct);
        if (stored is null)
        {
            db.Add(stored = new VoucherRedemptionProof { RedemptionId = r.Id });
        }
        stored.FileName = upload!.FileName;
        stored.Content = bytes;
        stored.UploadedBy = me.Id!.Value;
        stored.UploadedAt = now;
        r.InvoiceNumber = invoice;
        r.ProofSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        r.Status = VoucherRedemptionStatus.Submitted;
        r.SubmittedBy = me.Id;
        r.SubmittedAt = now;
        r.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.ChangedMeanwhile"));
        }
        catch (DbUpdateException e) when (VoucherProblems.Is(e, "invoice_number"))
        {
            return new ServiceResult.Conflict(new Message("Vouchers.InvoiceUsed", invoice));
        }
        return new ServiceResult.Ok();
    }

    /// <summary>The holder takes back a reserved redemption: the subsidy returns to the voucher (or the budget once it is no longer active).</summary>
    public async Task<ServiceResult> WithdrawAsync(Guid id, CancellationToken ct)
    {
        var r = await db.Set<VoucherRedemption>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null || !MaySee(r))
        {
            return new ServiceResult.NotFound();
        }
        if (!ActsForHolder(r) || ActsForProvider(r.ProviderOrganizationId))
        {
            return new ServiceResult.Forbidden();
        }
        if (r.Status != VoucherRedemptionStatus.Reserved)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.WrongStatus", r.Status));
        }
        return await MoveAsync(r, VoucherRedemptionStatus.Withdrawn, LedgerEvent.Withdraw, null, ct);
    }

    /// <summary>The issuing region returns a submitted redemption for correction (退回补正): back to reserved, the invoice cleared, no money moves.</summary>
    public async Task<ServiceResult> ReturnAsync(Guid id, string? reason, CancellationToken ct)
    {
        var (r, refused) = await ForIssuerAsync(id, ct);
        if (r is null)
        {
            return refused!;
        }
        if (Reason(reason) is not { } text)
        {
            return ReasonMissing();
        }
        if (r.Status != VoucherRedemptionStatus.Submitted)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.WrongStatus", r.Status));
        }
        r.Status = VoucherRedemptionStatus.Reserved;
        r.InvoiceNumber = null;
        r.Reason = text;
        r.Version++;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.ChangedMeanwhile"));
        }
        await audit.RecordAsync("voucher.return", $"voucher-redemption:{r.Id}", detail: text, ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>
    /// The issuing region's decision on a submitted redemption: approve A ≤ S (S − A goes back to the voucher; without a
    /// confirmed plan project, A is at most what the voucher's own ratio pays), or reject with a reason (all of S goes back).
    /// </summary>
    public async Task<ServiceResult> DecideAsync(Guid id, RedemptionDecisionInput input, CancellationToken ct)
    {
        var (r, refused) = await ForIssuerAsync(id, ct);
        if (r is null)
        {
            return refused!;
        }
        var reason = Reason(input.Reason);
        if (!input.Approve && reason is null)
        {
            return ReasonMissing();
        }
        if (input.Approve && input.ApprovedFen is { } asked && (asked < 1 || asked > r.SubsidyFen))
        {
            var errors = new FieldErrors();
            errors.Add("approvedFen", new Message("Vouchers.ApprovedAmountRange", r.SubsidyFen));
            return new ServiceResult.Invalid(errors);
        }
        if (r.Status != VoucherRedemptionStatus.Submitted)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.WrongStatus", r.Status));
        }
        if (!input.Approve)
        {
            return await MoveAsync(r, VoucherRedemptionStatus.Rejected, LedgerEvent.Reject, reason, ct);
        }
        if (await organizations.AreRelatedAsync(r.HolderOrganizationId, r.ProviderOrganizationId, ct))
        {
            return new ServiceResult.RuleBroken("relatedParties", new Message("Vouchers.RelatedParties"));
        }
        var approved = input.ApprovedFen ?? r.SubsidyFen;
        if (r.RatioRule == nameof(VoucherRatioCondition.MunicipalScienceProject) && input.ProjectConfirmed != true)
        {
            var voucher = await db.Set<Voucher>().AsNoTracking().FirstAsync(v => v.Id == r.VoucherId, ct);
            var programme = await db.Set<VoucherProgramme>().AsNoTracking().FirstAsync(p => p.Id == r.ProgrammeId, ct);
            var withoutTier = SubsidyRule.Compute(r.EligibleFeeFen, new SubsidyRatio(voucher.RatioNum, voucher.RatioDen), programme.PerClaimCapFen, r.SubsidyFen, null);
            approved = Math.Min(approved, withoutTier);
            if (approved <= 0)
            {
                return await MoveAsync(r, VoucherRedemptionStatus.Rejected, LedgerEvent.Reject, reason, ct);
            }
        }
        r.ApprovedFen = approved;
        return await MoveAsync(r, VoucherRedemptionStatus.Approved, LedgerEvent.Approve, reason, ct);
    }

    public async Task<RedemptionDto?> GetAsync(Guid id, CancellationToken ct)
    {
        var r = await db.Set<VoucherRedemption>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return r is null || !MaySee(r) ? null : (await DtosAsync([r], ct))[0];
    }

    /// <summary>The redemptions the caller deals with: their organisations' (as holder or provider) and, for a region's admin, the region's as issuer.</summary>
    public async Task<PagedList<RedemptionDto>> ListAsync(VoucherRedemptionStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var mine = organizations.MyOrganizationIds().ToList();
        var regions = me.AdminRegions.ToList();
        var query = db.Set<VoucherRedemption>().AsNoTracking()
            .Where(r => mine.Contains(r.HolderOrganizationId) || mine.Contains(r.ProviderOrganizationId) || regions.Contains(r.IssuingRegionCode));
        return await PageOfAsync(query, status, q => q.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id), page, pageSize, ct);
    }

    private async Task<List<RedemptionDto>> DtosAsync(List<VoucherRedemption> rows, CancellationToken ct)
    {
        var voucherIds = rows.Select(r => r.VoucherId).Distinct().ToList();
        var codes = await db.Set<Voucher>().AsNoTracking().Where(v => voucherIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Code, ct);
        return rows.Select(r => new RedemptionDto(r.Id, r.Number, codes[r.VoucherId], r.Mode, r.Status, r.HolderOrganizationId, r.ProviderOrganizationId,
            r.IssuingRegionCode, r.ProviderRegionCode, r.UseKind, r.BookingId, r.ServiceOrderId, r.FeeFen, r.EligibleFeeFen, r.RatioNum, r.RatioDen,
            r.RatioRule, r.ScienceProjectNo, r.SubsidyFen, r.ApprovedFen, r.ShareFen, r.InvoiceNumber, r.ProofSha256 is not null, r.Reason,
            r.CreatedAt, r.SubmittedAt, r.DecidedAt, r.PaidAt)).ToList();
    }

    /// <summary>
    /// A state change with money: the posting that returns or moves the subsidy, the quota, the row, in one transaction.
    /// The row's version guards against a decision on a stale state (an approval racing a refund): 409, nothing moves.
    /// </summary>
    private async Task<ServiceResult> MoveAsync(VoucherRedemption r, VoucherRedemptionStatus to, LedgerEvent e, string? reason, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await ApplyAsync(r, to, e, reason, ct);
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
    /// The legs of each transition out of a live state (docs/vouchers.md, "The ledger"), applied in the caller's
    /// transaction. Money that returns goes to the voucher while it is active, to the budget once it is not (and always
    /// for a lapse).
    /// </summary>
    internal async Task ApplyAsync(VoucherRedemption r, VoucherRedemptionStatus to, LedgerEvent e, string? reason, CancellationToken ct)
    {
        VoucherLedger.RequireTransaction(db, nameof(ApplyAsync));
        var now = clock.GetUtcNow();
        var from = r.Status;
        var held = from == VoucherRedemptionStatus.Approved ? r.ApprovedFen!.Value : r.SubsidyFen;
        var fromAccount = from == VoucherRedemptionStatus.Approved
            ? await ledger.AccountAsync(LedgerKeys.Payable(r.ProgrammeId, r.PayeeOrganizationId), r.ProgrammeId, LedgerAccountKind.Payable, null, r.PayeeOrganizationId, ct)
            : await ledger.AccountAsync(LedgerKeys.Pending(r.ProgrammeId, r.PayeeOrganizationId), r.ProgrammeId, LedgerAccountKind.Pending, null, r.PayeeOrganizationId, ct);
        var back = await ReturnAccountAsync(r, e == LedgerEvent.Lapse, ct);
        List<LedgerLeg> legs;
        long released;
        if (e == LedgerEvent.Approve)
        {
            var approved = r.ApprovedFen!.Value;
            var payable = await ledger.AccountAsync(LedgerKeys.Payable(r.ProgrammeId, r.PayeeOrganizationId), r.ProgrammeId, LedgerAccountKind.Payable, null, r.PayeeOrganizationId, ct);
            legs = [new(payable, approved), new(fromAccount, -r.SubsidyFen)];
            if (r.SubsidyFen > approved)
            {
                legs.Add(new(back, r.SubsidyFen - approved));
            }
            released = r.SubsidyFen - approved;
        }
        else
        {
            legs = [new(back, held), new(fromAccount, -held)];
            released = held;
        }
        r.Status = to;
        r.Reason = reason ?? r.Reason;
        if (e is LedgerEvent.Approve or LedgerEvent.Reject)
        {
            r.DecidedBy = me.Id;
            r.DecidedAt = now;
        }
        r.Version++;
        await ChangeQuotaAsync(r.ProgrammeId, r.HolderOrganizationId, -released, ct);
        await ledger.PostAsync(Posting(r, e, legs), ct);
    }

    /// <summary>Where returned money goes: the voucher while it is active and not lapsing, otherwise the programme's budget.</summary>
    private async Task<LedgerAccountRef> ReturnAccountAsync(VoucherRedemption r, bool lapse, CancellationToken ct)
    {
        var active = !lapse && await db.Set<Voucher>().AnyAsync(v => v.Id == r.VoucherId && v.Status == VoucherStatus.Active, ct);
        return active
            ? await ledger.FindAsync(LedgerKeys.Voucher(r.VoucherId), ct) ?? throw new InvalidOperationException("voucher account")
            : await ledger.AccountAsync(LedgerKeys.Budget(r.ProgrammeId), r.ProgrammeId, LedgerAccountKind.Budget, null, null, ct);
    }

    private async Task<(VoucherRedemption?, ServiceResult?)> ForIssuerAsync(Guid id, CancellationToken ct)
    {
        var r = await db.Set<VoucherRedemption>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null || !MaySee(r))
        {
            return (null, new ServiceResult.NotFound());
        }
        // The issuing region's administrator only: another region's is refused even when it sees the redemption as the provider's region.
        return me.HasInRegion(PlatformRole.RegionAdmin, r.IssuingRegionCode) ? (r, null) : (null, new ServiceResult.Forbidden());
    }

    /// <summary>Members of the holder or the provider, and the administrators of either region of the pair.</summary>
    private bool MaySee(VoucherRedemption r)
    {
        var mine = organizations.MyOrganizationIds();
        return mine.Contains(r.HolderOrganizationId) || mine.Contains(r.ProviderOrganizationId)
            || me.HasInRegion(PlatformRole.RegionAdmin, r.IssuingRegionCode) || me.HasInRegion(PlatformRole.RegionAdmin, r.ProviderRegionCode);
    }

    /// <summary>The use's user or the holder's administrator.</summary>
    private bool ActsForHolder(VoucherRedemption r) =>
        r.CreatedBy == me.Id || me.HasInOrganization(PlatformRole.OrgAdmin, r.HolderOrganizationId);

    private static string? Reason(string? reason) => reason?.Trim() is { Length: >= 2 and <= 500 } text ? text : null;

    private static ServiceResult.Invalid ReasonMissing()
    {
        var errors = new FieldErrors();
        errors.Add("reason", new Message("Vouchers.ReasonRequired"));
        return new ServiceResult.Invalid(errors);
    }
}

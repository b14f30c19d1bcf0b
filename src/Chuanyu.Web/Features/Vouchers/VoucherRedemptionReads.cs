using System.Security.Cryptography;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>What the caller may do with a redemption now (the pages' buttons; the services decide again).</summary>
public sealed record RedemptionActions(bool Submit, bool Withdraw, bool Decide)
{
    public bool Any => Submit || Withdraw || Decide;
}

/// <summary>The stored proof of payment.</summary>
public sealed record RedemptionProofFile(string FileName, byte[] Content);

/// <summary>One ledger transaction of a redemption with its legs (account key and kind, signed amount).</summary>
public sealed record RedemptionTransaction(long Id, LedgerEvent Event, DateTimeOffset PostedAt, IReadOnlyList<RedemptionLeg> Legs);

public sealed record RedemptionLeg(string AccountKey, LedgerAccountKind Kind, long AmountFen);

/// <summary>A finished use as the use page shows it to its holder: the fee, whether it can still be redeemed, its live redemption.</summary>
public sealed record UseToRedeem(VoucherUseKind Kind, Guid Id, Guid ResourceId, VoucherServiceCategory Category, Guid HolderOrganizationId, long FeeFen,
    bool Finished, bool Refunded, Guid? LiveRedemptionId, string? LiveNumber);

/// <summary>The reads the voucher pages need beside the API's: the proof, the ledger transactions, the allowed actions, the use to redeem.</summary>
public sealed partial class VoucherRedemptions
{
    public async Task<RedemptionActions> ActionsAsync(Guid id, CancellationToken ct)
    {
        var r = await db.Set<VoucherRedemption>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null || !MaySee(r))
        {
            return new RedemptionActions(false, false, false);
        }
        var submit = r.Status == VoucherRedemptionStatus.Reserved && (r.Mode == VoucherMode.Redeem
            ? me.HasInOrganization(PlatformRole.ResourceManager, r.ProviderOrganizationId) || me.HasInOrganization(PlatformRole.OrgAdmin, r.ProviderOrganizationId)
            : ActsForHolder(r) && !ActsForProvider(r.ProviderOrganizationId));
        var withdraw = r.Status == VoucherRedemptionStatus.Reserved && ActsForHolder(r) && !ActsForProvider(r.ProviderOrganizationId);
        var decide = r.Status == VoucherRedemptionStatus.Submitted && me.HasInRegion(PlatformRole.RegionAdmin, r.IssuingRegionCode);
        return new RedemptionActions(submit, withdraw, decide);
    }

    /// <summary>The issuing region administrator's queue: the redemptions the caller's regions issued, submitted ones first, oldest submission first.</summary>
    public async Task<PagedList<RedemptionDto>> IssuedAsync(VoucherRedemptionStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var regions = me.AdminRegions.ToList();
        var query = db.Set<VoucherRedemption>().AsNoTracking().Where(r => regions.Contains(r.IssuingRegionCode));
        return await PageOfAsync(query, status, q => q.OrderBy(r => r.Status == VoucherRedemptionStatus.Submitted ? 0 : 1)
            .ThenBy(r => r.SubmittedAt ?? r.CreatedAt).ThenBy(r => r.Id), page, pageSize, ct);
    }

    private async Task<PagedList<RedemptionDto>> PageOfAsync(IQueryable<VoucherRedemption> query, VoucherRedemptionStatus? status,
        Func<IQueryable<VoucherRedemption>, IOrderedQueryable<VoucherRedemption>> order, int page, int pageSize, CancellationToken ct)
    {
        if (status is { } s)
        {
            query = query.Where(r => r.Status == s);
        }
        var total = await query.CountAsync(ct);
        var rows = await order(query).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<RedemptionDto>(total, page, pageSize, await DtosAsync(rows, ct));
    }

    /// <summary>The proof of payment, for those who may see the redemption.</summary>
    public async Task<RedemptionProofFile?> ProofAsync(Guid id, CancellationToken ct)
    {
        var r = await db.Set<VoucherRedemption>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null || !MaySee(r))
        {
            return null;
        }
        return await db.Set<VoucherRedemptionProof>().AsNoTracking().Where(p => p.RedemptionId == id)
            .Select(p => new RedemptionProofFile(p.FileName, p.Content)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The redemption's ledger transactions, oldest first, for those who may see it.</summary>
    public async Task<IReadOnlyList<RedemptionTransaction>> TransactionsAsync(Guid id, CancellationToken ct)
    {
        var r = await db.Set<VoucherRedemption>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null || !MaySee(r))
        {
            return [];
        }
        var rows = await (
            from t in db.Set<VoucherLedgerTransaction>().AsNoTracking()
            join e in db.Set<VoucherLedgerEntry>() on t.Id equals e.TransactionId
            join a in db.Set<VoucherLedgerAccount>() on e.AccountId equals a.Id
            where t.RedemptionId == id
            orderby t.Id, e.Id
            select new { t.Id, t.Event, t.PostedAt, a.Key, a.Kind, e.AmountFen }).ToListAsync(ct);
        return rows.GroupBy(x => x.Id)
            .Select(g => new RedemptionTransaction(g.Key, g.First().Event, g.First().PostedAt, g.Select(x => new RedemptionLeg(x.Key, x.Kind, x.AmountFen)).ToList()))
            .ToList();
    }

    /// <summary>The numbers of redemptions the caller already reads through a voucher's entries.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> NumbersAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        await db.Set<VoucherRedemption>().AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Number, ct);

    /// <summary>
    /// A booking or order of one of the caller's organisations as the use page offers it (null when there is none, or it is
    /// another holder's: not disclosed).
    /// </summary>
    public async Task<UseToRedeem?> UseToRedeemAsync(Guid? bookingId, Guid? serviceOrderId, CancellationToken ct)
    {
        if (bookingId is null == serviceOrderId is null)
        {
            return null;
        }
        var use = await UseAsync(new RedemptionInput(bookingId, serviceOrderId), ct);
        if (use is null || !organizations.MyOrganizationIds().Contains(use.HolderOrganizationId))
        {
            return null;
        }
        var live = await db.Set<VoucherRedemption>().AsNoTracking()
            .Where(r => VoucherRedemption.Live.Contains(r.Status) && (use.Kind == VoucherUseKind.Booking ? r.BookingId == use.Id : r.ServiceOrderId == use.Id))
            .Select(r => new { r.Id, r.Number }).FirstOrDefaultAsync(ct);
        return new UseToRedeem(use.Kind, use.Id, use.ResourceId, use.Category, use.HolderOrganizationId, use.FeeFen, use.Finished, use.Refunded, live?.Id, live?.Number);
    }

    /// <summary>
    /// The proof of the full payment of a 通用 claim, added by the claimant to the claim it has just submitted (the use page
    /// sends the invoice with the claim, then the file): once, while the claim waits for review.
    /// </summary>
    public async Task<ServiceResult> AttachClaimProofAsync(Guid id, string? fileName, Stream proof, long length, CancellationToken ct)
    {
        var r = await db.Set<VoucherRedemption>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null || !MaySee(r))
        {
            return new ServiceResult.NotFound();
        }
        if (r.Mode != VoucherMode.Reimburse || r.CreatedBy != me.Id || ActsForProvider(r.ProviderOrganizationId))
        {
            return new ServiceResult.Forbidden();
        }
        if (r.Status != VoucherRedemptionStatus.Submitted || r.ProofSha256 is not null)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.WrongStatus", r.Status));
        }
        var (upload, problem) = await CheckProofAsync(fileName, proof, length, ct);
        if (upload is null)
        {
            var errors = new FieldErrors();
            errors.Add("file", problem!);
            return new ServiceResult.Invalid(errors);
        }
        using var buffer = new MemoryStream();
        await proof.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        db.Add(new VoucherRedemptionProof { RedemptionId = r.Id, FileName = upload.FileName, Content = bytes, UploadedBy = me.Id!.Value, UploadedAt = clock.GetUtcNow() });
        r.ProofSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        r.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.ChangedMeanwhile"));
        }
        return new ServiceResult.Ok();
    }

    /// <summary>A proof file as the submission accepts it: a PDF or an image up to <see cref="MaxProofBytes"/> (the stream is rewound).</summary>
    private static Task<(CheckedUpload? Upload, Message? Error)> CheckProofAsync(string? fileName, Stream proof, long length, CancellationToken ct) =>
        Uploads.CheckAsync(fileName, proof, length,
            Path.GetExtension(fileName ?? "").Equals(".pdf", StringComparison.OrdinalIgnoreCase) ? UploadKind.Document : UploadKind.Image, MaxProofBytes, ct);
}

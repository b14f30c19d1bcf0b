using System.Text;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.ServiceOrders;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>A voucher used on one finished use: a booking or a service order (one of them); E defaults to the whole fee.</summary>
public sealed record RedemptionInput(Guid? BookingId, Guid? ServiceOrderId, long? EligibleFeeFen = null, string? ScienceProjectNo = null,
    string? InvoiceNumber = null);

public sealed record RedemptionCreated(Guid Id, string Number, VoucherRedemptionStatus Status, long FeeFen, long SubsidyFen, long ShareFen, long LedgerTransactionId);

/// <summary>The issuing region's decision on a submitted redemption: approve A ≤ S (default S), or reject with a reason.</summary>
public sealed record RedemptionDecisionInput(bool Approve, long? ApprovedFen = null, bool? ProjectConfirmed = null, string? Reason = null);

public sealed record RedemptionDto(Guid Id, string Number, string VoucherCode, VoucherMode Mode, VoucherRedemptionStatus Status,
    Guid HolderOrganizationId, Guid ProviderOrganizationId, string IssuingRegionCode, string ProviderRegionCode, VoucherUseKind UseKind,
    Guid? BookingId, Guid? ServiceOrderId, long FeeFen, long EligibleFeeFen, int RatioNum, int RatioDen, string RatioRule, string? ScienceProjectNo,
    long SubsidyFen, long? ApprovedFen, long ShareFen, string? InvoiceNumber, bool HasProof, string? Reason,
    DateTimeOffset CreatedAt, DateTimeOffset? SubmittedAt, DateTimeOffset? DecidedAt, DateTimeOffset? PaidAt);

/// <summary>
/// Using a voucher (兑付, docs/vouchers.md): the holder redeems it on a finished use, the provider submits the invoice and
/// proof (通兑), the issuing region approves A ≤ S or rejects, returns it for correction, or the holder withdraws it.
/// Every change of money is one ledger posting in the same transaction as the redemption's row and the holder's quota.
/// </summary>
public sealed partial class VoucherRedemptions(AppDbContext db, VoucherLedger ledger, CurrentUser me, OrganizationDirectory organizations,
    BookingDirectory bookings, ServiceOrderDirectory orders, AuditLog audit, TimeProvider clock, ILogger<VoucherRedemptions> logger)
{
    public const long MaxProofBytes = 10L * 1024 * 1024;
    public const long MaxProofRequestBytes = MaxProofBytes + 64 * 1024;

    /// <summary>A finished use as the rules read it, whichever kind it is.</summary>
    private sealed record UseFacts(VoucherUseKind Kind, Guid Id, Guid ResourceId, Guid ProviderOrganizationId, Guid UserId, Guid HolderOrganizationId,
        bool Finished, bool Refunded, long FeeFen)
    {
        public VoucherServiceCategory Category => Kind == VoucherUseKind.Booking ? VoucherServiceCategory.InstrumentUse : VoucherServiceCategory.Testing;
    }

    public static string NumberOf(Guid id, DateTimeOffset createdAt) =>
        $"RD{createdAt.ToOffset(Display.ChinaStandardTime):yyyyMMdd}-{id.ToString("N")[^10..].ToUpperInvariant()}";

    /// <summary>Invoice numbers compared as written on paper: trimmed, full-width folded, upper case.</summary>
    public static string NormalizeInvoice(string? invoice) => (invoice ?? "").Trim().Normalize(NormalizationForm.FormKC).ToUpperInvariant();

    public async Task<(RedemptionCreated? Created, ServiceResult Result)> RedeemAsync(string code, RedemptionInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (input.BookingId is null == input.ServiceOrderId is null)
        {
            errors.Add("bookingId", new Message("Vouchers.UseRequired"));
        }
        if (input.EligibleFeeFen is <= 0)
        {
            errors.Add("eligibleFeeFen", new Message("Vouchers.EligibleFeeRange", long.MaxValue));
        }
        var project = string.IsNullOrWhiteSpace(input.ScienceProjectNo) ? null : input.ScienceProjectNo.Trim();
        if (project is { Length: > 60 })
        {
            errors.Add("scienceProjectNo", new Message("Vouchers.ScienceProjectNoTooLong"));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        if (me.Id is not { } caller)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var voucher = await db.Set<Voucher>().AsNoTracking().FirstOrDefaultAsync(v => v.Code == code, ct);
        // Another enterprise's code: not disclosed.
        if (voucher is null || !organizations.MyOrganizationIds().Contains(voucher.HolderOrganizationId))
        {
            return (null, new ServiceResult.NotFound());
        }
        var use = await UseAsync(input, ct);
        if (use is null || use.HolderOrganizationId != voucher.HolderOrganizationId)
        {
            return (null, new ServiceResult.NotFound());
        }
        // The use's user or the holder's administrator; never someone of the provider, whatever else they hold.
        if (use.UserId != caller && !me.HasInOrganization(PlatformRole.OrgAdmin, voucher.HolderOrganizationId) || ActsForProvider(use.ProviderOrganizationId))
        {
            return (null, new ServiceResult.Forbidden());
        }
        var programme = await db.Set<VoucherProgramme>().AsNoTracking().FirstAsync(p => p.Id == voucher.ProgrammeId, ct);
        var eligible = input.EligibleFeeFen ?? use.FeeFen;
        if (Refuse(voucher, programme, use, eligible) is { } refused)
        {
            return (null, refused);
        }
        var provider = await db.Set<VoucherProvider>().AsNoTracking().FirstOrDefaultAsync(p => p.OrganizationId == use.ProviderOrganizationId, ct);
        if (provider is null || provider.Status != VoucherProviderStatus.Approved || !provider.Categories.HasFlag(use.Category))
        {
            return (null, new ServiceResult.RuleBroken("provider", new Message("Vouchers.ProviderNotApproved")));
        }
        if (provider.RegionCode != programme.IssuingRegionCode && !programme.AllowOtherRegion)
        {
            return (null, new ServiceResult.RuleBroken("region", new Message("Vouchers.OtherRegionNotAllowed")));
        }
        if (!await organizations.IsConfirmedSmeAsync(voucher.HolderOrganizationId, programme.Year, ct))
        {
            return (null, new ServiceResult.RuleBroken("sme", new Message("Vouchers.SmeNotConfirmed", programme.Year)));
        }
        if (await organizations.AreRelatedAsync(voucher.HolderOrganizationId, use.ProviderOrganizationId, ct))
        {
            return (null, new ServiceResult.RuleBroken("relatedParties", new Message("Vouchers.RelatedParties")));
        }
        var (ratio, rule) = await RatioAsync(voucher, programme, project, ct);
        var invoice = NormalizeInvoice(input.InvoiceNumber);
        if (programme.Mode == VoucherMode.Reimburse && invoice.Length is 0 or > 60)
        {
            errors.Add("invoiceNumber", new Message("Vouchers.InvoiceRequired"));
            return (null, new ServiceResult.Invalid(errors));
        }
        // A deadlock (PostgreSQL, 40P01) is retried once: the lock order should rule it out.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RedeemLockedAsync(voucher, programme, provider, use, eligible, ratio, rule, project, invoice, caller, ct);
            }
            catch (Npgsql.PostgresException e) when (attempt == 1 && e.SqlState == Npgsql.PostgresErrorCodes.DeadlockDetected)
            {
                logger.LogWarning(e, "Redemption of voucher {Code} deadlocked; retrying once", voucher.Code);
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<(RedemptionCreated?, ServiceResult)> RedeemLockedAsync(Voucher voucher, VoucherProgramme programme, VoucherProvider provider, UseFacts use,
        long eligible, SubsidyRatio ratio, string rule, string? project, string invoice, Guid caller, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Lock order: the use, the voucher's account, the quota row; then the posting's accounts (VoucherLedger).
        var locked = await LockUseAsync(use, ct);
        if (locked is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        if (Refuse(voucher, programme, locked, eligible) is { } changed)
        {
            return (null, changed);
        }
        var voucherKey = LedgerKeys.Voucher(voucher.Id);
        long balance;
        long? annualLeft;
        if (db.Database.IsNpgsql())
        {
            balance = (await db.Database.SqlQuery<long>($"SELECT balance_fen AS \"Value\" FROM voucher_ledger_accounts WHERE key = {voucherKey} FOR UPDATE").ToListAsync(ct)).Single();
            var quota = await db.Database.SqlQuery<QuotaRow>(
                $"SELECT cap_fen AS \"CapFen\", used_fen AS \"UsedFen\" FROM voucher_holder_quotas WHERE programme_id = {programme.Id} AND organization_id = {voucher.HolderOrganizationId} FOR UPDATE")
                .ToListAsync(ct);
            annualLeft = quota.Count == 0 ? null : quota[0].CapFen - quota[0].UsedFen;
        }
        else
        {
            balance = await db.Set<VoucherLedgerAccount>().AsNoTracking().Where(a => a.Key == voucherKey).Select(a => a.BalanceFen).SingleAsync(ct);
            var quota = await db.Set<VoucherHolderQuota>().AsNoTracking()
                .FirstOrDefaultAsync(q => q.ProgrammeId == programme.Id && q.OrganizationId == voucher.HolderOrganizationId, ct);
            annualLeft = quota?.CapFen - quota?.UsedFen;
        }
        var existing = await db.Set<VoucherRedemption>().AsNoTracking()
            .Where(r => VoucherRedemption.Live.Contains(r.Status) && (use.Kind == VoucherUseKind.Booking ? r.BookingId == use.Id : r.ServiceOrderId == use.Id))
            .Select(r => r.Number).FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            return (null, new ServiceResult.Conflict(new Message("Vouchers.UseAlreadyRedeemed", existing)));
        }
        var subsidy = SubsidyRule.Compute(eligible, ratio, programme.PerClaimCapFen, balance, annualLeft);
        if (subsidy <= 0)
        {
            return (null, new ServiceResult.RuleBroken("nothingToPay", new Message("Vouchers.NothingToPay")));
        }
        var now = clock.GetUtcNow();
        var payee = programme.Mode == VoucherMode.Redeem ? use.ProviderOrganizationId : voucher.HolderOrganizationId;
        var redemption = new VoucherRedemption
        {
            Id = Guid.CreateVersion7(),
            VoucherId = voucher.Id,
            ProgrammeId = programme.Id,
            Mode = programme.Mode,
            HolderOrganizationId = voucher.HolderOrganizationId,
            ProviderOrganizationId = use.ProviderOrganizationId,
            PayeeOrganizationId = payee,
            IssuingRegionCode = programme.IssuingRegionCode,
            ProviderRegionCode = provider.RegionCode,
            UseKind = use.Kind,
            BookingId = use.Kind == VoucherUseKind.Booking ? use.Id : null,
            ServiceOrderId = use.Kind == VoucherUseKind.ServiceOrder ? use.Id : null,
            ResourceId = use.ResourceId,
            FeeFen = use.FeeFen,
            EligibleFeeFen = eligible,
            RatioNum = ratio.Num,
            RatioDen = ratio.Den,
            RatioRule = rule,
            ScienceProjectNo = project,
            SubsidyFen = subsidy,
            ShareFen = use.FeeFen - subsidy,
            // 通用: the enterprise paid in full and claims with its invoice at once; 通兑: the provider submits later.
            Status = programme.Mode == VoucherMode.Redeem ? VoucherRedemptionStatus.Reserved : VoucherRedemptionStatus.Submitted,
            InvoiceNumber = programme.Mode == VoucherMode.Reimburse ? invoice : null,
            SubmittedBy = programme.Mode == VoucherMode.Reimburse ? caller : null,
            SubmittedAt = programme.Mode == VoucherMode.Reimburse ? now : null,
            CreatedBy = caller,
            CreatedAt = now,
        };
        redemption.Number = NumberOf(redemption.Id, now);
        db.Add(redemption);
        try
        {
            await ChangeQuotaAsync(programme.Id, voucher.HolderOrganizationId, subsidy, ct);
            var voucherAccount = await ledger.FindAsync(voucherKey, ct) ?? throw new InvalidOperationException($"No account {voucherKey}.");
            var pending = await ledger.AccountAsync(LedgerKeys.Pending(programme.Id, payee), programme.Id, LedgerAccountKind.Pending, null, payee, ct);
            var txId = await ledger.PostAsync(Posting(redemption, LedgerEvent.Redeem, [new(pending, subsidy), new(voucherAccount, -subsidy)]), ct);
            await tx.CommitAsync(ct);
            return (new RedemptionCreated(redemption.Id, redemption.Number, redemption.Status, redemption.FeeFen, subsidy, redemption.ShareFen, txId), new ServiceResult.Ok());
        }
        catch (VoucherLedgerRefusedException refused)
        {
            return (null, new ServiceResult.Conflict(refused.Reason));
        }
        catch (DbUpdateException e) when (VoucherProblems.Is(e, "ix_voucher_redemptions_live"))
        {
            return (null, new ServiceResult.Conflict(new Message("Vouchers.UseAlreadyRedeemed", "")));
        }
        catch (DbUpdateException e) when (VoucherProblems.Is(e, "invoice_number"))
        {
            return (null, new ServiceResult.Conflict(new Message("Vouchers.InvoiceUsed", invoice)));
        }
        catch (Exception e) when (VoucherProblems.IsCheckViolation(e))
        {
            // The engine's backstop caught what the code should have: a bug, not a user's mistake.
            logger.LogError(e, "A voucher CHECK refused the redemption of {Code}", voucher.Code);
            return (null, new ServiceResult.Conflict(new Message("Vouchers.InsufficientBalance")));
        }
    }

    private sealed record QuotaRow(long? CapFen, long UsedFen);

    /// <summary>The rules on the voucher and the use that can change while a request waits: checked before and again under the locks.</summary>
    private ServiceResult? Refuse(Voucher voucher, VoucherProgramme programme, UseFacts use, long eligible)
    {
        if (!use.Finished)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.UseNotCompleted"));
        }
        if (use.Refunded)
        {
            return new ServiceResult.Conflict(new Message("Vouchers.UseRefunded"));
        }
        if (use.FeeFen <= 0)
        {
            return new ServiceResult.RuleBroken("fee", new Message("Vouchers.FeeNotPositive"));
        }
        if (eligible > use.FeeFen)
        {
            var errors = new FieldErrors();
            errors.Add("eligibleFeeFen", new Message("Vouchers.EligibleFeeRange", use.FeeFen));
            return new ServiceResult.Invalid(errors);
        }
        var today = ChinaTime.Today(clock);
        if (voucher.Status != VoucherStatus.Active || today > voucher.UseUntil)
        {
            return new ServiceResult.RuleBroken("expired", new Message("Vouchers.Expired", voucher.UseUntil.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (!programme.Categories.HasFlag(use.Category))
        {
            return new ServiceResult.RuleBroken("category", new Message("Vouchers.CategoryNotCovered"));
        }
        return null;
    }

    private async Task<UseFacts?> UseAsync(RedemptionInput input, CancellationToken ct)
    {
        if (input.BookingId is { } bookingId)
        {
            var b = await bookings.Uses().FirstOrDefaultAsync(u => u.BookingId == bookingId, ct);
            return b is null ? null : Facts(b);
        }
        var o = await orders.Orders().FirstOrDefaultAsync(u => u.OrderId == input.ServiceOrderId, ct);
        return o is null ? null : Facts(o);
    }

    private async Task<UseFacts?> LockUseAsync(UseFacts use, CancellationToken ct)
    {
        if (use.Kind == VoucherUseKind.Booking)
        {
            return await bookings.LockUseAsync(use.Id, ct) is { } b ? Facts(b) : null;
        }
        return await orders.LockUseAsync(use.Id, ct) is { } o ? Facts(o) : null;
    }

    private static UseFacts Facts(BookingUseRef b) => new(VoucherUseKind.Booking, b.BookingId, b.ResourceId, b.OwnerOrganizationId, b.UserId,
        b.UserOrganizationId, b.Finished, b.RefundedAt is not null, b.FeeFen ?? 0);

    private static UseFacts Facts(ServiceOrderUseRef o) => new(VoucherUseKind.ServiceOrder, o.OrderId, o.ResourceId, o.OwnerOrganizationId, o.RequesterId,
        o.RequesterOrganizationId, o.Finished, o.RefundedAt is not null, o.QuoteFen ?? 0);

    /// <summary>Whether the caller holds any role in the provider's organisation: a provider never acts for the enterprise.</summary>
    private bool ActsForProvider(Guid providerOrganizationId) => me.Grants.Any(g => g.OrganizationId == providerOrganizationId);

    /// <summary>The highest applicable ratio: the voucher's own, or the plan-project tier when a project number is declared.</summary>
    private async Task<(SubsidyRatio Ratio, string Rule)> RatioAsync(Voucher voucher, VoucherProgramme programme, string? project, CancellationToken ct)
    {
        var own = new SubsidyRatio(voucher.RatioNum, voucher.RatioDen);
        if (project is null)
        {
            return (own, "Base");
        }
        var tier = await db.Set<VoucherRatioRule>().AsNoTracking()
            .Where(r => r.ProgrammeId == programme.Id && r.Condition == VoucherRatioCondition.MunicipalScienceProject)
            .Select(r => new SubsidyRatio(r.RatioNum, r.RatioDen)).FirstOrDefaultAsync(ct);
        return tier.IsValid && tier.IsGreaterThan(own) ? (tier, nameof(VoucherRatioCondition.MunicipalScienceProject)) : (own, "Base");
    }

    /// <summary>Moves the holder's used amount by <paramref name="deltaFen"/>, refused (as a lack of balance) beyond the cap.</summary>
    private async Task ChangeQuotaAsync(Guid programmeId, Guid holder, long deltaFen, CancellationToken ct)
    {
        if (deltaFen == 0)
        {
            return;
        }
        var changed = await db.Database.ExecuteSqlAsync($"""
            UPDATE voucher_holder_quotas SET used_fen = used_fen + {deltaFen}
            WHERE programme_id = {programmeId} AND organization_id = {holder} AND used_fen + {deltaFen} >= 0
              AND (cap_fen IS NULL OR used_fen + {deltaFen} <= cap_fen)
            """, ct);
        if (changed == 0 && deltaFen > 0 && await db.Set<VoucherHolderQuota>().AnyAsync(q => q.ProgrammeId == programmeId && q.OrganizationId == holder, ct))
        {
            throw new VoucherLedgerRefusedException(new Message("Vouchers.InsufficientBalance"));
        }
    }

    private static LedgerPosting Posting(VoucherRedemption r, LedgerEvent e, IReadOnlyList<LedgerLeg> legs) =>
        new(r.ProgrammeId, e, r.IssuingRegionCode, legs) { ProviderRegionCode = r.ProviderRegionCode, RedemptionId = r.Id, VoucherId = r.VoucherId };
}

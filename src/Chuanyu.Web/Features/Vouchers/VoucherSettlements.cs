using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>A quarter, China time, as the ledger stores it (year × 10 + quarter) and as URLs write it (2026Q3).</summary>
public readonly partial record struct SettlementQuarter(int Value)
{
    public int Year => Value / 10;
    public int Number => Value % 10;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year}Q{Number}");

    /// <summary>The instant the quarter ends (the first instant of the next one), China time.</summary>
    public DateTimeOffset EndsAt => new DateTimeOffset(Year, 1, 1, 0, 0, 0, Display.ChinaStandardTime).AddMonths(Number * 3);

    public static SettlementQuarter Of(DateTimeOffset instant) => new(VoucherLedger.QuarterOf(instant));

    public SettlementQuarter Previous => Number == 1 ? new((Year - 1) * 10 + 4) : new(Value - 1);

    public static bool TryParse(string? text, out SettlementQuarter quarter)
    {
        quarter = default;
        var m = Pattern().Match(text ?? "");
        if (!m.Success)
        {
            return false;
        }
        quarter = new(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 10 + int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        return true;
    }

    [GeneratedRegex("^(20[0-9]{2})Q([1-4])$")]
    private static partial Regex Pattern();
}

/// <summary>What a quarter's flows between an issuing region and a provider region add up to (fen), and how many redemptions were made.</summary>
public sealed record SettlementTotals(long RedeemedFen, long ApprovedFen, long PaidFen, long ReversedFen, long OutstandingFen, int Redemptions);

public sealed record SettlementConfirmation(Guid? By, DateTimeOffset? At);

/// <summary>
/// A statement: the totals (frozen ones once the first region confirmed), the file's SHA-256 and signature once frozen,
/// and both confirmations.
/// </summary>
public sealed record SettlementStatement(string Quarter, string IssuingRegionCode, string ProviderRegionCode, SettlementTotals Totals,
    VoucherSettlementStatus Status, bool QuarterEnded, string? FileSha256, string? Signature, SettlementConfirmation Issuer, SettlementConfirmation Provider,
    bool CanConfirm);

/// <summary>One redemption's flows in the quarter, with what the redemption is.</summary>
public sealed record SettlementLine(Guid RedemptionId, string Number, VoucherRedemptionStatus Status, Guid HolderOrganizationId, string HolderName,
    Guid ProviderOrganizationId, string ProviderName, VoucherUseKind UseKind, long FeeFen, long SubsidyFen, long? ApprovedFen, string? InvoiceNumber,
    long RedeemedFen, long ApprovedInQuarterFen, long PaidFen, long ReversedFen, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, DateTimeOffset? PaidAt);

/// <summary>A page of the drill-down: keyset on the redemption id (<c>after</c> = the last one shown).</summary>
public sealed record SettlementPage(IReadOnlyList<SettlementLine> Items, Guid? Next);

public sealed record SettlementConfirmInput(string? FileSha256);

/// <summary>
/// Settlement between the regions (跨区域结算, docs/vouchers.md §5): per quarter (China time) and pair (issuing region →
/// the region where the service was given), the amounts redeemed, approved, paid and reversed, and what is still owed,
/// summed from the ledger's entries by the covering index; the drill-down to each redemption; the signed statement; and
/// the confirmation by an administrator of each region after the quarter ended. Entries are dated when posted, so a
/// closed quarter never changes: a late reversal lands in the quarter it is posted in.
/// </summary>
public sealed partial class VoucherSettlements(AppDbContext db, VoucherExports exports, CurrentUser me, OrganizationDirectory organizations, AuditLog audit,
    TimeProvider clock)
{
    public const int PageSize = 50;

    private static readonly LedgerAccountKind[] Flows = [LedgerAccountKind.Pending, LedgerAccountKind.Payable, LedgerAccountKind.PaidOut];
    private static readonly string[] DetailColumns =
    [
        "Number", "Status", "Holder", "Provider", "Use", "Fee", "Subsidy", "ApprovedTotal", "Invoice",
        "RedeemedInQuarter", "ApprovedInQuarter", "PaidInQuarter", "ReversedInQuarter", "CreatedAt", "DecidedAt", "PaidAt",
    ];

    private static readonly LedgerEvent[] Reversals = [LedgerEvent.Withdraw, LedgerEvent.Reject, LedgerEvent.Lapse, LedgerEvent.Reverse];

    /// <summary>An administrator of either region of the pair.</summary>
    public bool MayRead(string issuer, string provider) =>
        me.HasInRegion(PlatformRole.RegionAdmin, issuer) || me.HasInRegion(PlatformRole.RegionAdmin, provider);

    /// <summary>The quarter's statements of the pairs the caller may read: those with flows in the quarter, and those already confirmed.</summary>
    public async Task<IReadOnlyList<SettlementStatement>> ListAsync(SettlementQuarter quarter, CancellationToken ct)
    {
        var regions = me.AdminRegions.ToList();
        var q = quarter.Value;
        var withFlows = await db.Set<VoucherLedgerEntry>().AsNoTracking()
            .Where(e => e.Quarter == q && e.ProviderRegionCode != null && (regions.Contains(e.IssuingRegionCode) || regions.Contains(e.ProviderRegionCode!)))
            .Select(e => new { e.IssuingRegionCode, Provider = e.ProviderRegionCode! }).Distinct().ToListAsync(ct);
        var stored = await db.Set<VoucherSettlement>().AsNoTracking()
            .Where(s => s.Quarter == q && (regions.Contains(s.IssuingRegionCode) || regions.Contains(s.ProviderRegionCode)))
            .Select(s => new { s.IssuingRegionCode, Provider = s.ProviderRegionCode }).ToListAsync(ct);
        var pairs = withFlows.Concat(stored).Distinct().OrderBy(p => p.IssuingRegionCode, StringComparer.Ordinal).ThenBy(p => p.Provider, StringComparer.Ordinal);
        var list = new List<SettlementStatement>();
        foreach (var p in pairs)
        {
            list.Add(await StatementAsync(quarter, p.IssuingRegionCode, p.Provider, ct));
        }
        return list;
    }

    /// <summary>One pair's statement, or null when the caller administers neither region (404).</summary>
    public async Task<SettlementStatement?> GetAsync(SettlementQuarter quarter, string issuer, string provider, CancellationToken ct) =>
        MayRead(issuer, provider) ? await StatementAsync(quarter, issuer, provider, ct) : null;

    /// <summary>The totals from the ledger (design §5): the settlement index covers the query; outstanding sums every Payable leg up to the quarter.</summary>
    public async Task<SettlementTotals> TotalsAsync(SettlementQuarter quarter, string issuer, string provider, CancellationToken ct)
    {
        var q = quarter.Value;
        var flows = await db.Set<VoucherLedgerEntry>().AsNoTracking()
            .Where(e => e.Quarter == q && e.IssuingRegionCode == issuer && e.ProviderRegionCode == provider && Flows.Contains(e.AccountKind))
            .GroupBy(e => new { e.AccountKind, e.Event })
            .Select(g => new { g.Key.AccountKind, g.Key.Event, Sum = g.Sum(e => e.AmountFen), Count = g.Count() })
            .ToListAsync(ct);
        var outstanding = await db.Set<VoucherLedgerEntry>().AsNoTracking()
            .Where(e => e.Quarter <= q && e.IssuingRegionCode == issuer && e.ProviderRegionCode == provider && e.AccountKind == LedgerAccountKind.Payable)
            .SumAsync(e => e.AmountFen, ct);
        long Sum(LedgerAccountKind kind, LedgerEvent e) => flows.Where(f => f.AccountKind == kind && f.Event == e).Sum(f => f.Sum);
        // Each reversal leg leaves Pending or Payable (a negative amount there); the money goes back to a voucher or the budget.
        var reversed = -flows.Where(f => f.AccountKind is LedgerAccountKind.Pending or LedgerAccountKind.Payable && Reversals.Contains(f.Event)).Sum(f => f.Sum);
        var redemptions = flows.Where(f => f.AccountKind == LedgerAccountKind.Pending && f.Event == LedgerEvent.Redeem).Sum(f => f.Count);
        return new SettlementTotals(Sum(LedgerAccountKind.Pending, LedgerEvent.Redeem), Sum(LedgerAccountKind.Payable, LedgerEvent.Approve),
            Sum(LedgerAccountKind.PaidOut, LedgerEvent.Pay), reversed, outstanding, redemptions);
    }

    /// <summary>
    /// The next <see cref="PageSize"/> redemptions with flows in the quarter after <paramref name="after"/>: a keyset on
    /// the drill-down index (it stops after as many groups), then one read of their sums and one of the redemptions.
    /// </summary>
    public async Task<SettlementPage?> RedemptionsAsync(SettlementQuarter quarter, string issuer, string provider, Guid? after, CancellationToken ct, int pageSize = PageSize)
    {
        if (!MayRead(issuer, provider))
        {
            return null;
        }
        var q = quarter.Value;
        var keys = db.Set<VoucherLedgerEntry>().AsNoTracking()
            .Where(e => e.Quarter == q && e.IssuingRegionCode == issuer && e.ProviderRegionCode == provider && e.RedemptionId != null);
        if (after is { } a)
        {
            keys = keys.Where(e => e.RedemptionId!.Value.CompareTo(a) > 0);
        }
        var ids = await keys.GroupBy(e => e.RedemptionId!.Value).Select(g => g.Key).OrderBy(id => id).Take(pageSize + 1).ToListAsync(ct);
        var more = ids.Count > pageSize;
        ids = [.. ids.Take(pageSize)];
        if (ids.Count == 0)
        {
            return new SettlementPage([], null);
        }
        var sums = await db.Set<VoucherLedgerEntry>().AsNoTracking()
            .Where(e => e.Quarter == q && e.IssuingRegionCode == issuer && e.ProviderRegionCode == provider && ids.Contains(e.RedemptionId!.Value)
                && Flows.Contains(e.AccountKind))
            .Select(e => new { Id = e.RedemptionId!.Value, e.AccountKind, e.Event, e.AmountFen })
            .ToListAsync(ct);
        var rows = await db.Set<VoucherRedemption>().AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var names = await organizations.NamesAsync(rows.Values.SelectMany(r => new[] { r.HolderOrganizationId, r.ProviderOrganizationId }).Distinct(), ct);
        var lines = ids.Where(rows.ContainsKey).Select(id =>
        {
            var r = rows[id];
            var mine = sums.Where(s => s.Id == id).ToList();
            long Sum(LedgerAccountKind kind, LedgerEvent e) => mine.Where(s => s.AccountKind == kind && s.Event == e).Sum(s => s.AmountFen);
            var reversed = -mine.Where(s => s.AccountKind is LedgerAccountKind.Pending or LedgerAccountKind.Payable && Reversals.Contains(s.Event)).Sum(s => s.AmountFen);
            return new SettlementLine(r.Id, r.Number, r.Status, r.HolderOrganizationId, names.GetValueOrDefault(r.HolderOrganizationId, ""),
                r.ProviderOrganizationId, names.GetValueOrDefault(r.ProviderOrganizationId, ""), r.UseKind, r.FeeFen, r.SubsidyFen, r.ApprovedFen,
                r.InvoiceNumber, Sum(LedgerAccountKind.Pending, LedgerEvent.Redeem), Sum(LedgerAccountKind.Payable, LedgerEvent.Approve),
                Sum(LedgerAccountKind.PaidOut, LedgerEvent.Pay), reversed, r.CreatedAt, r.DecidedAt, r.PaidAt);
        }).ToList();
        return new SettlementPage(lines, more ? ids[^1] : null);
    }

    /// <summary>
    /// The statement as a signed .xlsx: sheet 汇总 (the totals) and sheet 明细 (one streamed row per redemption). Once a
    /// region confirmed, the frozen file is returned as it was confirmed; before that the file is made from the ledger,
    /// and for an ended quarter its bytes are the same at every export (its date is the quarter's end).
    /// </summary>
    public async Task<(SignedExport? File, ServiceResult Result)> ExportAsync(SettlementQuarter quarter, string issuer, string provider, CancellationToken ct)
    {
        if (!MayRead(issuer, provider))
        {
            return (null, new ServiceResult.NotFound());
        }
        var settlement = await FindAsync(quarter, issuer, provider, ct);
        if (settlement is not null)
        {
            var frozen = await db.Set<VoucherSettlementFile>().AsNoTracking().FirstAsync(f => f.SettlementId == settlement.Id, ct);
            var stream = new MemoryStream(frozen.Content, writable: false);
            return (new SignedExport(stream, frozen.FileName, settlement.FileSha256!, settlement.Signature), new ServiceResult.Ok());
        }
        var file = await WriteAsync(quarter, issuer, provider, await TotalsAsync(quarter, issuer, provider, ct), ct);
        await audit.RecordAsync("voucher.settlement.export", Target(quarter, issuer, provider), detail: $"sha256={file.Sha256}", ct: ct);
        return (file, new ServiceResult.Ok());
    }

    /// <summary>
    /// An administrator of a region of the pair confirms the statement whose file has <paramref name="input"/>'s SHA-256,
    /// after the quarter ended (409 before). The first confirmation freezes the totals, the file and its signature; the
    /// second must name the same file (409 otherwise) and settles it. A pair inside one region needs one confirmation.
    /// </summary>
    public async Task<ServiceResult> ConfirmAsync(SettlementQuarter quarter, string issuer, string provider, SettlementConfirmInput input, CancellationToken ct)
    {
        if (!MayRead(issuer, provider))
        {
            return new ServiceResult.NotFound();
        }
        var hash = input.FileSha256?.Trim().ToLowerInvariant();
        if (hash is null || !Sha256Pattern().IsMatch(hash))
        {
            var errors = new FieldErrors();
            errors.Add("fileSha256", new Message("VoucherSettlement.HashRequired"));
            return new ServiceResult.Invalid(errors);
        }
        var now = clock.GetUtcNow();
        if (now < quarter.EndsAt)
        {
            return new ServiceResult.Conflict(new Message("VoucherSettlement.QuarterOpen", quarter.ToString()));
        }
        var asIssuer = me.HasInRegion(PlatformRole.RegionAdmin, issuer);
        var asProvider = me.HasInRegion(PlatformRole.RegionAdmin, provider);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var settlement = await FindAsync(quarter, issuer, provider, ct);
        if (settlement is null)
        {
            var totals = await TotalsAsync(quarter, issuer, provider, ct);
            using var file = await WriteAsync(quarter, issuer, provider, totals, ct);
            if (!string.Equals(file.Sha256, hash, StringComparison.Ordinal))
            {
                return new ServiceResult.Conflict(new Message("VoucherSettlement.HashMismatch"));
            }
            using var bytes = new MemoryStream();
            await file.Content.CopyToAsync(bytes, ct);
            settlement = new VoucherSettlement
            {
                Id = Guid.CreateVersion7(),
                Quarter = quarter.Value,
                IssuingRegionCode = issuer,
                ProviderRegionCode = provider,
                RedeemedFen = totals.RedeemedFen,
                ApprovedFen = totals.ApprovedFen,
                PaidFen = totals.PaidFen,
                ReversedFen = totals.ReversedFen,
                OutstandingFen = totals.OutstandingFen,
                Redemptions = totals.Redemptions,
                FileSha256 = file.Sha256,
                Signature = file.Signature,
                Status = VoucherSettlementStatus.Open,
            };
            db.Add(settlement);
            db.Add(new VoucherSettlementFile { SettlementId = settlement.Id, FileName = file.FileName, Content = bytes.ToArray() });
        }
        else if (!string.Equals(settlement.FileSha256, hash, StringComparison.Ordinal))
        {
            return new ServiceResult.Conflict(new Message("VoucherSettlement.HashMismatch"));
        }
        // Each side once: the issuer's administrator for the issuer, the provider region's for the provider.
        string side;
        if (asIssuer && settlement.IssuerConfirmedAt is null)
        {
            (settlement.IssuerConfirmedBy, settlement.IssuerConfirmedAt, side) = (me.Id, now, "issuer");
            if (issuer == provider)
            {
                (settlement.ProviderConfirmedBy, settlement.ProviderConfirmedAt) = (me.Id, now);
            }
        }
        else if (asProvider && settlement.ProviderConfirmedAt is null)
        {
            (settlement.ProviderConfirmedBy, settlement.ProviderConfirmedAt, side) = (me.Id, now, "provider");
        }
        else
        {
            return new ServiceResult.Conflict(new Message("VoucherSettlement.AlreadyConfirmed"));
        }
        if (settlement.IssuerConfirmedAt is not null && settlement.ProviderConfirmedAt is not null)
        {
            settlement.Status = VoucherSettlementStatus.Settled;
        }
        settlement.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The other region confirmed at the same moment (the version, or the unique pair): the caller tries again.
            return new ServiceResult.Conflict(new Message("Vouchers.ChangedMeanwhile"));
        }
        await audit.RecordAsync("voucher.settlement.confirm", Target(quarter, issuer, provider),
            detail: $"side={side}; sha256={hash}; status={settlement.Status}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    private async Task<SettlementStatement> StatementAsync(SettlementQuarter quarter, string issuer, string provider, CancellationToken ct)
    {
        var s = await FindAsync(quarter, issuer, provider, ct);
        var totals = s is null
            ? await TotalsAsync(quarter, issuer, provider, ct)
            : new SettlementTotals(s.RedeemedFen, s.ApprovedFen, s.PaidFen, s.ReversedFen, s.OutstandingFen, s.Redemptions);
        var ended = clock.GetUtcNow() >= quarter.EndsAt;
        var canConfirm = ended && s?.Status != VoucherSettlementStatus.Settled
            && (me.HasInRegion(PlatformRole.RegionAdmin, issuer) && s?.IssuerConfirmedAt is null
                || me.HasInRegion(PlatformRole.RegionAdmin, provider) && s?.ProviderConfirmedAt is null);
        return new SettlementStatement(quarter.ToString(), issuer, provider, totals, s?.Status ?? VoucherSettlementStatus.Open, ended, s?.FileSha256, s?.Signature,
            new SettlementConfirmation(s?.IssuerConfirmedBy, s?.IssuerConfirmedAt), new SettlementConfirmation(s?.ProviderConfirmedBy, s?.ProviderConfirmedAt),
            canConfirm);
    }

    private Task<VoucherSettlement?> FindAsync(SettlementQuarter quarter, string issuer, string provider, CancellationToken ct) =>
        db.Set<VoucherSettlement>().FirstOrDefaultAsync(s => s.Quarter == quarter.Value && s.IssuingRegionCode == issuer && s.ProviderRegionCode == provider, ct);

    private async Task<SignedExport> WriteAsync(SettlementQuarter quarter, string issuer, string provider, SettlementTotals t, CancellationToken ct)
    {
        // An ended quarter's file is dated at its end, so it is the same file at every export; a running one is dated now.
        var now = clock.GetUtcNow();
        var asOf = now < quarter.EndsAt ? now : quarter.EndsAt;
        var title = VoucherExports.Text("Settlement.Title", quarter.ToString(), issuer, provider);
        var watermark = new List<string>
        {
            title,
            now < quarter.EndsAt ? VoucherExports.Text("Settlement.Running", Display.DateTime(now)) : VoucherExports.Text("Settlement.Closed", Display.DateTime(asOf)),
            exports.SignatureLine(),
        };
        string[] summaryHeaders = [VoucherExports.Text("Settlement.Item"), VoucherExports.Text("Settlement.AmountFen"), VoucherExports.Text("Settlement.AmountYuan")];
        object?[] Line(string key, long fen) => [VoucherExports.Text("Settlement." + key), fen, VoucherExports.Yuan(fen)];
        object?[][] summary =
        [
            Line("Redeemed", t.RedeemedFen), Line("Approved", t.ApprovedFen), Line("Paid", t.PaidFen), Line("Reversed", t.ReversedFen),
            Line("Outstanding", t.OutstandingFen), [VoucherExports.Text("Settlement.Redemptions"), (long)t.Redemptions, null],
        ];
        string[] detailHeaders = [.. DetailColumns.Select(h => VoucherExports.Text("Settlement.Detail." + h))];
        return await exports.WriteAsync($"chuanyu-settlement-{quarter}-{issuer}-{provider}.xlsx", title, watermark,
        [
            new ExportSheet(VoucherExports.Text("Settlement.SummarySheet"), summaryHeaders, summary.ToAsyncEnumerable()),
            new ExportSheet(VoucherExports.Text("Settlement.DetailSheet"), detailHeaders, DetailRows(quarter, issuer, provider, ct)),
        ], asOf, ct);
    }

    private async IAsyncEnumerable<object?[]> DetailRows(SettlementQuarter quarter, string issuer, string provider, [EnumeratorCancellation] CancellationToken ct)
    {
        Guid? after = null;
        do
        {
            var page = await RedemptionsAsync(quarter, issuer, provider, after, ct, 500);
            foreach (var l in page!.Items)
            {
                yield return
                [
                    l.Number, Messages.Translate(Messages.Label(l.Status), CultureInfo.GetCultureInfo("zh-CN")), l.HolderName, l.ProviderName,
                    Messages.Translate(Messages.Label(l.UseKind), CultureInfo.GetCultureInfo("zh-CN")), l.FeeFen, l.SubsidyFen, l.ApprovedFen, l.InvoiceNumber,
                    l.RedeemedFen, l.ApprovedInQuarterFen, l.PaidFen, l.ReversedFen,
                    Display.DateTime(l.CreatedAt), l.DecidedAt is { } d ? Display.DateTime(d) : null, l.PaidAt is { } p ? Display.DateTime(p) : null,
                ];
            }
            after = page.Next;
        }
        while (after is not null);
    }

    private static string Target(SettlementQuarter quarter, string issuer, string provider) => $"voucher-settlement:{quarter}:{issuer}-{provider}";

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}

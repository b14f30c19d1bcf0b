using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>The suspicious patterns of docs/vouchers.md ("Anti-fraud"): listed for the issuing region's administrator, never refused.</summary>
public enum VoucherAlertPattern
{
    /// <summary>(a) ≥ 3 redemptions by one holder at one provider at ≥ 90 % of the per-claim cap</summary>
    NearCap,

    /// <summary>(b) ≥ 3 uses of one resource by one holder within 7 days, together above the per-claim cap (split orders)</summary>
    SplitUses,

    /// <summary>(c) one proof file on two or more redemptions</summary>
    SharedProof,

    /// <summary>(d) one holder with more than half of a provider's redemptions</summary>
    DominantHolder,
}

/// <summary>One finding: the pattern, who, the redemptions behind it (numbers) and what they add up to.</summary>
public sealed record VoucherAlert(VoucherAlertPattern Pattern, Guid? HolderOrganizationId, string? HolderName, Guid? ProviderOrganizationId,
    string? ProviderName, Guid? ResourceId, string? ProofSha256, int Count, long SubsidyFen, IReadOnlyList<string> Redemptions);

/// <summary>
/// The suspicious patterns over the last <see cref="WindowDays"/> days of redemptions the caller's regions issued
/// (whatever their status: a refused attempt is a lead too). Read in memory from one projection of the window.
/// </summary>
public sealed class VoucherAlerts(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, TimeProvider clock)
{
    public const int WindowDays = 180;
    public const int MinRedemptions = 3;
    public const int SplitDays = 7;

    /// <summary>A provider's redemptions needed before one holder's share counts as dominant (fewer say nothing).</summary>
    public const int DominantMinimum = 4;

    private sealed record Row(Guid Id, string Number, Guid Holder, Guid Provider, Guid ResourceId, string? Proof, long Subsidy, long? Cap, DateTimeOffset CreatedAt);

    public async Task<IReadOnlyList<VoucherAlert>> FindAsync(CancellationToken ct)
    {
        var regions = me.AdminRegions.ToList();
        var since = clock.GetUtcNow().AddDays(-WindowDays);
        var rows = await (
            from r in db.Set<VoucherRedemption>().AsNoTracking()
            join p in db.Set<VoucherProgramme>() on r.ProgrammeId equals p.Id
            where regions.Contains(r.IssuingRegionCode) && r.CreatedAt >= since && r.UseKind != VoucherUseKind.Synthetic
            select new Row(r.Id, r.Number, r.HolderOrganizationId, r.ProviderOrganizationId, r.ResourceId, r.ProofSha256, r.SubsidyFen, p.PerClaimCapFen, r.CreatedAt))
            .ToListAsync(ct);
        var alerts = new List<VoucherAlert>();
        // (a) Just under the cap, again and again, at one provider.
        foreach (var g in rows.Where(r => r.Cap is { } cap && r.Subsidy * 10 >= cap * 9).GroupBy(r => (r.Holder, r.Provider)).Where(g => g.Count() >= MinRedemptions))
        {
            alerts.Add(Alert(VoucherAlertPattern.NearCap, g.Key.Holder, g.Key.Provider, null, null, [.. g]));
        }
        // (b) Split orders: within any 7 days, ≥ 3 uses of one resource whose subsidies together pass the cap one claim would have met.
        foreach (var g in rows.Where(r => r.Cap is not null).GroupBy(r => (r.Holder, r.ResourceId)))
        {
            var uses = g.OrderBy(r => r.CreatedAt).ToList();
            for (var i = 0; i < uses.Count; i++)
            {
                var window = uses.Skip(i).TakeWhile(r => r.CreatedAt - uses[i].CreatedAt <= TimeSpan.FromDays(SplitDays)).ToList();
                if (window.Count >= MinRedemptions && window.Sum(r => r.Subsidy) > uses[i].Cap)
                {
                    alerts.Add(Alert(VoucherAlertPattern.SplitUses, g.Key.Holder, window[0].Provider, g.Key.ResourceId, null, window));
                    break;
                }
            }
        }
        // (c) One proof of payment on two redemptions.
        foreach (var g in rows.Where(r => r.Proof is not null).GroupBy(r => r.Proof!).Where(g => g.Count() >= 2))
        {
            alerts.Add(Alert(VoucherAlertPattern.SharedProof, null, null, null, g.Key, [.. g]));
        }
        // (d) One holder > 50 % of a provider's redemptions.
        foreach (var provider in rows.GroupBy(r => r.Provider).Where(g => g.Count() >= DominantMinimum))
        {
            foreach (var holder in provider.GroupBy(r => r.Holder).Where(h => h.Count() * 2 > provider.Count()))
            {
                alerts.Add(Alert(VoucherAlertPattern.DominantHolder, holder.Key, provider.Key, null, null, [.. holder]));
            }
        }
        var names = await organizations.NamesAsync(alerts.SelectMany(a => new[] { a.HolderOrganizationId, a.ProviderOrganizationId }).OfType<Guid>().Distinct(), ct);
        return [.. alerts.Select(a => a with
        {
            HolderName = a.HolderOrganizationId is { } h ? names.GetValueOrDefault(h) : null,
            ProviderName = a.ProviderOrganizationId is { } p ? names.GetValueOrDefault(p) : null,
        })];
    }

    private static VoucherAlert Alert(VoucherAlertPattern pattern, Guid? holder, Guid? provider, Guid? resource, string? proof, List<Row> rows) =>
        new(pattern, holder, null, provider, null, resource, proof, rows.Count, rows.Sum(r => r.Subsidy), [.. rows.OrderBy(r => r.CreatedAt).Select(r => r.Number)]);
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>A count and its two sums (fen).</summary>
public sealed record ContractFigures(long Contracts, long ContractFen, long TransactionFen)
{
    public static readonly ContractFigures Zero = new(0, 0, 0);

    public ContractFigures Plus(ContractFigures o) => new(Contracts + o.Contracts, ContractFen + o.ContractFen, TransactionFen + o.TransactionFen);
}

/// <summary>技术输出 (the region's sellers sell) or 技术吸纳 (the region's buyers buy).</summary>
public enum ContractFlowDirection
{
    Outflow,
    Inflow,
}

/// <summary>Where the other party of a flow is: the same region, the other of the two (川渝), another province, abroad.</summary>
public enum ContractCounterpart
{
    SameRegion,
    PartnerRegion,
    OtherProvinces,
    Abroad,
}

public sealed record ContractStatsQuery(int? FromYear = null, int? ToYear = null, string? Region = null, ContractType? Type = null);

public sealed record ContractTypeFigures(ContractType Type, ContractFigures Figures);
public sealed record ContractFieldFigures(string FieldGroup, string FieldName, ContractFigures Figures);
public sealed record ContractSellerTypeFigures(ContractPartyType SellerType, ContractFigures Figures);
public sealed record ContractPeriodFigures(int Period, ContractFigures Figures);
public sealed record ContractFlowFigures(string Region, ContractFlowDirection Direction, ContractCounterpart Counterpart, ContractFigures Figures);

/// <summary>
/// The public statistics: aggregates only, never a party's name. <c>region</c> empty: both regions. The type, field,
/// seller-type, year and month figures count the contracts registered in the region (the seller's, 技术输出); the flows
/// add the inflow (技术吸纳: buyers in the region, sellers in either).
/// </summary>
public sealed record ContractStatisticsDto(int FromYear, int ToYear, string? Region, ContractType? Type, ContractFigures Totals,
    IReadOnlyList<ContractTypeFigures> ByType, IReadOnlyList<ContractFieldFigures> ByField, IReadOnlyList<ContractSellerTypeFigures> BySellerType,
    IReadOnlyList<ContractPeriodFigures> ByYear, IReadOnlyList<ContractPeriodFigures> ByMonth, IReadOnlyList<ContractFlowFigures> Flows);

/// <summary>
/// Contract statistics (issue 17 point 6, figure: p95 ≤ 200 ms over 1,000,000 contracts) read from the monthly aggregates
/// that <see cref="ContractStatsWriter"/> keeps, never from the contracts: three grouped queries over at most a few
/// thousand aggregate rows per year, whatever the number of contracts (docs/contracts.md, docs/benchmarks.md).
/// </summary>
public sealed class ContractStatistics(AppDbContext db, TimeProvider clock)
{
    public const int MaxYears = 20;

    /// <summary>The query with its defaults (the last two years) and its errors.</summary>
    public (ContractStatsQuery Query, FieldErrors Errors) Normalize(ContractStatsQuery q)
    {
        var errors = new FieldErrors();
        var year = ChinaTime.Today(clock).Year;
        var to = q.ToYear ?? year;
        var from = q.FromYear ?? Math.Min(to, year) - 1;
        if (from is < 2000 or > 2100)
        {
            errors.Add("fromYear", new Message("Contracts.YearOutOfRange", 2000, 2100));
        }
        if (to is < 2000 or > 2100)
        {
            errors.Add("toYear", new Message("Contracts.YearOutOfRange", 2000, 2100));
        }
        else if (to < from || to - from >= MaxYears)
        {
            errors.Add("toYear", new Message("Contracts.YearRange", MaxYears));
        }
        if (!string.IsNullOrEmpty(q.Region) && !ContractRegions.Registering.Contains(q.Region))
        {
            errors.Add("region", new Message("Contracts.StatsRegionUnknown"));
        }
        return (new ContractStatsQuery(from, to, string.IsNullOrEmpty(q.Region) ? null : q.Region, q.Type), errors);
    }

    public async Task<(ContractStatisticsDto? Statistics, ServiceResult Result)> GetAsync(ContractStatsQuery query, CancellationToken ct)
    {
        var (q, errors) = Normalize(query);
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        int fromMonth = q.FromYear!.Value * 100, toMonth = q.ToYear!.Value * 100 + 99;
        var region = q.Region;
        var type = q.Type;

        var flows = db.Set<TechContractFlowStat>().AsNoTracking().Where(s => s.Month >= fromMonth && s.Month <= toMonth);
        var profiles = db.Set<TechContractProfileStat>().AsNoTracking().Where(s => s.Month >= fromMonth && s.Month <= toMonth);
        if (type is { } t)
        {
            flows = flows.Where(s => s.Type == t);
            profiles = profiles.Where(s => s.Type == t);
        }
        var registered = region is null ? flows : flows.Where(s => s.SellerRegion == region);
        var byMonthType = await registered.GroupBy(s => new { s.Month, s.Type })
            .Select(g => new { g.Key.Month, g.Key.Type, N = g.Sum(x => x.Contracts), C = g.Sum(x => x.ContractFen), T = g.Sum(x => x.TransactionFen) })
            .ToListAsync(ct);
        var pairs = await (region is null ? flows : flows.Where(s => s.SellerRegion == region || s.BuyerRegion == region))
            .GroupBy(s => new { s.SellerRegion, s.BuyerRegion })
            .Select(g => new { g.Key.SellerRegion, g.Key.BuyerRegion, N = g.Sum(x => x.Contracts), C = g.Sum(x => x.ContractFen), T = g.Sum(x => x.TransactionFen) })
            .ToListAsync(ct);
        var byProfile = await (region is null ? profiles : profiles.Where(s => s.SellerRegion == region))
            .GroupBy(s => new { s.SellerType, s.FieldGroup })
            .Select(g => new { g.Key.SellerType, g.Key.FieldGroup, N = g.Sum(x => x.Contracts), C = g.Sum(x => x.ContractFen), T = g.Sum(x => x.TransactionFen) })
            .ToListAsync(ct);

        static ContractFigures Sum<T>(IEnumerable<T> rows, Func<T, (long N, long C, long T)> f) =>
            rows.Select(f).Aggregate(ContractFigures.Zero, (a, x) => a.Plus(new ContractFigures(x.N, x.C, x.T)));

        var totals = Sum(byMonthType, x => (x.N, x.C, x.T));
        var byType = Enum.GetValues<ContractType>()
            .Select(ty => new ContractTypeFigures(ty, Sum(byMonthType.Where(x => x.Type == ty), x => (x.N, x.C, x.T)))).ToList();
        var byYear = Enumerable.Range(q.FromYear.Value, q.ToYear.Value - q.FromYear.Value + 1)
            .Select(y => new ContractPeriodFigures(y, Sum(byMonthType.Where(x => x.Month / 100 == y), x => (x.N, x.C, x.T)))).ToList();
        var byMonth = byYear.SelectMany(y => Enumerable.Range(1, 12).Select(m => y.Period * 100 + m))
            .Select(m => new ContractPeriodFigures(m, Sum(byMonthType.Where(x => x.Month == m), x => (x.N, x.C, x.T)))).ToList();
        var bySellerType = Enum.GetValues<ContractPartyType>()
            .Select(st => new ContractSellerTypeFigures(st, Sum(byProfile.Where(x => x.SellerType == st), x => (x.N, x.C, x.T)))).ToList();
        var byField = byProfile.GroupBy(x => x.FieldGroup)
            .Select(g => new ContractFieldFigures(g.Key, DisciplineCodes.Find(g.Key)?.Name ?? g.Key, Sum(g, x => (x.N, x.C, x.T))))
            .Where(f => f.Figures.Contracts != 0).OrderByDescending(f => f.Figures.TransactionFen).ThenBy(f => f.FieldGroup, StringComparer.Ordinal).ToList();

        var flowRows = new List<ContractFlowFigures>();
        foreach (var focus in region is null ? ContractRegions.Registering : [region])
        {
            foreach (var counterpart in Enum.GetValues<ContractCounterpart>())
            {
                flowRows.Add(new ContractFlowFigures(focus, ContractFlowDirection.Outflow, counterpart,
                    Sum(pairs.Where(p => p.SellerRegion == focus && Counterpart(focus, p.BuyerRegion) == counterpart), x => (x.N, x.C, x.T))));
            }
            // Sellers are always in one of the two regions (they register there): inflow comes from the same region or the partner.
            foreach (var counterpart in new[] { ContractCounterpart.SameRegion, ContractCounterpart.PartnerRegion })
            {
                flowRows.Add(new ContractFlowFigures(focus, ContractFlowDirection.Inflow, counterpart,
                    Sum(pairs.Where(p => p.BuyerRegion == focus && Counterpart(focus, p.SellerRegion) == counterpart), x => (x.N, x.C, x.T))));
            }
        }
        return (new ContractStatisticsDto(q.FromYear.Value, q.ToYear.Value, region, type, totals, byType, byField, bySellerType, byYear, byMonth, flowRows),
            new ServiceResult.Ok());
    }

    private static ContractCounterpart Counterpart(string focus, string other) =>
        other == focus ? ContractCounterpart.SameRegion
        : other == ContractRegions.Partner(focus) ? ContractCounterpart.PartnerRegion
        : other == ContractRegions.Abroad ? ContractCounterpart.Abroad
        : ContractCounterpart.OtherProvinces;
}

/// <summary>
/// The contracts' read contract for other features (the monitoring targets: 登记技术合同成交额): the registered totals of a
/// region (its sellers, 技术输出) for a period of months, from the aggregates.
/// </summary>
public sealed class ContractsDirectory(AppDbContext db)
{
    /// <summary>Contracts registered in <paramref name="regionCode"/> from the month of <paramref name="from"/> to the month of <paramref name="to"/>, inclusive.</summary>
    public async Task<ContractFigures> RegisteredTotalAsync(string regionCode, DateOnly from, DateOnly to, CancellationToken ct)
    {
        int fromMonth = TechContracts.MonthOf(from), toMonth = TechContracts.MonthOf(to);
        var rows = db.Set<TechContractFlowStat>().AsNoTracking().Where(s => s.SellerRegion == regionCode && s.Month >= fromMonth && s.Month <= toMonth);
        var n = await rows.SumAsync(s => s.Contracts, ct);
        var c = await rows.SumAsync(s => s.ContractFen, ct);
        var t = await rows.SumAsync(s => s.TransactionFen, ct);
        return new ContractFigures(n, c, t);
    }

    /// <summary>One contract's link fields, for the deal pipeline (a deal is registered against a registered contract); null when unknown.</summary>
    public Task<ContractRef?> FindAsync(Guid id, CancellationToken ct) =>
        db.Set<TechContract>().AsNoTracking().Where(c => c.Id == id)
            .Select(c => new ContractRef(c.Id, c.RegistrationNumber, c.Status == TechContractStatus.Registered, c.DealId, c.AchievementId, c.SellerRegion))
            .FirstOrDefaultAsync(ct);
}

/// <summary>What another feature may know of a contract: its number, whether it is registered (not revoked), and what it links to.</summary>
public sealed record ContractRef(Guid Id, string RegistrationNumber, bool Registered, Guid? DealId, Guid? AchievementId, string SellerRegion);

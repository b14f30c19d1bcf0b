using System.Diagnostics;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Market;

/// <summary>The optional filters of a match list (as typed: money in 万元).</summary>
public sealed record MatchQuery(string? Region = null, TransferModes? Mode = null, decimal? MaxPrice = null, decimal? MinBudget = null, int? MinTrl = null, int? Limit = null);

/// <summary>A reason as its code, arguments and text in the caller's language.</summary>
public sealed record MatchReasonDto(string Code, IReadOnlyList<string> Args, string Text);

/// <summary>One matched record (public fields only) with its score and why.</summary>
public sealed record MatchItem(
    Guid Id, string Title, string Summary, Guid OrganizationId, string OrganizationName, string RegionCode, int Trl, TransferModes Modes,
    decimal? PriceMin, decimal? PriceMax, bool Negotiable, double Score, IReadOnlyList<MatchReasonDto> Reasons, MatchReactionKind? MyReaction);

/// <summary>A match list; <c>Candidates</c> is how many records the search proposed (before the hard filters).</summary>
public sealed record MatchList(Guid Id, MatchSide Side, IReadOnlyList<string> Terms, IReadOnlyList<MatchItem> Items, double TookMs, int Candidates);

/// <summary>An expert or a catalogue record who could help with a demand (public fields only).</summary>
public sealed record MatchHelper(Guid Id, string Name, string OrganizationName, string RegionCode, string Type, string? Link, IReadOnlyList<string> Why);

public sealed record DemandHelpers(IReadOnlyList<MatchHelper> Experts, IReadOnlyList<MatchHelper> Resources);

/// <summary>
/// Matching both ways (issue 17 point 3): for a demand the live results that could meet it, for a result the live demands
/// it could meet, each explained with coded reasons (docs/market.md, "Matching").
/// <para><b>Candidates</b> come from the unified search (jieba-tokenised, restricted to the other list's search type):
/// for each of the source's terms (its keywords, then jieba's TF-IDF keywords of its public title and summary, at most
/// <see cref="MaxTerms"/>) the first <see cref="PerTerm"/> matching ids. A million results are never scanned: one SQL
/// statement then reads the candidates by id with the hard filters.</para>
/// <para><b>Hard filters</b> (in the index as <see cref="MatchMarks"/>, then in SQL): live; field overlap when both sides
/// have codes (a 一级学科, the first three digits of a GB/T 13745 code, or a GB/T 4754 division such as C38 in common, or a
/// bare door letter on one side that the other side's codes fall in); result TRL ≥ the demand's least TRL; a common transfer mode
/// when the demand names any; the result's lowest price ≤ the demand's highest budget unless either is 面议; the query's
/// filters. <b>Order</b>: score = <see cref="KeywordShare"/> × shared terms / terms + field (<see cref="SameDivision"/>
/// for a common industry division, else <see cref="SameFirstLevel"/> for a common 一级学科, else <see cref="SameDoor"/>)
/// + <see cref="RankShare"/> × the best search rank + <see cref="SameRegionScore"/>; both regions stay listed.</para>
/// A confidential demand is matched on its public text only (the search documents and <see cref="DemandRef"/> never
/// hold the details).
/// </summary>
public sealed class MarketMatching(AppDbContext db, MarketService market, MarketDirectory directory, SearchService search, ExpertMatching experts,
    Accounts.OrganizationDirectory organizations, TimeProvider clock)
{
    public const int MaxMessage = 500;
    public const int MaxLimit = 50;
    public const int DefaultLimit = 20;
    public const int MaxTerms = 8;
    public const int PerTerm = 100;
    public const int MaxHelpers = 5;
    public const double KeywordShare = 0.6;
    public const double SameDivision = 0.25;
    public const double SameFirstLevel = 0.2;
    public const double SameDoor = 0.1;
    public const double RankShare = 0.1;
    public const double SameRegionScore = 0.05;

    /// <summary>What one side of a pair looks like to the matcher: the fields both lists share.</summary>
    private sealed record Side(Guid Id, Guid OrganizationId, string RegionCode, string Title, string Summary, string DisciplineCodes, string IndustryCodes,
        int Trl, TransferModes Modes, long? Min, long? Max, bool Negotiable, string Keywords, MarketStatus Status, DateTimeOffset? ExpiresAt);

    private static readonly System.Linq.Expressions.Expression<Func<DemandRef, Side>> DemandSide = x => new Side(x.Id, x.OrganizationId, x.RegionCode, x.Title,
        x.Summary, x.DisciplineCodes, x.IndustryCodes, x.Trl, x.Modes, x.BudgetMinYuan, x.BudgetMaxYuan, x.Negotiable, x.Keywords, x.Status, x.ExpiresAt);

    private static readonly System.Linq.Expressions.Expression<Func<AchievementRef, Side>> AchievementSide = x => new Side(x.Id, x.OrganizationId, x.RegionCode,
        x.Title, x.Summary, x.DisciplineCodes, x.IndustryCodes, x.Trl, x.Modes, x.PriceMinYuan, x.PriceMaxYuan, x.Negotiable, x.Keywords, x.Status, x.ExpiresAt);

    public static FieldErrors Validate(MatchQuery q)
    {
        var errors = new FieldErrors();
        if (!string.IsNullOrWhiteSpace(q.Region) && !MarketPages.Regions.Contains(q.Region.Trim()))
        {
            errors.Add("region", new Message("Market.MatchUnknownRegion"));
        }
        if (q.Limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", new Message("Market.MatchLimit", MaxLimit));
        }
        if (q.MinTrl is < 1 or > 9)
        {
            errors.Add("minTrl", new Message("Market.MatchTrl"));
        }
        if (q.MaxPrice is < 0)
        {
            errors.Add("maxPrice", new Message("Market.MatchAmount"));
        }
        if (q.MinBudget is < 0)
        {
            errors.Add("minBudget", new Message("Market.MatchAmount"));
        }
        return errors;
    }

    /// <summary>Live results for a live demand (or one of the caller's own), best first; null when the caller may not see the demand.</summary>
    public async Task<(MatchList? List, ServiceResult Result)> ForDemandAsync(Guid demandId, MatchQuery q, CancellationToken ct)
    {
        var errors = Validate(q);
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var started = Stopwatch.GetTimestamp();
        var d = await SourceAsync(directory.Demands().Where(x => x.Id == demandId).Select(DemandSide), ct);
        if (d is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        var terms = Terms(d);
        var ranks = await CandidatesAsync(terms, "Achievement", MatchMarks.ResultsFor(d.Trl, d.Modes, d.DisciplineCodes, d.IndustryCodes), ct);
        var ids = ranks.Keys.ToList();
        var now = clock.GetUtcNow();
        long? budget = d.Negotiable ? null : d.Max ?? d.Min;
        long? maxYuan = q.MaxPrice is { } maxPrice ? MarketRules.Yuan(maxPrice) : null;
        // The candidates are read by their keys alone and the rest is applied in memory: with the status and expiry in the
        // SQL, SQLite's planner ranges over the (status, expires_at) index — every live result — instead of looking up the
        // hundred keys (4.3 s a match at a million results; docs/benchmarks.md, market-match-load).
        var candidates = (await directory.Achievements().Where(a => ids.Contains(a.Id)).Select(AchievementSide).ToListAsync(ct))
            .Where(a => MarketDirectory.IsLive(a.Status, a.ExpiresAt, now) && a.OrganizationId != d.OrganizationId && a.Trl >= d.Trl
                && (d.Modes == TransferModes.None || (a.Modes & d.Modes) != 0)
                && (budget is null || a.Negotiable || (a.Min ?? a.Max) <= budget)
                && (maxYuan is null || (!a.Negotiable && (a.Min ?? a.Max) <= maxYuan))
                && (q.MinTrl is not { } minTrl || a.Trl >= minTrl))
            .ToList();
        var items = await RankAsync(d, candidates, terms, ranks, MatchSide.Demand, q, ct);
        return (new MatchList(demandId, MatchSide.Demand, terms, items, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ranks.Count), new ServiceResult.Ok());
    }

    /// <summary>Live demands a result could meet (public text only), best first.</summary>
    public async Task<(MatchList? List, ServiceResult Result)> ForAchievementAsync(Guid achievementId, MatchQuery q, CancellationToken ct)
    {
        var errors = Validate(q);
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var started = Stopwatch.GetTimestamp();
        var a = await SourceAsync(directory.Achievements().Where(x => x.Id == achievementId).Select(AchievementSide), ct);
        if (a is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        var terms = Terms(a);
        var ranks = await CandidatesAsync(terms, "Demand", MatchMarks.DemandsFor(a.Trl, a.Modes, a.DisciplineCodes, a.IndustryCodes), ct);
        var ids = ranks.Keys.ToList();
        var now = clock.GetUtcNow();
        long? price = a.Negotiable ? null : a.Min ?? a.Max;
        long? minYuan = q.MinBudget is { } minBudget ? MarketRules.Yuan(minBudget) : null;
        // By keys alone, the rest in memory (see ForDemandAsync).
        var candidates = (await directory.Demands().Where(d => ids.Contains(d.Id)).Select(DemandSide).ToListAsync(ct))
            .Where(d => MarketDirectory.IsLive(d.Status, d.ExpiresAt, now) && d.OrganizationId != a.OrganizationId && d.Trl <= a.Trl
                && (d.Modes == TransferModes.None || (d.Modes & a.Modes) != 0)
                && (price is null || d.Negotiable || (d.Max ?? d.Min) >= price)
                && (minYuan is null || (!d.Negotiable && (d.Max ?? d.Min) >= minYuan)))
            .ToList();
        var items = await RankAsync(a, candidates, terms, ranks, MatchSide.Achievement, q, ct);
        return (new MatchList(achievementId, MatchSide.Achievement, terms, items, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ranks.Count), new ServiceResult.Ok());
    }

    /// <summary>Experts (the pool's public view) and catalogue records who could help with a demand: at most <see cref="MaxHelpers"/> each.</summary>
    public async Task<DemandHelpers?> HelpersAsync(Guid demandId, CancellationToken ct)
    {
        var d = await SourceAsync(directory.Demands().Where(x => x.Id == demandId).Select(DemandSide), ct);
        if (d is null)
        {
            return null;
        }
        var text = $"{d.Title} {d.Summary} {d.Keywords.Replace('\u3001', ' ')}";
        var field = d.DisciplineCodes.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var (found, _) = await experts.MatchAsync(text.Length > ExpertMatching.MaxTextLength ? text[..ExpertMatching.MaxTextLength] : text, field, null, MaxHelpers, ct);
        var people = (found?.Items ?? []).Select(e => new MatchHelper(e.Expert.Id, e.Expert.Name, e.Expert.OrganizationName, e.Expert.RegionCode, "Expert", null,
            [.. e.Reasons.Select(r => r.ToString())])).ToList();
        var resources = new List<MatchHelper>();
        var kinds = string.Join(',', Enum.GetNames<Catalog.ResourceKind>());
        foreach (var term in Terms(d).Take(3))
        {
            var (result, errors) = await search.SearchAsync(new SearchQuery(term, Type: kinds, PageSize: MaxHelpers), ct);
            if (errors.Count > 0 || result is null)
            {
                continue;
            }
            foreach (var hit in result.Items.Where(h => resources.All(r => r.Id != h.Id)))
            {
                resources.Add(new MatchHelper(hit.Id, hit.Title, hit.OrganizationName, hit.RegionCode, hit.Type, hit.Link, [term]));
            }
            if (resources.Count >= MaxHelpers)
            {
                break;
            }
        }
        return new DemandHelpers(people, resources.Take(MaxHelpers).ToList());
    }

    /// <summary>The source record when the caller may see it: live, or one of the caller's organisations' (the owner previews before publishing).</summary>
    private async Task<Side?> SourceAsync(IQueryable<Side> query, CancellationToken ct)
    {
        var s = await query.FirstOrDefaultAsync(ct);
        if (s is null)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var live = await directory.LiveAchievements(now).AnyAsync(a => a.Id == s.Id, ct) || await directory.LiveDemands(now).AnyAsync(d => d.Id == s.Id, ct);
        return live || market.IsMember(s.OrganizationId) ? s : null;
    }

    /// <summary>The source's terms: its keywords first, then jieba's strongest words of its public title and summary.</summary>
    private static List<string> Terms(Side s)
    {
        var terms = s.Keywords.Split('、', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var k in DemandKeywords.Extract($"{s.Title} {s.Summary}", MaxTerms))
        {
            if (!terms.Contains(k.Word, StringComparer.Ordinal))
            {
                terms.Add(k.Word);
            }
        }
        return terms.Where(t => t.Length >= 2).Distinct(StringComparer.Ordinal).Take(MaxTerms).ToList();
    }

    /// <summary>For each candidate id its best rank (0 = first) among the terms' search results.</summary>
    private async Task<Dictionary<Guid, int>> CandidatesAsync(List<string> terms, string type, IReadOnlyList<IReadOnlyList<string>> marks, CancellationToken ct)
    {
        var ranks = new Dictionary<Guid, int>();
        foreach (var term in terms)
        {
            var (ids, errors) = await search.MatchingIdsAsync(new SearchQuery(term, Type: type), PerTerm, ct, marks);
            if (errors.Count > 0 || ids is null)
            {
                continue;
            }
            for (var i = 0; i < ids.Count; i++)
            {
                ranks[ids[i]] = Math.Min(ranks.GetValueOrDefault(ids[i], int.MaxValue), i);
            }
        }
        return ranks;
    }

    private async Task<List<MatchItem>> RankAsync(Side source, List<Side> candidates, List<string> terms, Dictionary<Guid, int> ranks, MatchSide side,
        MatchQuery q, CancellationToken ct)
    {
        var mine = market.MyOrganizations.ToList();
        var reactions = mine.Count == 0 ? [] : await (side == MatchSide.Demand
                ? db.Set<MatchReaction>().Where(r => r.DemandId == source.Id && r.Side == side && mine.Contains(r.OrganizationId)).Select(r => new { Other = r.AchievementId, r.Kind })
                : db.Set<MatchReaction>().Where(r => r.AchievementId == source.Id && r.Side == side && mine.Contains(r.OrganizationId)).Select(r => new { Other = r.DemandId, r.Kind }))
            .AsNoTracking().ToListAsync(ct);
        var dismissed = reactions.Where(r => r.Kind == MatchReactionKind.Dismissed).Select(r => r.Other).ToHashSet();
        var marks = reactions.Where(r => r.Kind != MatchReactionKind.Dismissed).GroupBy(r => r.Other).ToDictionary(g => g.Key, g => g.Max(r => r.Kind));
        var scored = new List<(Side Other, double Score, List<Message> Reasons)>();
        var region = q.Region?.Trim();
        // The query's region and mode narrow the candidates already read (at most MaxTerms × PerTerm rows).
        foreach (var c in candidates.Where(c => !dismissed.Contains(c.Id) && (string.IsNullOrEmpty(region) || c.RegionCode == region)
                     && (q.Mode is not { } mode || mode == TransferModes.None || (c.Modes & mode) != 0)))
        {
            var (d, a) = side == MatchSide.Demand ? (source, c) : (c, source);
            var (score, reasons) = Explain(d, a, terms, c, ranks.GetValueOrDefault(c.Id, PerTerm), source.RegionCode);
            if (score >= 0)
            {
                scored.Add((c, score, reasons));
            }
        }
        var top = scored.OrderByDescending(s => s.Score).ThenBy(s => s.Other.Id).Take(q.Limit ?? DefaultLimit).ToList();
        var names = await organizations.NamesAsync(top.Select(t => t.Other.OrganizationId).Distinct(), ct);
        return [.. top.Select(t => new MatchItem(t.Other.Id, t.Other.Title, t.Other.Summary, t.Other.OrganizationId, names.GetValueOrDefault(t.Other.OrganizationId, ""),
            t.Other.RegionCode, t.Other.Trl, t.Other.Modes, MarketRules.WanYuan(t.Other.Min), MarketRules.WanYuan(t.Other.Max), t.Other.Negotiable,
            Math.Round(t.Score, 4), [.. t.Reasons.Select(Dto)], marks.TryGetValue(t.Other.Id, out var k) ? k : null))];
    }

    private static MatchReasonDto Dto(Message m) =>
        new(m.Key, [.. m.Args.Select(a => a is Enum e ? Messages.Label(e).ToString() : Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? "")], m.ToString());

    /// <summary>
    /// The score and reasons of a (demand, result) pair; −1 when the fields do not meet (both have codes and share no
    /// 一级学科 and no industry door). <paramref name="other"/> is the listed record, whose words are searched for the terms.
    /// </summary>
    private static (double Score, List<Message> Reasons) Explain(Side d, Side a, List<string> terms, Side other, int rank, string sourceRegion)
    {
        var reasons = new List<Message>();
        var text = $"{other.Title} {other.Summary} {other.Keywords}";
        var shared = terms.Where(t => text.Contains(t, StringComparison.OrdinalIgnoreCase)).ToList();
        var score = terms.Count == 0 ? 0 : KeywordShare * shared.Count / terms.Count;
        if (shared.Count > 0)
        {
            reasons.Add(new Message("Market.Match.SharedKeywords", string.Join(' ', shared)));
        }

        var dInd = Codes(d.IndustryCodes);
        var aInd = Codes(a.IndustryCodes);
        var dDis = Codes(d.DisciplineCodes);
        var aDis = Codes(a.DisciplineCodes);
        // Industries meet in a common division (C38); a bare door (C, all of manufacturing) meets any code of its door.
        var divisions = dInd.Where(c => c.Length >= 3).Select(c => c[..3]).Intersect(aInd.Where(c => c.Length >= 3).Select(c => c[..3]), StringComparer.Ordinal).ToList();
        var firstLevels = dDis.Select(c => c[..Math.Min(3, c.Length)]).Intersect(aDis.Select(c => c[..Math.Min(3, c.Length)]), StringComparer.Ordinal).ToList();
        var doors = dInd.Where(c => c.Length == 1).Intersect(aInd.Select(c => c[..1]), StringComparer.Ordinal)
            .Union(aInd.Where(c => c.Length == 1).Intersect(dInd.Select(c => c[..1]), StringComparer.Ordinal), StringComparer.Ordinal).ToList();
        var bothCoded = (dInd.Count + dDis.Count) > 0 && (aInd.Count + aDis.Count) > 0;
        if (bothCoded && firstLevels.Count == 0 && doors.Count == 0)
        {
            return (-1, reasons);
        }
        if (divisions.Count > 0)
        {
            score += SameDivision;
            reasons.Add(new Message("Market.Match.SameIndustry", string.Join(' ', divisions)));
        }
        else if (firstLevels.Count > 0)
        {
            score += SameFirstLevel;
        }
        else if (doors.Count > 0)
        {
            score += SameDoor;
            reasons.Add(new Message("Market.Match.SameIndustryDoor", string.Join(' ', doors)));
        }
        if (firstLevels.Count > 0)
        {
            reasons.Add(new Message("Market.Match.SameDiscipline", string.Join(' ', firstLevels.Select(MarketPages.Discipline))));
        }
        reasons.Add(new Message("Market.Match.MaturityMet", a.Trl, d.Trl));
        if (d.Modes != TransferModes.None && (a.Modes & d.Modes) is var common and not TransferModes.None)
        {
            reasons.Add(new Message("Market.Match.ModeMatch", Enum.GetValues<TransferModes>().First(m => m != TransferModes.None && common.HasFlag(m))));
        }
        reasons.Add(d.Negotiable || a.Negotiable ? new Message("Market.Match.Negotiable") : new Message("Market.Match.BudgetCovers"));
        score += RankShare * (1 - (double)Math.Min(rank, PerTerm) / PerTerm);
        if (other.RegionCode == sourceRegion)
        {
            score += SameRegionScore;
            reasons.Add(new Message("Market.Match.SameRegion"));
        }
        return (score, reasons);
    }

    private static List<string> Codes(string stored) => [.. stored.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
}

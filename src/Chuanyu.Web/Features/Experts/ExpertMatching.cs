using System.Diagnostics;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>How an expert's disciplines meet the demand's field.</summary>
public enum DisciplineMatch
{
    None,

    /// <summary>A discipline of the expert shares the field's 一级学科 (first three digits) only.</summary>
    SameFirstLevel,

    /// <summary>A discipline of the expert is the field itself (or below it).</summary>
    SameCode,
}

/// <summary>One expert who can serve a demand: the public view, the score and why.</summary>
public sealed record ExpertMatch(
    ExpertPublicDto Expert, double Score, double KeywordScore, double DisciplineScore, IReadOnlyList<string> SharedKeywords,
    IReadOnlyList<string> SharedIndustryFields, DisciplineMatch Discipline, string? DisciplineCode)
{
    /// <summary>The explanation as messages: shared keywords, shared industry fields, the discipline.</summary>
    public IReadOnlyList<Message> Reasons
    {
        get
        {
            var reasons = new List<Message>();
            if (SharedKeywords.Count > 0)
            {
                reasons.Add(new Message("ExpertMatching.SharedKeywords", string.Join('、', SharedKeywords)));
            }
            if (SharedIndustryFields.Count > 0)
            {
                reasons.Add(new Message("ExpertMatching.SharedIndustryFields", string.Join('、', SharedIndustryFields)));
            }
            if (DisciplineCode is { } code && Discipline != DisciplineMatch.None)
            {
                reasons.Add(new Message(Discipline == DisciplineMatch.SameCode ? "ExpertMatching.SameDiscipline" : "ExpertMatching.SameFirstLevel",
                    code, DisciplineCodes.Find(code)?.Name ?? ""));
            }
            return reasons;
        }
    }
}

/// <summary>The keywords taken from the demand and the experts found, best first.</summary>
public sealed record ExpertMatchResult(IReadOnlyList<DemandKeyword> Keywords, IReadOnlyList<ExpertMatch> Items, double TookMs);

/// <summary>
/// Matching a technology demand to the experts of the pool (issue 16 point 8): given the demand's text (title and
/// description) and optionally its field (a GB/T 13745 code of 3 or 5 digits) and a region, the active, available
/// experts who can serve it, ranked and explained. Technology demands as records come with issue 17, which calls this
/// with a demand's text and field.
/// <para><b>Keywords.</b> jieba.NET's TF-IDF extraction (<see cref="DemandKeywords"/>) takes up to
/// <see cref="DemandKeywords.MaxKeywords"/> keywords k with weights w(k) = tf × idf from the text; the segmenter knows the
/// discipline names and the experts' keywords and industry fields (refreshed every <see cref="VocabularyAge"/>), so
/// domain terms stay whole.</para>
/// <para><b>Score</b> (0–1), one formula in SQL (ordering) and here (the explanation):
/// <list type="bullet">
/// <item>keywords, at most <see cref="KeywordShare"/> = 0.6: 0.6 × Σ hit(k)·w(k) / Σ w(k), where hit(k) is 1 when k occurs
/// in one of the expert's keywords, <see cref="IndustryFactor"/> = 0.5 when it occurs only in the industry fields, else 0
/// (case-sensitive substring, so 电镜 finds 扫描电镜);</item>
/// <item>discipline, given a field: <see cref="SameCodeScore"/> = 0.4 when one of the expert's discipline codes is the field
/// or lies below it (5-digit field: the same 二级学科; 3-digit field: any code of that 一级学科), else
/// <see cref="SameFirstLevelScore"/> = 0.25 for the same 一级学科.</item>
/// </list>
/// A field filters as well: only experts with a discipline in its 一级学科 are candidates. Without a field, an expert
/// needs at least one keyword hit. Ties: by id (stable). Only <see cref="ExpertStatus.Active"/> experts whose availability
/// is not <see cref="ExpertAvailability.Unavailable"/>; a region narrows to that region's pool.</para>
/// <para><b>Candidates.</b> One SQL statement scores every active expert with the keywords as parameters (a fixed shape of
/// eight, so the compiled query is reused) and returns the top <c>limit</c>: a scan of the experts table, not a load into
/// memory. The unified search's index was not used for candidates: its order is static quality (title level), not
/// keyword overlap, and each query there is an AND of bigrams, so the best experts for several keywords together would
/// be cut off by per-keyword windows. docs/benchmarks.md has the time over 100,000 experts.</para>
/// </summary>
public sealed class ExpertMatching(AppDbContext db, ExpertPool pool)
{
    public const int MaxTextLength = 5000;
    public const int MaxLimit = 50;
    public const int DefaultLimit = 10;
    public const double KeywordShare = 0.6;
    public const double IndustryFactor = 0.5;
    public const double SameCodeScore = 0.4;
    public const double SameFirstLevelScore = 0.25;

    /// <summary>How long the experts' keywords added to the segmenter count as current before they are read again.</summary>
    public static readonly TimeSpan VocabularyAge = TimeSpan.FromMinutes(5);

    /// <summary>At most this many distinct keyword lists (and as many industry-field lists) are read for the segmenter's dictionary.</summary>
    public const int MaxVocabularyRows = 50_000;

    // Slots with no keyword hold a word no stored text can contain (control characters are refused by InputText) and weigh 0.
    private const string NoWord = "\u0001";

    // Half of long.MinValue: "never read", and now − it cannot overflow.
    private static long _vocabularyAt = long.MinValue / 2;
    private static readonly SemaphoreSlim Refreshing = new(1, 1);

    /// <summary>Checks the input; field errors name <c>text</c>, <c>discipline</c>, <c>region</c>, <c>limit</c>.</summary>
    public static FieldErrors Validate(string? text, string? discipline, string? region, int? limit)
    {
        var errors = new FieldErrors();
        var t = text?.Trim() ?? "";
        if (t.Length == 0)
        {
            errors.Add("text", new Message("ExpertMatching.TextRequired"));
        }
        else if (t.Length > MaxTextLength)
        {
            errors.Add("text", new Message("ExpertMatching.TextTooLong", MaxTextLength));
        }
        else if (InputText.Find(t) is { } refused)
        {
            errors.Add("text", refused.Message);
        }
        if (!string.IsNullOrWhiteSpace(discipline) && DisciplineCodes.Find(discipline) is null)
        {
            errors.Add("discipline", new Message("ExpertMatching.UnknownDiscipline", discipline.Trim().Length > 10 ? discipline.Trim()[..10] : discipline.Trim()));
        }
        if (!string.IsNullOrWhiteSpace(region) && !ExpertPages.Regions.Contains(region.Trim()))
        {
            errors.Add("region", new Message("ExpertMatching.UnknownRegion"));
        }
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", new Message("ExpertMatching.LimitOutOfRange", MaxLimit));
        }
        return errors;
    }

    /// <summary>The experts who can serve a demand, best first (see the class summary for the score).</summary>
    public async Task<(ExpertMatchResult? Result, ServiceResult Outcome)> MatchAsync(string? text, string? disciplineCode, string? regionCode, int? limit,
        CancellationToken ct)
    {
        var errors = Validate(text, disciplineCode, regionCode, limit);
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var started = Stopwatch.GetTimestamp();
        await RefreshVocabularyAsync(ct);
        var keywords = DemandKeywords.Extract(text!.Trim());
        var field = string.IsNullOrWhiteSpace(disciplineCode) ? null : DisciplineCodes.Find(disciplineCode)!;
        var region = string.IsNullOrWhiteSpace(regionCode) ? null : regionCode.Trim();
        var take = limit ?? DefaultLimit;
        if (keywords.Count == 0 && field is null)
        {
            return (new ExpertMatchResult(keywords, [], Elapsed(started)), new ServiceResult.Ok());
        }

        var total = keywords.Sum(k => k.Weight);
        string Word(int i) => i < keywords.Count ? keywords[i].Word : NoWord;
        double Weight(int i) => i < keywords.Count && total > 0 ? KeywordShare * keywords[i].Weight / total : 0;
        string k0 = Word(0), k1 = Word(1), k2 = Word(2), k3 = Word(3), k4 = Word(4), k5 = Word(5), k6 = Word(6), k7 = Word(7);
        double w0 = Weight(0), w1 = Weight(1), w2 = Weight(2), w3 = Weight(3), w4 = Weight(4), w5 = Weight(5), w6 = Weight(6), w7 = Weight(7);
        double h0 = w0 * IndustryFactor, h1 = w1 * IndustryFactor, h2 = w2 * IndustryFactor, h3 = w3 * IndustryFactor,
            h4 = w4 * IndustryFactor, h5 = w5 * IndustryFactor, h6 = w6 * IndustryFactor, h7 = w7 * IndustryFactor;
        var hasField = field is not null;
        var code = field?.Code ?? NoWord;
        var top = field?.TopCode ?? NoWord;

        var experts = db.Set<Expert>().AsNoTracking()
            .Where(e => e.Status == ExpertStatus.Active && e.Availability != ExpertAvailability.Unavailable);
        if (region is not null)
        {
            experts = experts.Where(e => e.RegionCode == region);
        }
        if (hasField)
        {
            experts = experts.Where(e => db.Set<ExpertDiscipline>().Any(d => d.ExpertId == e.Id && d.Code.StartsWith(top)));
        }
        else
        {
            // At least one keyword hit: a chain of ORs that stops at the first hit, so only the hits are scored and sorted.
            experts = experts.Where(e =>
                e.Keywords.Contains(k0) || e.Keywords.Contains(k1) || e.Keywords.Contains(k2) || e.Keywords.Contains(k3) ||
                e.Keywords.Contains(k4) || e.Keywords.Contains(k5) || e.Keywords.Contains(k6) || e.Keywords.Contains(k7) ||
                e.IndustryFields.Contains(k0) || e.IndustryFields.Contains(k1) || e.IndustryFields.Contains(k2) || e.IndustryFields.Contains(k3) ||
                e.IndustryFields.Contains(k4) || e.IndustryFields.Contains(k5) || e.IndustryFields.Contains(k6) || e.IndustryFields.Contains(k7));
        }
        var scored = experts.Select(e => new
        {
            e.Id,
            Keyword =
                (e.Keywords.Contains(k0) ? w0 : e.IndustryFields.Contains(k0) ? h0 : 0.0) +
                (e.Keywords.Contains(k1) ? w1 : e.IndustryFields.Contains(k1) ? h1 : 0.0) +
                (e.Keywords.Contains(k2) ? w2 : e.IndustryFields.Contains(k2) ? h2 : 0.0) +
                (e.Keywords.Contains(k3) ? w3 : e.IndustryFields.Contains(k3) ? h3 : 0.0) +
                (e.Keywords.Contains(k4) ? w4 : e.IndustryFields.Contains(k4) ? h4 : 0.0) +
                (e.Keywords.Contains(k5) ? w5 : e.IndustryFields.Contains(k5) ? h5 : 0.0) +
                (e.Keywords.Contains(k6) ? w6 : e.IndustryFields.Contains(k6) ? h6 : 0.0) +
                (e.Keywords.Contains(k7) ? w7 : e.IndustryFields.Contains(k7) ? h7 : 0.0),
            Discipline = !hasField ? 0.0
                : db.Set<ExpertDiscipline>().Any(d => d.ExpertId == e.Id && d.Code.StartsWith(code)) ? SameCodeScore
                : SameFirstLevelScore,
        });
        var ranked = await scored.OrderByDescending(x => x.Keyword + x.Discipline).ThenBy(x => x.Id).Take(take)
            .Select(x => x.Id).ToListAsync(ct);

        var rows = await db.Set<Expert>().AsNoTracking().Where(e => ranked.Contains(e.Id)).ToListAsync(ct);
        var order = ranked.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var publics = await pool.PublicDtosAsync(rows.OrderBy(e => order[e.Id]).ToList(), ct);
        var items = publics.Select(e => Explain(e, keywords, field)).ToList();
        return (new ExpertMatchResult(keywords, items, Elapsed(started)), new ServiceResult.Ok());
    }

    /// <summary>The score and its reasons for one expert (pure): the same formula the SQL ordering uses.</summary>
    public static ExpertMatch Explain(ExpertPublicDto e, IReadOnlyList<DemandKeyword> keywords, Discipline? field)
    {
        var total = keywords.Sum(k => k.Weight);
        var ownKeywords = DemandKeywords.Entries(e.Keywords).ToList();
        var ownFields = DemandKeywords.Entries(e.IndustryFields).ToList();
        var sharedKeywords = new List<string>();
        var sharedFields = new List<string>();
        var keywordScore = 0.0;
        foreach (var k in keywords.Take(DemandKeywords.MaxKeywords))
        {
            var w = total > 0 ? KeywordShare * k.Weight / total : 0;
            if (e.Keywords.Contains(k.Word, StringComparison.Ordinal))
            {
                keywordScore += w;
                sharedKeywords.AddRange(ownKeywords.Where(o => o.Contains(k.Word, StringComparison.Ordinal)));
            }
            else if (e.IndustryFields.Contains(k.Word, StringComparison.Ordinal))
            {
                keywordScore += w * IndustryFactor;
                sharedFields.AddRange(ownFields.Where(o => o.Contains(k.Word, StringComparison.Ordinal)));
            }
        }
        var (match, matchedCode) = field is null ? (DisciplineMatch.None, null)
            : e.Disciplines.FirstOrDefault(d => d.Code.StartsWith(field.Code, StringComparison.Ordinal)) is { } same ? (DisciplineMatch.SameCode, same.Code)
            : e.Disciplines.FirstOrDefault(d => d.Code.StartsWith(field.TopCode, StringComparison.Ordinal)) is { } near ? (DisciplineMatch.SameFirstLevel, near.Code)
            : (DisciplineMatch.None, (string?)null);
        var disciplineScore = match switch { DisciplineMatch.SameCode => SameCodeScore, DisciplineMatch.SameFirstLevel => SameFirstLevelScore, _ => 0 };
        return new ExpertMatch(e, Math.Round(keywordScore + disciplineScore, 3), Math.Round(keywordScore, 3), disciplineScore,
            sharedKeywords.Distinct(StringComparer.Ordinal).ToList(), sharedFields.Distinct(StringComparer.Ordinal).ToList(), match, matchedCode);
    }

    /// <summary>Adds the experts' keywords and industry fields to the segmenter's dictionary when the last read is older than <see cref="VocabularyAge"/>.</summary>
    private async Task RefreshVocabularyAsync(CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _vocabularyAt) < (long)VocabularyAge.TotalMilliseconds || !await Refreshing.WaitAsync(0, ct))
        {
            return;
        }
        try
        {
            var active = db.Set<Expert>().AsNoTracking().Where(e => e.Status == ExpertStatus.Active);
            var keywordLists = await active.Select(e => e.Keywords).Distinct().Take(MaxVocabularyRows).ToListAsync(ct);
            var fieldLists = await active.Select(e => e.IndustryFields).Distinct().Take(MaxVocabularyRows).ToListAsync(ct);
            DemandKeywords.AddWords(keywordLists.Concat(fieldLists).SelectMany(DemandKeywords.Entries));
            Interlocked.Exchange(ref _vocabularyAt, Environment.TickCount64);
        }
        finally
        {
            Refreshing.Release();
        }
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
}

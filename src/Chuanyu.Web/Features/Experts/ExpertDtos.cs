namespace Chuanyu.Web.Features.Experts;

public sealed record ExpertDisciplineDto(string Code, string Name, bool IsPrimary);

/// <summary>An expert as anyone sees them: no contact data, no ID number, no birth year.</summary>
public sealed record ExpertPublicDto(
    Guid Id, string Name, TitleLevel TitleLevel, string? Position, Guid OrganizationId, string OrganizationName, string RegionCode,
    ExpertCategory Category, IReadOnlyList<ExpertDisciplineDto> Disciplines, string IndustryFields, string Keywords, string Languages,
    ExpertAvailability Availability);

/// <summary>
/// An expert as their region's administrators (and the expert) see them: personal data masked. <c>PerformanceScore</c>: the
/// mean of the administrators' ratings of their work on panels (1–5; null when never rated).
/// </summary>
public sealed record ExpertAdminDto(
    Guid Id, string Name, ExpertGender Gender, int BirthYear, TitleLevel TitleLevel, string? Position, Guid OrganizationId, string OrganizationName,
    string RegionCode, ExpertCategory Category, ExpertEntryRoute EntryRoute, int YearsInField, bool HighLevel,
    IReadOnlyList<ExpertDisciplineDto> Disciplines, string IndustryFields, string Keywords, string Languages, ExpertAvailability Availability,
    ExpertStatus Status, string? StatusReason, DateTimeOffset? StatusChangedAt, int NoShowCount, bool HasAccount,
    string? MaskedPhone, string? MaskedEmail, string MaskedIdNumber, bool Synthetic, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    int Version, bool CanManage, double? PerformanceScore = null);

/// <summary>The unmasked personal data of one expert: only through the audited reveal.</summary>
public sealed record ExpertPersonalDataDto(Guid Id, string Name, string? Phone, string? Email, string IdNumber);

/// <summary>A status change by the region: suspend (reason), reinstate, or remove (reason).</summary>
public sealed record ExpertStatusInput(string? Reason, int? Version);

/// <summary>Sort orders of the lists.</summary>
public enum ExpertSort
{
    Name,
    Title,
    Updated,
}

/// <summary>The filters of both lists: discipline (a level-1 code matches its level-2 codes too), title, category, region, keyword.</summary>
public sealed record ExpertQuery(
    string? Discipline = null, TitleLevel? Title = null, ExpertCategory? Category = null, string? Region = null, string? Q = null,
    ExpertStatus? Status = null, ExpertSort Sort = ExpertSort.Name);

/// <summary>A technology demand to match with experts: its text (title and description, ≤ 5,000 characters), optionally its field (GB/T 13745, 3 or 5 digits), a region (500000, 510000) and how many experts (1–50, default 10).</summary>
public sealed record ExpertMatchRequest(string? Text, string? Discipline = null, string? Region = null, int? Limit = null);

/// <summary>One matched expert as the API returns it: the public view, the score (0–1) with its parts, the reasons as data and as sentences in the caller's language.</summary>
public sealed record ExpertMatchItem(
    ExpertPublicDto Expert, double Score, double KeywordScore, double DisciplineScore, IReadOnlyList<string> SharedKeywords,
    IReadOnlyList<string> SharedIndustryFields, DisciplineMatch Discipline, string? DisciplineCode, IReadOnlyList<string> Reasons, string Explanation);

/// <summary>The keywords taken from the demand (with their TF-IDF weights) and the experts, best first.</summary>
public sealed record ExpertMatchResponse(IReadOnlyList<DemandKeyword> Keywords, IReadOnlyList<ExpertMatchItem> Items, double TookMs)
{
    public static ExpertMatchResponse Of(ExpertMatchResult r) => new(
        r.Keywords.Select(k => k with { Weight = Math.Round(k.Weight, 4) }).ToList(),
        r.Items.Select(m =>
        {
            var reasons = m.Reasons.Select(x => x.ToString()).ToList();
            return new ExpertMatchItem(m.Expert, m.Score, m.KeywordScore, m.DisciplineScore, m.SharedKeywords, m.SharedIndustryFields, m.Discipline,
                m.DisciplineCode, reasons, string.Join("; ", reasons));
        }).ToList(),
        r.TookMs);
}

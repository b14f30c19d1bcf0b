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

using System.ComponentModel;

namespace Chuanyu.Web.Features.Market;

/// <summary>A research result as its organisation writes it (create, and update while a draft; <c>version</c> as read).</summary>
public sealed record AchievementInput(
    Guid? OrganizationId, string? Title, string? Summary, string? Description, AchievementType? Type,
    IReadOnlyList<string>? PatentNumbers, IReadOnlyList<string>? DisciplineCodes, IReadOnlyList<string>? IndustryCodes,
    int Trl, MaturityStage? Stage, IReadOnlyList<TransferModes>? Modes,
    [property: Description("In units of 10,000 yuan (wan yuan).")] decimal? PriceMin, [property: Description("In units of 10,000 yuan (wan yuan).")] decimal? PriceMax, bool Negotiable,
    IReadOnlyList<string>? Inventors, IReadOnlyList<string>? Keywords, int? Version = null);

/// <summary>A technology demand as its organisation writes it; <c>details</c> is the confidential part when <c>confidential</c>.</summary>
public sealed record DemandInput(
    Guid? OrganizationId, string? Title, string? Summary, string? Details, bool Confidential,
    IReadOnlyList<string>? DisciplineCodes, IReadOnlyList<string>? IndustryCodes,
    int Trl, MaturityStage? Stage, IReadOnlyList<TransferModes>? Modes,
    [property: Description("In units of 10,000 yuan (wan yuan).")] decimal? BudgetMin, [property: Description("In units of 10,000 yuan (wan yuan).")] decimal? BudgetMax, bool Negotiable,
    DateOnly? Deadline, IReadOnlyList<string>? Keywords, int? Version = null);

public sealed record ReviewInput(string? Note);

public sealed record CloseInput(MarketCloseReason? Reason);

/// <summary>A renewal: a demand names its new deadline; a result gets a new term from the options.</summary>
public sealed record RenewInput(DateOnly? Deadline);

public sealed record AccessRequestInput(Guid? OrganizationId, string? Message);

public enum MarketSort
{
    Newest,
    ExpiringSoon,
    PriceLow,
    PriceHigh,
    Maturity,
}

/// <summary>A list's filters. <c>Status</c> lists the caller's own organisations' records in that state instead of the public ones.</summary>
public sealed record MarketQuery(
    string? Region = null, string? Discipline = null, string? Industry = null, int? MinTrl = null, MaturityStage? Stage = null,
    TransferModes? Mode = null, decimal? PriceMin = null, decimal? PriceMax = null, string? Q = null, MarketStatus? Status = null,
    MarketSort Sort = MarketSort.Newest, Guid? OrganizationId = null);

/// <summary>A row of a list: the public fields of either kind.</summary>
public sealed record MarketListItem(
    Guid Id, Guid OrganizationId, string OrganizationName, string RegionCode, string Title, string Summary,
    IReadOnlyList<string> DisciplineCodes, IReadOnlyList<string> IndustryCodes, int Trl, MaturityStage Stage, IReadOnlyList<TransferModes> Modes,
    decimal? PriceMin, decimal? PriceMax, bool Negotiable, IReadOnlyList<string> Keywords, MarketStatus Status, DateTimeOffset? ExpiresAt,
    DateTimeOffset? PublishedAt, bool Synthetic, AchievementType? Type = null, DateOnly? Deadline = null, bool Confidential = false);

public sealed record AttachmentDto(Guid Id, string FileName, string ContentType, long Size, DateTimeOffset UploadedAt);

public sealed record AchievementDto(
    Guid Id, Guid OrganizationId, string OrganizationName, string RegionCode, string Title, string Summary, string Description, AchievementType Type,
    IReadOnlyList<string> PatentNumbers, IReadOnlyList<string> DisciplineCodes, IReadOnlyList<string> IndustryCodes, int Trl, MaturityStage Stage,
    IReadOnlyList<TransferModes> Modes, decimal? PriceMin, decimal? PriceMax, bool Negotiable, IReadOnlyList<string> Inventors, IReadOnlyList<string> Keywords,
    MarketStatus Status, DateTimeOffset? ExpiresAt, DateTimeOffset? PublishedAt, string? ReviewNote, MarketCloseReason? CloseReason, bool Synthetic, int Version,
    bool IsOwner, bool CanReview, IReadOnlyList<AttachmentDto> Attachments);

/// <summary>A demand; <c>details</c> is null and <c>detailsWithheld</c> true when the caller may not read a confidential demand's details.</summary>
public sealed record DemandDto(
    Guid Id, Guid OrganizationId, string OrganizationName, string RegionCode, string Title, string Summary, string? Details, bool DetailsWithheld,
    bool Confidential, IReadOnlyList<string> DisciplineCodes, IReadOnlyList<string> IndustryCodes, int Trl, MaturityStage Stage,
    IReadOnlyList<TransferModes> Modes, decimal? BudgetMin, decimal? BudgetMax, bool Negotiable, DateOnly Deadline, IReadOnlyList<string> Keywords,
    MarketStatus Status, DateTimeOffset? ExpiresAt, DateTimeOffset? PublishedAt, string? ReviewNote, MarketCloseReason? CloseReason, bool Synthetic, int Version,
    bool IsOwner, bool CanReview, AccessRequestStatus? MyAccessRequest);

public sealed record AccessRequestDto(Guid Id, Guid DemandId, Guid OrganizationId, string OrganizationName, string Message, AccessRequestStatus Status,
    DateTimeOffset RequestedAt, DateTimeOffset? DecidedAt);

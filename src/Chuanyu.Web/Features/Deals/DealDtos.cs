namespace Chuanyu.Web.Features.Deals;

/// <summary>A manager's own profile as sent by the form and the API; <c>version</c> as read when editing.</summary>
public sealed record TechManagerInput(Guid? OrganizationId, TechManagerLevel? Level, string? CertificateNumber, DateOnly? CertificateIssuedOn,
    IReadOnlyList<string>? Disciplines, string? Phone, int? Version = null);

/// <summary>An administrator's decision: approve, or reject with a note (required then).</summary>
public sealed record TechManagerReviewInput(bool Approve, string? Note, int? Version);

/// <summary>A profile as the manager and the reviewing administrators see it; <c>phone</c> is masked except for the manager.</summary>
public sealed record TechManagerDto(Guid Id, string DisplayName, Guid OrganizationId, string OrganizationName, string RegionCode, TechManagerLevel Level,
    string CertificateNumber, DateOnly CertificateIssuedOn, IReadOnlyList<string> Disciplines, string? Phone, TechManagerStatus Status,
    string? ReviewNote, DateTimeOffset? ReviewedAt, DateTimeOffset CreatedAt, int Version);

/// <summary>An approved manager on the public list: no phone, no certificate number.</summary>
public sealed record TechManagerPublicDto(Guid Id, string DisplayName, string OrganizationName, string RegionCode, TechManagerLevel Level, IReadOnlyList<string> Disciplines);

/// <summary>A new deal: a result and/or a demand (at least one), where it came from, and an optional title (default: the result's or the demand's).</summary>
public sealed record DealInput(Guid? AchievementId, Guid? DemandId, DealSource? Source, Guid? SourceRef = null, string? Title = null);

/// <summary>One step forward (<c>toStage</c> must be the next one; <c>contractId</c> for 已登记), with the version read.</summary>
public sealed record DealAdvanceInput(DealStage? ToStage, int? Version, Guid? ContractId = null);

/// <summary>Closing a deal: a coded reason (<c>note</c> required for Other) and the version read.</summary>
public sealed record DealCloseInput(DealCloseReason? Reason, string? Note, int? Version);

public sealed record DealNoteInput(string? Text);

public sealed record DealDto(Guid Id, string Title, Guid ManagerId, string ManagerName, string ManagerRegion,
    Guid? AchievementId, string? AchievementTitle, Guid? SellerOrganizationId, string? SellerRegion,
    Guid? DemandId, string? DemandTitle, Guid? BuyerOrganizationId, string? BuyerRegion,
    DealSource Source, Guid? SourceRef, DealStage Stage, DateTimeOffset StageChangedAt, DateTimeOffset? SignedAt,
    DealCloseReason? CloseReason, string? CloseNote, Guid? ContractId, bool Synthetic, DateTimeOffset CreatedAt, int Version, bool CanManage);

public sealed record DealStageChangeDto(DealStage? FromStage, DealStage ToStage, DateTimeOffset At, string? By);

public sealed record DealNoteDto(Guid Id, DealStage Stage, string Text, string? Author, DateTimeOffset CreatedAt);

public sealed record DealDocumentDto(Guid Id, DealStage Stage, string FileName, string ContentType, long Size, DateTimeOffset UploadedAt);

/// <summary>A deal with its timeline, notes and documents (without their bytes).</summary>
public sealed record DealDetailsDto(DealDto Deal, IReadOnlyList<DealStageChangeDto> Timeline, IReadOnlyList<DealNoteDto> Notes, IReadOnlyList<DealDocumentDto> Documents);

public enum DealSort
{
    Updated,
    Created,
    Stage,
    Title,
}

/// <summary>The manager's dashboard: open deals per stage, and the conversion over the last 12 months (signed / created).</summary>
public sealed record DealDashboardDto(IReadOnlyDictionary<DealStage, int> ByStage, int CreatedLast12Months, int SignedLast12Months, double? Conversion);

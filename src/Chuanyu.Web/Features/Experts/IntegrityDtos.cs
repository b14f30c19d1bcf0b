namespace Chuanyu.Web.Features.Experts;

/// <summary>Where a record stands today (China Standard Time): not started yet, active, ended, or revoked.</summary>
public enum IntegrityState
{
    Upcoming,
    Active,
    Ended,
    Revoked,
}

/// <summary>
/// What an administrator gives for a record. Dates as typed (yyyy-MM-dd) so that a bad one is a field error. A person:
/// name and ID number (or a linked expert, whose ID number is taken); on update an empty ID number stays as stored. An
/// organisation: the platform's organisation, or its unified social credit code and name.
/// </summary>
public sealed record IntegrityRecordInput(
    IntegritySubjectKind? SubjectKind = null,
    string? SubjectName = null,
    string? IdNumber = null,
    Guid? ExpertId = null,
    Guid? OrganizationId = null,
    string? CreditCode = null,
    IntegrityRecordType? Type = null,
    IntegritySeverity? Severity = null,
    string? StartDate = null,
    string? EndDate = null,
    string? IssuingAuthority = null,
    string? Description = null,
    string? RegionCode = null,
    int? Version = null);

/// <summary>Revoking a record: the reason is required.</summary>
public sealed record IntegrityRevokeInput(string? Reason, int? Version);

public sealed record IntegrityDocumentDto(Guid Id, string FileName, long Size, DateTimeOffset UploadedAt);

/// <summary>A record as the administrators of both regions read it: the ID number masked; <c>canEdit</c> for the issuing region's.</summary>
public sealed record IntegrityRecordDto(
    Guid Id, IntegritySubjectKind SubjectKind, string SubjectName, string? MaskedIdNumber, Guid? ExpertId, Guid? OrganizationId, string? CreditCode,
    IntegrityRecordType Type, IntegritySeverity Severity, DateOnly StartDate, DateOnly? EndDate, string IssuingAuthority, string RegionCode,
    string Description, IntegrityState State, bool Synthetic, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version,
    DateTimeOffset? RevokedAt, string? RevokedByName, string? RevokedReason, bool CanEdit, IReadOnlyList<IntegrityDocumentDto> Documents);

/// <summary>The full ID number of a person's record: only through the audited reveal.</summary>
public sealed record IntegrityIdNumberDto(Guid Id, string SubjectName, string IdNumber);

/// <summary>The filters of the list: subject kind, type, state today, issuing region, a word (name, credit code, authority), an ID number (by its blind index).</summary>
public sealed record IntegrityQuery(
    IntegritySubjectKind? SubjectKind = null, IntegrityRecordType? Type = null, IntegrityState? State = null, string? Region = null, string? Q = null,
    string? IdNumber = null, Guid? ExpertId = null, Guid? OrganizationId = null);

/// <summary>The form limits of a record.</summary>
public static class IntegrityRules
{
    public const int MaxNameLength = 100;
    public const int MaxAuthorityLength = 100;
    public const int MaxDescriptionLength = 2000;
    public const int MaxReasonLength = 500;

    /// <summary>A document: a PDF of at most 10 MB (a scanned decision), at most 20 a record.</summary>
    public const long MaxDocumentBytes = 10L << 20;

    public const long MaxDocumentRequestBytes = MaxDocumentBytes + (64 << 10);
    public const int MaxDocuments = 20;
}

using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>A province-level region that runs a base of the platform (GB/T 2260 code, e.g. 500000).</summary>
public sealed class Region
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string ShortName { get; set; } = "";
    public int SortOrder { get; set; }
}

public enum DistrictLevel
{
    Prefecture,
    County,
}

/// <summary>A prefecture-level city or a district/county (GB/T 2260 code).</summary>
public sealed class District
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public DistrictLevel Level { get; set; }
    public string RegionCode { get; set; } = "";
    public string? ParentCode { get; set; }
}

public enum OrganizationKind
{
    University,
    ResearchInstitute,
    Enterprise,
    ServiceProvider,
    GovernmentAgency,
}

public enum OrganizationStatus
{
    Pending,
    Verified,
    Rejected,
}

public sealed class Organization
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public OrganizationKind Kind { get; set; }
    public string CreditCode { get; set; } = "";
    public string RegionCode { get; set; } = "";
    public string DistrictCode { get; set; } = "";
    public string? Address { get; set; }
    public OrganizationStatus Status { get; set; }
    public string? StatusNote { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? VerifiedBy { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }

    /// <summary>法定代表人: the name, as declared with the SME declaration.</summary>
    public string? LegalRepresentative { get; set; }

    /// <summary>The legal representative's ID number (公民身份号码), encrypted by <see cref="Infrastructure.Crypto.FieldProtector"/>; never shown unmasked.</summary>
    public string? LegalRepresentativeId { get; set; }

    /// <summary>The blind index of the normalised ID number (<see cref="Infrastructure.Crypto.FieldProtector.BlindIndex"/>): two organisations with the same legal representative are related.</summary>
    public string? LegalRepresentativeKey { get; set; }
}

public sealed class RoleGrant
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public PlatformRole Role { get; set; }
    public string? RegionCode { get; set; }
    public Guid? OrganizationId { get; set; }
    public Guid? GrantedBy { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
}

public enum MembershipStatus
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>A person's request to join an organisation; the organisation's admin decides.</summary>
public sealed class Membership
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid UserId { get; set; }
    public MembershipStatus Status { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}

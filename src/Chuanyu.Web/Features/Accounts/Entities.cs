using Microsoft.AspNetCore.Identity;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>A person's one account on the whole platform, valid in every region.</summary>
public sealed class AppUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the password was last set; with <c>Security:PasswordMaxAgeDays</c> it decides expiry.</summary>
    public DateTimeOffset? PasswordChangedAt { get; set; }

    /// <summary>Set when an administrator created the account with an initial password: it must be changed before anything else.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>Mobile number, encrypted at rest by <see cref="Infrastructure.Crypto.FieldProtector"/> (SM4-GCM under the 国密 suite).</summary>
    public string? MobileProtected { get; set; }
}

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
}

/// <summary>
/// The roles of the platform. Each grant is scoped: platform-wide, to a region, or to an organisation. There is no
/// all-powerful administrator: 三员管理 (GB/T 22239-2019 level 3, 8.1.4.2) splits it into a system administrator who
/// operates and configures, a security administrator who grants roles and sets security policy, and an audit
/// administrator who reads the audit; no account may hold two of them (enforced by a partial unique index too).
/// </summary>
public enum PlatformRole
{
    /// <summary>系统管理员: operates the platform (organisations of both regions, system configuration); no role grants, no audit.</summary>
    SystemAdmin,

    /// <summary>安全管理员: grants and revokes roles, creates accounts, sets the security policy; no business data.</summary>
    SecurityAdmin,

    /// <summary>审计管理员: reads, searches, verifies and exports the audit; changes nothing.</summary>
    AuditAdmin,
    RegionAdmin,
    OrgAdmin,
    ResourceManager,
    Member,
    Expert,
    TechManager,
}

public static class PlatformRoles
{
    /// <summary>The three separated administrator roles (三员): an account holds at most one.</summary>
    public static readonly PlatformRole[] Separated = [PlatformRole.SystemAdmin, PlatformRole.SecurityAdmin, PlatformRole.AuditAdmin];

    public static bool IsSeparated(PlatformRole role) => role is PlatformRole.SystemAdmin or PlatformRole.SecurityAdmin or PlatformRole.AuditAdmin;

    /// <summary>Roles that need the second factor outside development.</summary>
    public static bool IsAdmin(PlatformRole role) => IsSeparated(role) || role is PlatformRole.RegionAdmin or PlatformRole.OrgAdmin;
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

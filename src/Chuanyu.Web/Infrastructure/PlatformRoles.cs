namespace Chuanyu.Web.Infrastructure;

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

/// <summary>
/// One role of the signed-in person and where it applies: the platform (neither code nor organisation), a region or an
/// organisation. What <see cref="CurrentUser.Grants"/> lists; Accounts keeps the grants themselves (<c>role_grants</c>).
/// </summary>
public sealed record ScopedRole(PlatformRole Role, string? RegionCode, Guid? OrganizationId);

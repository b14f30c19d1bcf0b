namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// The signed-in person for this request, loaded once from the database with their scoped role grants (by Accounts'
/// <c>CurrentUserMiddleware</c>). Loading it from the database (not only from the token) is what makes a token of a
/// deleted user, or one issued before a password change, stop working at once.
/// </summary>
public sealed class CurrentUser
{
    public Guid? Id { get; private set; }
    public string? Email { get; private set; }
    public string? DisplayName { get; private set; }
    public bool TwoFactorEnabled { get; private set; }
    public Guid? SessionId { get; private set; }

    /// <summary>The password is older than the policy allows: until it is changed, only the change page and sign-out work.</summary>
    public bool PasswordExpired { get; private set; }

    /// <summary>An administrator created the account with an initial password, which must be changed first.</summary>
    public bool MustChangePassword { get; private set; }

    public bool PasswordChangeRequired => PasswordExpired || MustChangePassword;
    public bool SignedInWithSecondFactor { get; private set; }
    public IReadOnlyList<ScopedRole> Grants { get; private set; } = [];

    /// <summary>True when administrator roles may be exercised: outside development they need a TOTP sign-in.</summary>
    public bool AdminFactorSatisfied { get; private set; }

    public bool IsAuthenticated => Id is not null;

    /// <summary>The system administrator operates across both regions (business scope); the other two 三员 do not.</summary>
    public bool IsSystemAdmin => Has(PlatformRole.SystemAdmin);

    public bool Has(PlatformRole role) => AdminOk(role) && Grants.Any(g => g.Role == role);

    public bool HasInRegion(PlatformRole role, string regionCode) =>
        AdminOk(role) && Grants.Any(g => g.Role == role && g.RegionCode == regionCode);

    public bool HasInOrganization(PlatformRole role, Guid organizationId) =>
        AdminOk(role) && Grants.Any(g => g.Role == role && g.OrganizationId == organizationId);

    /// <summary>The organisations whose records the caller writes (instrument manager or organisation admin there).</summary>
    public IReadOnlyList<Guid> ManagedOrganizations => Grants
        .Where(g => g.OrganizationId is { } org && g.Role is PlatformRole.ResourceManager or PlatformRole.OrgAdmin && HasInOrganization(g.Role, org))
        .Select(g => g.OrganizationId!.Value).Distinct().ToList();

    public IEnumerable<string> AdminRegions => Grants.Where(g => g.Role == PlatformRole.RegionAdmin && AdminOk(g.Role))
        .Select(g => g.RegionCode!).Distinct();

    /// <summary>Holds an administrator role but has not satisfied the second factor, so it is withheld.</summary>
    public bool AdminRoleWithheld => Grants.Any(g => PlatformRoles.IsAdmin(g.Role)) && !AdminFactorSatisfied;

    private bool AdminOk(PlatformRole role) => !PlatformRoles.IsAdmin(role) || AdminFactorSatisfied;

    /// <summary>
    /// Fills in the signed-in person, once a request: Accounts' <c>CurrentUserMiddleware</c> calls it after checking the
    /// session, the account and its security stamp, and loading the grants.
    /// </summary>
    internal void SignedIn(Guid id, Guid sessionId, string? email, string? displayName, bool twoFactorEnabled, bool passwordExpired,
        bool mustChangePassword, bool signedInWithSecondFactor, bool adminFactorSatisfied, IReadOnlyList<ScopedRole> grants)
    {
        SessionId = sessionId;
        Id = id;
        Email = email;
        DisplayName = displayName;
        TwoFactorEnabled = twoFactorEnabled;
        PasswordExpired = passwordExpired;
        MustChangePassword = mustChangePassword;
        SignedInWithSecondFactor = signedInWithSecondFactor;
        AdminFactorSatisfied = adminFactorSatisfied;
        Grants = grants;
    }
}

using System.Security.Claims;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// The signed-in person for this request, loaded once from the database with their scoped role grants. Loading
/// it from the database (not only from the token) is what makes a token of a deleted user, or one issued before
/// a password change, stop working at once.
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
    public IReadOnlyList<RoleGrant> Grants { get; private set; } = [];

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

    /// <summary>Returns false when the account no longer exists, its security stamp changed, or the session is no longer live.</summary>
    internal async Task<bool> LoadAsync(ClaimsPrincipal principal, AppDbContext db, bool development, SecurityPolicy policy,
        DateTimeOffset now, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ||
            !Guid.TryParse(principal.FindFirstValue(AppSignInManager.SessionClaim), out var sessionId))
        {
            return false;
        }
        // One read for the session, its account and the account's grants. The session must be live (not signed out here or remotely, not
        // idle too long, not past its lifetime) and the account's security stamp unchanged.
        var row = await (from session in db.Set<UserSession>().AsNoTracking()
                         join u in db.Users.AsNoTracking() on session.UserId equals u.Id
                         where session.Id == sessionId && session.UserId == id
                         select new
                         {
                             session.RevokedAt,
                             session.LastSeenAt,
                             session.CreatedAt,
                             u.Email,
                             u.DisplayName,
                             u.SecurityStamp,
                             u.TwoFactorEnabled,
                             u.PasswordChangedAt,
                             u.MustChangePassword,
                             // The grants in the same round trip (a join), not a second query on every request.
                             Grants = db.RoleGrants.AsNoTracking().Where(g => g.UserId == u.Id).ToList(),
                         }).FirstOrDefaultAsync(ct);
        var stamp = principal.FindFirstValue("AspNet.Identity.SecurityStamp");
        if (row is null || row.RevokedAt is not null ||
            row.LastSeenAt.AddMinutes(policy.IdleTimeoutMinutes) < now ||
            row.CreatedAt.AddHours(policy.AbsoluteSessionHours) < now ||
            stamp is null || !string.Equals(stamp, row.SecurityStamp, StringComparison.Ordinal))
        {
            return false;
        }
        if (now - row.LastSeenAt > TimeSpan.FromMinutes(1))
        {
            // Written at most once a minute per session: enough for a 30-minute idle limit, cheap under load.
            await db.Set<UserSession>().Where(x => x.Id == sessionId).ExecuteUpdateAsync(x => x.SetProperty(v => v.LastSeenAt, now), ct);
        }
        SessionId = sessionId;
        Id = id;
        Email = row.Email;
        DisplayName = row.DisplayName;
        TwoFactorEnabled = row.TwoFactorEnabled;
        PasswordExpired = policy.PasswordMaxAgeDays > 0 && row.PasswordChangedAt is { } changed && changed.AddDays(policy.PasswordMaxAgeDays) < now;
        MustChangePassword = row.MustChangePassword;
        SignedInWithSecondFactor = principal.HasClaim("amr", "mfa");
        AdminFactorSatisfied = development || (row.TwoFactorEnabled && SignedInWithSecondFactor);
        Grants = row.Grants;
        return true;
    }
}

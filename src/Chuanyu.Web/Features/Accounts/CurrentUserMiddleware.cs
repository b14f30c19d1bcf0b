using System.Security.Claims;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// Runs after authentication: loads <see cref="CurrentUser"/> and refuses principals whose account is gone or whose
/// security stamp changed (deleted user, password reset, forced sign-out) — for bearer tokens as well as cookies. Accounts'
/// own: it reads the sessions, the accounts and the role grants, and enforces the security policy's password rules.
/// </summary>
public sealed class CurrentUserMiddleware(RequestDelegate next)
{
    // What a person whose password expired may still reach: the change itself, sign-out, the language switch, errors.
    private static readonly string[] AllowedWithExpiredPassword =
        ["/Me/ChangePassword", "/Accounts/Logout", "/culture", "/Error", "/api/v1/me/password", "/lib", "/css", "/js"];

    public async Task InvokeAsync(HttpContext context, CurrentUser currentUser, AppDbContext db, IHostEnvironment env,
        SecurityPolicyStore policy, SystemSettingsStore system, TimeProvider clock, LinkGenerator links)
    {
        await policy.RefreshIfStaleAsync(context.RequestAborted);
        await system.RefreshIfStaleAsync(context.RequestAborted);
        // A signed API client is no person: CurrentUser stays empty, and the client's own claims say who called.
        if (context.User.Identity?.IsAuthenticated == true && !ApiClients.ApiClientClaims.IsClient(context.User) &&
            !await LoadAsync(currentUser, context.User, db, env.IsDevelopment(), policy.Current, clock.GetUtcNow(), context.RequestAborted))
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await ApiProblem.Result(StatusCodes.Status401Unauthorized, "Accounts.CredentialsRevoked", new Message("Accounts.CredentialsRevoked"))
                    .Titled(new Message("Accounts.CredentialsRevokedTitle")).ExecuteAsync(context);
                return;
            }
            await context.SignOutAsync(IdentityConstants.ApplicationScheme);
            context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        }
        if (currentUser.PasswordChangeRequired && !AllowedWithExpiredPassword.Any(p => context.Request.Path.StartsWithSegments(p)))
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                var reason = currentUser.MustChangePassword ? "Accounts.InitialPassword" : "Accounts.PasswordExpired";
                await ApiProblem.Result(StatusCodes.Status403Forbidden, reason, new Message(reason))
                    .Titled(new Message(reason + "Title")).ExecuteAsync(context);
                return;
            }
            context.Response.Redirect(links.GetPathByPage(context, "/Me/ChangePassword") ?? throw new InvalidOperationException("no page /Me/ChangePassword"));
            return;
        }
        await next(context);
    }

    /// <summary>Returns false when the account no longer exists, its security stamp changed, or the session is no longer live.</summary>
    private static async Task<bool> LoadAsync(CurrentUser me, ClaimsPrincipal principal, AppDbContext db, bool development, SecurityPolicy policy,
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
                             Grants = db.Set<RoleGrant>().AsNoTracking().Where(g => g.UserId == u.Id)
                                 .Select(g => new ScopedRole(g.Role, g.RegionCode, g.OrganizationId)).ToList(),
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
        var signedInWithSecondFactor = principal.HasClaim("amr", "mfa");
        me.SignedIn(id, sessionId, row.Email, row.DisplayName, row.TwoFactorEnabled,
            passwordExpired: policy.PasswordMaxAgeDays > 0 && row.PasswordChangedAt is { } changed && changed.AddDays(policy.PasswordMaxAgeDays) < now,
            row.MustChangePassword, signedInWithSecondFactor,
            adminFactorSatisfied: development || (row.TwoFactorEnabled && signedInWithSecondFactor),
            row.Grants);
        return true;
    }
}

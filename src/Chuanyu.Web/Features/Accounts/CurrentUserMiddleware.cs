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
        SecurityPolicyStore policy, SystemSettingsStore system, SessionCache sessions, TimeProvider clock, LinkGenerator links)
    {
        await policy.RefreshIfStaleAsync(context.RequestAborted);
        await system.RefreshIfStaleAsync(context.RequestAborted);
        // A signed API client is no person: CurrentUser stays empty, and the client's own claims say who called.
        if (context.User.Identity?.IsAuthenticated == true && !ApiClients.ApiClientClaims.IsClient(context.User) &&
            !await LoadAsync(currentUser, context.User, db, sessions, env.IsDevelopment(), policy.Current, clock.GetUtcNow(), context.RequestAborted))
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

    /// <summary>
    /// Returns false when the account no longer exists or is locked, its security stamp changed, or the session is no
    /// longer live. Served from <see cref="SessionCache"/> when it holds the session; read from the database otherwise.
    /// </summary>
    private static async Task<bool> LoadAsync(CurrentUser me, ClaimsPrincipal principal, AppDbContext db, SessionCache cache, bool development,
        SecurityPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ||
            !Guid.TryParse(principal.FindFirstValue(AppSignInManager.SessionClaim), out var sessionId))
        {
            return false;
        }
        var stamp = principal.FindFirstValue("AspNet.Identity.SecurityStamp");
        await cache.EnsureCurrentAsync(ct);
        if (!cache.TryGet(sessionId, out var state) || !Live(state, id, stamp, policy, now))
        {
            // Not held, or held but looking ended: read it (another instance may have seen the session since).
            var generation = cache.Generation;
            var read = await ReadAsync(db, id, sessionId, ct);
            if (read is null)
            {
                return false;
            }
            state = read;
            cache.Keep(sessionId, state, generation);
            if (!Live(state, id, stamp, policy, now))
            {
                return false;
            }
        }
        if (now - state.LastSeenAt > TimeSpan.FromMinutes(1))
        {
            // Written at most once a minute per session: enough for a 30-minute idle limit, cheap under load.
            await db.Set<UserSession>().Where(x => x.Id == sessionId).ExecuteUpdateAsync(x => x.SetProperty(v => v.LastSeenAt, now), ct);
            cache.Touch(sessionId, now);
        }
        var signedInWithSecondFactor = principal.HasClaim("amr", "mfa");
        me.SignedIn(id, sessionId, state.Email, state.DisplayName, state.TwoFactorEnabled,
            passwordExpired: policy.PasswordMaxAgeDays > 0 && state.PasswordChangedAt is { } changed && changed.AddDays(policy.PasswordMaxAgeDays) < now,
            state.MustChangePassword, signedInWithSecondFactor,
            adminFactorSatisfied: development || (state.TwoFactorEnabled && signedInWithSecondFactor),
            state.Grants);
        return true;
    }

    /// <summary>Live: not signed out here or remotely, not idle too long, not past its lifetime, the account not locked and its stamp unchanged.</summary>
    private static bool Live(SessionState s, Guid userId, string? stamp, SecurityPolicy policy, DateTimeOffset now) =>
        s.UserId == userId && s.RevokedAt is null &&
        s.LastSeenAt.AddMinutes(policy.IdleTimeoutMinutes) >= now &&
        s.CreatedAt.AddHours(policy.AbsoluteSessionHours) >= now &&
        !(s.LockoutEnd > now) &&
        stamp is not null && string.Equals(stamp, s.SecurityStamp, StringComparison.Ordinal);

    /// <summary>One read for the session, its account and the account's grants (a join, not a second query).</summary>
    private static async Task<SessionState?> ReadAsync(AppDbContext db, Guid userId, Guid sessionId, CancellationToken ct)
    {
        var state = await (from session in db.Set<UserSession>().AsNoTracking()
                           join u in db.Users.AsNoTracking() on session.UserId equals u.Id
                           where session.Id == sessionId && session.UserId == userId
                           select new SessionState(session.UserId, session.RevokedAt, session.LastSeenAt, session.CreatedAt, u.Email, u.DisplayName,
                               u.SecurityStamp, u.TwoFactorEnabled, u.PasswordChangedAt, u.MustChangePassword, u.LockoutEnd,
                               db.Set<RoleGrant>().AsNoTracking().Where(g => g.UserId == u.Id).Select(g => new ScopedRole(g.Role, g.RegionCode, g.OrganizationId)).ToList()))
            .FirstOrDefaultAsync(ct);
        return state is null ? null : state with { Organizations = await OrganizationService.MyOrganizations(db, userId).ToListAsync(ct) };
    }
}

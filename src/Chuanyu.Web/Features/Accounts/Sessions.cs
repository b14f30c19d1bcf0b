using System.Security.Claims;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// One sign-in: a browser session or an API token. Kept on the server so it can end before its cookie or token
/// expires — idle too long, older than the absolute lifetime, or signed out remotely by its owner.
/// </summary>
public sealed class UserSession
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string Kind { get; set; } = "web";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.ToTable("user_sessions");
        b.Property(x => x.Kind).HasMaxLength(10);
        b.Property(x => x.IpAddress).HasMaxLength(64);
        b.Property(x => x.UserAgent).HasMaxLength(300);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.UserId, x.RevokedAt });
    }
}

/// <summary>Adds the session id (<c>sid</c>) to every principal it signs in, creating the server-side session.</summary>
public sealed class AppSignInManager(
    UserManager<AppUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<AppUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation, AppDbContext db, SessionCache sessions, TimeProvider clock)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public const string SessionClaim = "sid";

    public override async Task<ClaimsPrincipal> CreateUserPrincipalAsync(AppUser user)
    {
        var principal = await base.CreateUserPrincipalAsync(user);
        var context = Context;
        // Re-issuing the cookie of a session (after enrolling 2FA or changing the password) keeps that session.
        var current = context.User.FindFirstValue(SessionClaim);
        var sameUser = context.User.FindFirstValue(ClaimTypes.NameIdentifier) == user.Id.ToString();
        Guid sessionId;
        if (sameUser && Guid.TryParse(current, out var existing) && await db.Set<UserSession>().AnyAsync(s => s.Id == existing && s.RevokedAt == null))
        {
            sessionId = existing;
        }
        else
        {
            var now = clock.GetUtcNow();
            var agent = context.Request.Headers.UserAgent.ToString();
            var session = new UserSession
            {
                Id = Guid.CreateVersion7(),
                UserId = user.Id,
                Kind = AuthenticationScheme == IdentityConstants.BearerScheme ? "api" : "web",
                CreatedAt = now,
                LastSeenAt = now,
                IpAddress = context.Connection.RemoteIpAddress?.ToString(),
                UserAgent = agent.Length > 300 ? agent[..300] : agent,
            };
            db.Set<UserSession>().Add(session);
            await db.SaveChangesAsync();
            db.Entry(session).State = EntityState.Detached;
            sessionId = session.Id;
        }
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(SessionClaim, sessionId.ToString()));
        return principal;
    }

    public override async Task SignOutAsync()
    {
        if (Guid.TryParse(Context.User.FindFirstValue(SessionClaim), out var sessionId))
        {
            var now = clock.GetUtcNow();
            await db.Set<UserSession>().Where(s => s.Id == sessionId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now));
            sessions.Forget(sessionId);
            await SessionCache.BumpAsync(db, now, default);
        }
        await base.SignOutAsync();
    }
}

public sealed record SessionDto(Guid Id, string Kind, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string? IpAddress, string? UserAgent, bool Current);

/// <summary>A person's own live sessions, and remote sign-out of any of them.</summary>
public sealed class SessionService(AppDbContext db, Infrastructure.CurrentUser me, Infrastructure.AuditLog audit, SessionCache sessions, TimeProvider clock)
{
    public async Task<IReadOnlyList<SessionDto>> ListAsync(CancellationToken ct)
    {
        var rows = await db.Set<UserSession>().AsNoTracking().Where(s => s.UserId == me.Id && s.RevokedAt == null)
            .OrderByDescending(s => s.LastSeenAt).ToListAsync(ct);
        return rows.Select(s => new SessionDto(s.Id, s.Kind, s.CreatedAt, s.LastSeenAt, s.IpAddress, s.UserAgent, s.Id == me.SessionId)).ToList();
    }

    /// <summary>Ends one of the caller's sessions; another person's session id is simply not found.</summary>
    public async Task<ServiceResult> RevokeAsync(Guid sessionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await db.Set<UserSession>().Where(s => s.Id == sessionId && s.UserId == me.Id && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        if (rows == 0)
        {
            return new ServiceResult.NotFound();
        }
        sessions.Forget(sessionId);
        await SessionCache.BumpAsync(db, now, ct);
        await audit.RecordAsync("auth.session.revoke", $"session:{sessionId}", ct: ct);
        return new ServiceResult.Ok();
    }
}

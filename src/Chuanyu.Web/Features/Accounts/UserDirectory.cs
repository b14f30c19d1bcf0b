using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>A person as other features see them: the name shown and the address notifications go to.</summary>
public sealed record UserRef
{
    public Guid Id { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
}

/// <summary>Someone who manages an organisation's resources and requests (<see cref="UserDirectory.Managers"/>), with their address.</summary>
public sealed record ManagerRef
{
    public Guid OrganizationId { get; init; }
    public Guid Id { get; init; }
    public string? Email { get; init; }
}

/// <summary>
/// The people of the platform and whom they belong to, for the features that show a name, notify someone or check a
/// colleague: the Accounts feature's read contract over its user and role-grant tables. Every query composes into the
/// caller's (one SQL statement); nothing is loaded whole.
/// </summary>
public sealed class UserDirectory(AppDbContext db)
{
    public IQueryable<UserRef> Users() => db.Users.AsNoTracking().Select(u => new UserRef { Id = u.Id, DisplayName = u.DisplayName, Email = u.Email });

    /// <summary>The account registered with an e-mail address (compared as Identity normalises it), or null.</summary>
    public Task<UserRef?> FindByEmailAsync(string email, CancellationToken ct)
    {
        var normalized = email.Trim().ToUpperInvariant();
        return db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized)
            .Select(u => new UserRef { Id = u.Id, DisplayName = u.DisplayName, Email = u.Email }).FirstOrDefaultAsync(ct);
    }

    /// <summary>Display names by id for a page of rows (ids not found, deleted accounts, are left out).</summary>
    public async Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return list.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => list.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
    }

    /// <summary>The people of an organisation: anyone holding a role there.</summary>
    public IQueryable<Guid> MemberIds(Guid organizationId) =>
        db.Set<RoleGrant>().Where(g => g.OrganizationId == organizationId).Select(g => g.UserId);

    /// <summary>Those who manage an organisation's resources and requests: its instrument managers and organisation admins.</summary>
    public IQueryable<Guid> ManagerIds(Guid organizationId) =>
        db.Set<RoleGrant>().Where(g => g.OrganizationId == organizationId && (g.Role == PlatformRole.ResourceManager || g.Role == PlatformRole.OrgAdmin))
            .Select(g => g.UserId);

    /// <summary>
    /// Every organisation's managers (<see cref="ManagerIds"/>) with their addresses, one row a role: filtered by the
    /// caller's organisation column, it composes into the caller's read (one statement, not a second query).
    /// </summary>
    public IQueryable<ManagerRef> Managers() =>
        // One table and a lookup by key per row, not a join: SQLite can fold such a subquery into the caller's join and use
        // the organisation index, where a joined subquery would be read whole first.
        db.Set<RoleGrant>().Where(g => g.OrganizationId != null && (g.Role == PlatformRole.ResourceManager || g.Role == PlatformRole.OrgAdmin))
            .Select(g => new ManagerRef
            {
                OrganizationId = g.OrganizationId!.Value,
                Id = g.UserId,
                Email = db.Users.Where(u => u.Id == g.UserId).Select(u => u.Email).FirstOrDefault(),
            });

    /// <summary>A person who holds a role in an organisation (a colleague one may book for), or null when they hold none there.</summary>
    public Task<UserRef?> ColleagueAsync(Guid userId, Guid organizationId, CancellationToken ct) =>
        Users().Where(u => u.Id == userId && db.Set<RoleGrant>().Any(g => g.UserId == userId && g.OrganizationId == organizationId)).FirstOrDefaultAsync(ct);
}

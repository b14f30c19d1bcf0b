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

    /// <summary>Whether a person holds any role in an organisation (a colleague one may book for).</summary>
    public Task<bool> BelongsToAsync(Guid userId, Guid organizationId, CancellationToken ct) =>
        db.Set<RoleGrant>().AnyAsync(g => g.UserId == userId && g.OrganizationId == organizationId, ct);
}

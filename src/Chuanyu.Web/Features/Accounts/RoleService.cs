using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// Platform-wide role grants and revocations by the security administrator (the API and the /Admin/Users page share
/// these rules): nobody grants or revokes their own roles, and the three separated administrator roles exclude each
/// other (checked here for the message, and by a partial unique index for two grants racing).
/// </summary>
public sealed class RoleService(AppDbContext db, CurrentUser me, AuditLog audit, TimeProvider clock)
{
    public async Task<(RoleGrant? Grant, ServiceResult Result)> GrantAsync(Guid userId, PlatformRole role, string? regionCode, Guid? organizationId, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!Enum.IsDefined(role))
        {
            errors.Add("role", new Message("Accounts.UnknownRole"));
        }
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
        {
            errors.Add("userId", new Message("Accounts.UserNotFound"));
        }
        var needsRegion = role == PlatformRole.RegionAdmin;
        var needsOrg = role is PlatformRole.OrgAdmin or PlatformRole.ResourceManager or PlatformRole.Member;
        if (needsRegion != (regionCode is not null) || (regionCode is not null && !await db.Regions.AnyAsync(r => r.Code == regionCode, ct)))
        {
            errors.Add("regionCode", new Message(needsRegion ? "Accounts.RegionRequired" : "Accounts.RoleNotByRegion"));
        }
        if (needsOrg != (organizationId is not null) || (organizationId is not null && !await db.Organizations.AnyAsync(o => o.Id == organizationId, ct)))
        {
            errors.Add("organizationId", new Message(needsOrg ? "Accounts.OrganizationRequired" : "Accounts.RoleNotByOrganization"));
        }
        if (userId == me.Id)
        {
            errors.Add("userId", new Message("Accounts.NoSelfGrant"));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        if (await db.RoleGrants.AnyAsync(g => g.UserId == userId && g.Role == role && g.RegionCode == regionCode && g.OrganizationId == organizationId, ct))
        {
            return (null, new ServiceResult.Conflict(new Message("Accounts.RoleAlreadyHeld")));
        }
        if (PlatformRoles.IsSeparated(role) &&
            await db.RoleGrants.Where(g => g.UserId == userId && PlatformRoles.Separated.Contains(g.Role)).Select(g => (PlatformRole?)g.Role).FirstOrDefaultAsync(ct) is { } held)
        {
            await audit.RecordAsync("role.grant", $"user:{userId}", AuditOutcome.Failure, $"{role} refused: holds {held} (三员互斥)", ct: ct);
            return (null, SeparationConflict(held, role));
        }
        var grant = new RoleGrant { Id = Guid.CreateVersion7(), UserId = userId, Role = role, RegionCode = regionCode, OrganizationId = organizationId, GrantedBy = me.Id, GrantedAt = clock.GetUtcNow() };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.RoleGrants.Add(grant);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (PlatformRoles.IsSeparated(role))
        {
            // Another grant of a separated role to the same account committed first: the partial unique index refused this one.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return (null, SeparationConflict(null, role));
        }
        await audit.RecordAsync("role.grant", $"user:{userId}", detail: $"{role} {regionCode}{organizationId}".Trim(), ct: ct);
        await tx.CommitAsync(ct);
        return (grant, new ServiceResult.Ok());
    }

    public async Task<ServiceResult> RevokeAsync(Guid grantId, CancellationToken ct)
    {
        var grant = await db.RoleGrants.FirstOrDefaultAsync(g => g.Id == grantId, ct);
        if (grant is null)
        {
            return new ServiceResult.NotFound();
        }
        if (grant.UserId == me.Id)
        {
            return new ServiceResult.Conflict(new Message("Accounts.NoSelfRevoke"));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.RoleGrants.Remove(grant);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("role.revoke", $"user:{grant.UserId}", detail: $"{grant.Role} {grant.RegionCode}{grant.OrganizationId}".Trim(), ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    private static ServiceResult.Conflict SeparationConflict(PlatformRole? held, PlatformRole wanted) =>
        new(new Message("Accounts.SeparatedRoles", held is null ? new Message("Accounts.AnotherSeparatedRole") : Messages.Label(held.Value), Messages.Label(wanted)));
}

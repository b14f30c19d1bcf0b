using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>Platform-wide role grants and revocations (the API and the /Admin/Users page share these rules).</summary>
public sealed class RoleService(AppDbContext db, CurrentUser me, AuditLog audit, TimeProvider clock)
{
    public async Task<(RoleGrant? Grant, ServiceResult Result)> GrantAsync(Guid userId, PlatformRole role, string? regionCode, Guid? organizationId, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!Enum.IsDefined(role))
        {
            errors.Add("role", "未知角色。");
        }
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
        {
            errors.Add("userId", "用户不存在。");
        }
        var needsRegion = role == PlatformRole.RegionAdmin;
        var needsOrg = role is PlatformRole.OrgAdmin or PlatformRole.ResourceManager or PlatformRole.Member;
        if (needsRegion != (regionCode is not null) || (regionCode is not null && !await db.Regions.AnyAsync(r => r.Code == regionCode, ct)))
        {
            errors.Add("regionCode", needsRegion ? "地区管理员须指定有效的地区代码。" : "该角色不按地区授予。");
        }
        if (needsOrg != (organizationId is not null) || (organizationId is not null && !await db.Organizations.AnyAsync(o => o.Id == organizationId, ct)))
        {
            errors.Add("organizationId", needsOrg ? "单位角色须指定有效的单位。" : "该角色不按单位授予。");
        }
        if (userId == me.Id)
        {
            errors.Add("userId", "不能给自己授予角色。");
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        if (await db.RoleGrants.AnyAsync(g => g.UserId == userId && g.Role == role && g.RegionCode == regionCode && g.OrganizationId == organizationId, ct))
        {
            return (null, new ServiceResult.Conflict("该用户已拥有此角色。"));
        }
        var grant = new RoleGrant { Id = Guid.CreateVersion7(), UserId = userId, Role = role, RegionCode = regionCode, OrganizationId = organizationId, GrantedBy = me.Id, GrantedAt = clock.GetUtcNow() };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.RoleGrants.Add(grant);
        await db.SaveChangesAsync(ct);
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
        if (grant.UserId == me.Id && grant.Role == PlatformRole.PlatformAdmin)
        {
            return new ServiceResult.Conflict("不能撤销自己的平台管理员角色，请由另一位平台管理员操作。");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.RoleGrants.Remove(grant);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("role.revoke", $"user:{grant.UserId}", detail: $"{grant.Role} {grant.RegionCode}{grant.OrganizationId}".Trim(), ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}

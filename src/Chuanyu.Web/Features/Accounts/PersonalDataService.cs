using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

public sealed record PersonalDataExport(
    ExportWatermark Watermark,
    PersonalAccount Account,
    IReadOnlyList<RoleDto> Roles,
    IReadOnlyList<MyOrganizationDto> Organizations,
    IReadOnlyList<PersonalAuditEvent> SignInsAndActions);

public sealed record ExportWatermark(string ExportedBy, DateTimeOffset ExportedAt, string Notice);
public sealed record PersonalAccount(Guid Id, string Email, string DisplayName, string? Mobile, bool EmailConfirmed, bool TwoFactorEnabled, DateTimeOffset CreatedAt);
public sealed record PersonalAuditEvent(DateTimeOffset At, string Action, string Outcome, string? IpAddress);

/// <summary>
/// 个人信息保护法 Art. 44–47: a person may see and copy the personal information the platform holds about them, and
/// have it deleted. Exports carry a watermark (who exported, when) and are audited.
/// </summary>
public sealed class PersonalDataService(AppDbContext db, CurrentUser me, UserManager<AppUser> users, AuditLog audit, TimeProvider clock,
    OrganizationService organizations, Infrastructure.Crypto.FieldProtector protector)
{
    public async Task<PersonalDataExport> ExportAsync(CancellationToken ct)
    {
        var id = me.Id!.Value;
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == id, ct);
        var orgs = await organizations.ListForUserAsync(id, ct);
        var events = await db.AuditEntries.AsNoTracking().Where(e => e.ActorId == id).OrderByDescending(e => e.Seq).Take(1000)
            .Select(e => new PersonalAuditEvent(e.At, e.Action, e.Outcome.ToString(), e.IpAddress)).ToListAsync(ct);
        var now = clock.GetUtcNow();
        await audit.RecordAsync("privacy.export", $"user:{id}", ct: ct);
        return new PersonalDataExport(
            new ExportWatermark(user.Email!, now, new Message("Accounts.ExportNotice", user.Email, Display.DateTime(now)).ToString()),
            new PersonalAccount(user.Id, user.Email!, user.DisplayName, user.MobileProtected is null ? null : protector.Unprotect(user.MobileProtected), user.EmailConfirmed, user.TwoFactorEnabled, user.CreatedAt),
            me.Grants.OrderBy(g => g.Role).Select(g => new RoleDto(g.Role, g.RegionCode, g.OrganizationId)).ToList(),
            orgs,
            events);
    }

    /// <summary>The caller's own mobile number (optional; minimum necessary data), stored encrypted; empty removes it.</summary>
    public async Task<ServiceResult> SetMobileAsync(string? mobile, CancellationToken ct)
    {
        var (value, ok) = PersonalInfo.NormalizeMobile(mobile);
        if (!ok)
        {
            var e = new FieldErrors();
            e.Add("mobile", PersonalInfo.MobileFormat);
            return new ServiceResult.Invalid(e);
        }
        if (value is not null && !protector.CanProtect)
        {
            return new ServiceResult.Conflict(PersonalInfo.NoDataKey);
        }
        var id = me.Id!.Value;
        var stored = value is null ? null : protector.Protect(value);
        await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.MobileProtected, stored), ct);
        await audit.RecordAsync("privacy.update-mobile", $"user:{id}", detail: value is null ? "removed" : "set", ct: ct);
        return new ServiceResult.Ok();
    }

    /// <summary>The caller's mobile, masked for display.</summary>
    public async Task<string?> MaskedMobileAsync(CancellationToken ct)
    {
        var id = me.Id!.Value;
        var stored = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.MobileProtected).FirstOrDefaultAsync(ct);
        return PersonalInfo.MaskedMobile(protector, stored);
    }

    /// <summary>
    /// Deletes the account and what hangs on it (roles, memberships). Refused while the person is the only
    /// administrator of an organisation, which would otherwise be left without anyone to run it. Audit rows stay as
    /// they are (account id and e-mail as the actor): the chain must stay verifiable, and 网络安全法 Art. 21 requires
    /// keeping them at least six months.
    /// </summary>
    public async Task<ServiceResult> DeleteAccountAsync(string? confirmEmail, CancellationToken ct)
    {
        var id = me.Id!.Value;
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return new ServiceResult.NotFound();
        }
        if (!string.Equals(confirmEmail?.Trim(), user.Email, StringComparison.OrdinalIgnoreCase))
        {
            var e = new FieldErrors();
            e.Add("confirmEmail", new Message("Accounts.ConfirmEmailMismatch"));
            return new ServiceResult.Invalid(e);
        }
        var adminOf = await db.RoleGrants.Where(g => g.UserId == id && g.Role == PlatformRole.OrgAdmin).Select(g => g.OrganizationId).ToListAsync(ct);
        var soleAdminOf = await db.Organizations.Where(o => adminOf.Contains(o.Id) &&
                !db.Set<RoleGrant>().Any(g => g.OrganizationId == o.Id && g.Role == PlatformRole.OrgAdmin && g.UserId != id))
            .Select(o => o.Name).ToListAsync(ct);
        if (soleAdminOf.Count > 0)
        {
            return new ServiceResult.Conflict(new Message("Accounts.SoleOrganizationAdmin", new SpokenList(new Message("Accounts.QuotedListSeparator"), soleAdminOf)));
        }
        await audit.RecordAsync("privacy.delete-account", $"user:{id}", ct: ct);
        var result = await users.DeleteAsync(user);
        return result.Succeeded ? new ServiceResult.Ok() : new ServiceResult.Conflict(new Message("Accounts.IdentityError", string.Join(" ", result.Errors.Select(x => x.Description))));
    }
}

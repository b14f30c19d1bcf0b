using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

public sealed record OrganizationInput(string? Name, OrganizationKind? Kind, string? CreditCode, string? DistrictCode, string? Address);

/// <summary>
/// Organisations, their verification and their members; shared by the API and the pages so both enforce the
/// same rules. Every decision checks the caller's scope here, not in the caller.
/// </summary>
public sealed class OrganizationService(AppDbContext db, CurrentUser user, AuditLog audit, TimeProvider clock)
{
    public bool CanVerify(Organization org) => user.IsSystemAdmin || user.HasInRegion(PlatformRole.RegionAdmin, org.RegionCode);

    public bool CanManageMembers(Organization org) => user.IsSystemAdmin || user.HasInOrganization(PlatformRole.OrgAdmin, org.Id);

    /// <summary>Pending or rejected organisations are private to their admins and the region's administrators.</summary>
    public bool CanSee(Organization org) => org.Status == OrganizationStatus.Verified || CanVerify(org) || CanManageMembers(org);

    public async Task<FieldErrors> ValidateAsync(OrganizationInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add("name", new Message("Accounts.OrganizationNameRequired"));
        }
        else if (name.Length > 200)
        {
            errors.Add("name", new Message("Accounts.OrganizationNameTooLong"));
        }
        if (input.Kind is null || !Enum.IsDefined(input.Kind.Value))
        {
            errors.Add("kind", new Message("Accounts.OrganizationKindRequired"));
        }
        if (CreditCode.Check(input.CreditCode) is { } creditError)
        {
            errors.Add("creditCode", creditError);
        }
        else
        {
            var code = CreditCode.Normalize(input.CreditCode);
            if (await db.Organizations.AnyAsync(o => o.CreditCode == code, ct))
            {
                errors.Add("creditCode", new Message("Accounts.CreditCodeTaken"));
            }
        }
        if (string.IsNullOrWhiteSpace(input.DistrictCode) || !await db.Districts.AnyAsync(d => d.Code == input.DistrictCode, ct))
        {
            errors.Add("districtCode", new Message("Accounts.DistrictRequired"));
        }
        if (input.Address?.Length > 300)
        {
            errors.Add("address", new Message("Accounts.AddressTooLong"));
        }
        return errors;
    }

    /// <summary>Registers an organisation pending verification; its creator becomes its first administrator.</summary>
    public async Task<(Organization? Organization, FieldErrors Errors)> CreateAsync(OrganizationInput input, CancellationToken ct)
    {
        var errors = await ValidateAsync(input, ct);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var now = clock.GetUtcNow();
        var district = await db.Districts.AsNoTracking().FirstAsync(d => d.Code == input.DistrictCode, ct);
        var org = new Organization
        {
            Id = Guid.CreateVersion7(),
            Name = input.Name!.Trim(),
            Kind = input.Kind!.Value,
            CreditCode = CreditCode.Normalize(input.CreditCode),
            RegionCode = district.RegionCode,
            DistrictCode = district.Code,
            Address = string.IsNullOrWhiteSpace(input.Address) ? null : input.Address.Trim(),
            Status = OrganizationStatus.Pending,
            CreatedBy = user.Id!.Value,
            CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Organizations.Add(org);
        db.RoleGrants.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = org.CreatedBy, Role = PlatformRole.OrgAdmin, OrganizationId = org.Id, GrantedBy = org.CreatedBy, GrantedAt = now });
        db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), OrganizationId = org.Id, UserId = org.CreatedBy, Status = MembershipStatus.Approved, RequestedAt = now, DecidedAt = now, DecidedBy = org.CreatedBy });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two registrations of the same credit code raced past validation; the unique index decided.
            db.ChangeTracker.Clear();
            var e = new FieldErrors();
            e.Add("creditCode", new Message("Accounts.CreditCodeTaken"));
            return (null, e);
        }
        await audit.RecordAsync("organization.register", $"organization:{org.Id}", detail: $"{org.Name} {org.CreditCode}", ct: ct);
        await tx.CommitAsync(ct);
        return (org, errors);
    }

    public async Task<ServiceResult> VerifyAsync(Guid id, bool approve, string? note, CancellationToken ct)
    {
        var org = await db.Organizations.FirstOrDefaultAsync(o => o.Id == id, ct);
        if (org is null || !CanSee(org))
        {
            return new ServiceResult.NotFound();
        }
        if (!CanVerify(org))
        {
            return new ServiceResult.Forbidden();
        }
        if (note?.Length > 500)
        {
            var e = new FieldErrors();
            e.Add("note", new Message("Accounts.NoteTooLong"));
            return new ServiceResult.Invalid(e);
        }
        if (!approve && string.IsNullOrWhiteSpace(note))
        {
            var e = new FieldErrors();
            e.Add("note", new Message("Accounts.RejectionNoteRequired"));
            return new ServiceResult.Invalid(e);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        org.Status = approve ? OrganizationStatus.Verified : OrganizationStatus.Rejected;
        org.StatusNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        org.VerifiedBy = user.Id;
        org.VerifiedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(approve ? "organization.verify" : "organization.reject", $"organization:{org.Id}", detail: $"{org.Name} {note}".Trim(), ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    public async Task<ServiceResult> RequestMembershipAsync(Guid organizationId, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, ct);
        if (org is null || org.Status != OrganizationStatus.Verified)
        {
            return new ServiceResult.NotFound();
        }
        var userId = user.Id!.Value;
        var existing = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct);
        if (existing is { Status: MembershipStatus.Pending or MembershipStatus.Approved })
        {
            return new ServiceResult.Conflict(new Message(existing.Status == MembershipStatus.Approved ? "Accounts.AlreadyMember" : "Accounts.MembershipPending"));
        }
        if (existing is not null)
        {
            existing.Status = MembershipStatus.Pending;
            existing.RequestedAt = clock.GetUtcNow();
            existing.DecidedAt = null;
            existing.DecidedBy = null;
        }
        else
        {
            db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), OrganizationId = organizationId, UserId = userId, Status = MembershipStatus.Pending, RequestedAt = clock.GetUtcNow() });
        }
        await db.SaveChangesAsync(ct);
        return new ServiceResult.Ok();
    }

    public async Task<ServiceResult> DecideMembershipAsync(Guid organizationId, Guid membershipId, bool approve, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, ct);
        if (org is null || !CanSee(org))
        {
            return new ServiceResult.NotFound();
        }
        if (!CanManageMembers(org))
        {
            return new ServiceResult.Forbidden();
        }
        // The membership must belong to this organisation: an id from another organisation is simply not found.
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.Id == membershipId && m.OrganizationId == organizationId, ct);
        if (membership is null)
        {
            return new ServiceResult.NotFound();
        }
        if (membership.Status != MembershipStatus.Pending)
        {
            return new ServiceResult.Conflict(new Message("Accounts.MembershipDecided"));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        membership.Status = approve ? MembershipStatus.Approved : MembershipStatus.Rejected;
        membership.DecidedBy = user.Id;
        membership.DecidedAt = clock.GetUtcNow();
        if (approve)
        {
            db.RoleGrants.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = membership.UserId, Role = PlatformRole.Member, OrganizationId = organizationId, GrantedBy = user.Id, GrantedAt = clock.GetUtcNow() });
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(approve ? "membership.approve" : "membership.reject", $"organization:{organizationId}", detail: $"user:{membership.UserId}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>An organisation admin grants or revokes organisation roles (OrgAdmin, ResourceManager) to its approved members.</summary>
    public async Task<ServiceResult> SetOrganizationRoleAsync(Guid organizationId, Guid userId, PlatformRole role, bool grant, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, ct);
        if (org is null || !CanSee(org))
        {
            return new ServiceResult.NotFound();
        }
        if (!CanManageMembers(org))
        {
            return new ServiceResult.Forbidden();
        }
        if (role is not (PlatformRole.OrgAdmin or PlatformRole.ResourceManager))
        {
            var e = new FieldErrors();
            e.Add("role", new Message("Accounts.OrganizationRoleNotGrantable"));
            return new ServiceResult.Invalid(e);
        }
        if (!await db.Memberships.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == userId && m.Status == MembershipStatus.Approved, ct))
        {
            return new ServiceResult.NotFound();
        }
        if (!grant && role == PlatformRole.OrgAdmin && userId == user.Id)
        {
            return new ServiceResult.Conflict(new Message("Accounts.NoSelfRevokeOrgAdmin"));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.RoleGrants.FirstOrDefaultAsync(g => g.UserId == userId && g.Role == role && g.OrganizationId == organizationId, ct);
        if (grant && existing is null)
        {
            db.RoleGrants.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = userId, Role = role, OrganizationId = organizationId, GrantedBy = user.Id, GrantedAt = clock.GetUtcNow() });
        }
        else if (!grant && existing is not null)
        {
            db.RoleGrants.Remove(existing);
        }
        else
        {
            return new ServiceResult.Ok();
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(grant ? "role.grant" : "role.revoke", $"user:{userId}", detail: $"{role} organization:{organizationId}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>The organisations a person belongs to or asked to join (user centre, /me, personal-data export).</summary>
    public Task<List<MyOrganizationDto>> ListForUserAsync(Guid userId, CancellationToken ct) => MyOrganizations(db, userId).ToListAsync(ct);

    /// <summary>A person's organisations with the membership's state (the session cache holds them for <c>/api/v1/me</c>).</summary>
    internal static IQueryable<MyOrganizationDto> MyOrganizations(AppDbContext db, Guid userId) =>
        from m in db.Memberships.AsNoTracking()
        join o in db.Organizations.AsNoTracking() on m.OrganizationId equals o.Id
        where m.UserId == userId
        orderby o.Name
        select new MyOrganizationDto(o.Id, o.Name, o.Status, m.Status);

    public sealed record MemberRow(Guid MembershipId, Guid UserId, string DisplayName, string MaskedEmail, MembershipStatus Status, DateTimeOffset RequestedAt, IReadOnlyList<PlatformRole> Roles);

    public async Task<IReadOnlyList<MemberRow>> ListMembersAsync(Guid organizationId, CancellationToken ct)
    {
        var rows = await (from m in db.Memberships.AsNoTracking()
                          join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                          where m.OrganizationId == organizationId && m.Status != MembershipStatus.Rejected
                          orderby m.Status, u.DisplayName
                          select new { m.Id, m.UserId, u.DisplayName, u.Email, m.Status, m.RequestedAt }).ToListAsync(ct);
        var grants = await db.RoleGrants.AsNoTracking().Where(g => g.OrganizationId == organizationId)
            .Select(g => new { g.UserId, g.Role }).ToListAsync(ct);
        return rows.Select(r => new MemberRow(r.Id, r.UserId, r.DisplayName, Masking.Email(r.Email), r.Status, r.RequestedAt,
            grants.Where(g => g.UserId == r.UserId).Select(g => g.Role).OrderBy(x => x).ToList())).ToList();
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Deals;

/// <summary>
/// The technology manager registry (技术经理人, issue 17 point 4). A user registers one profile; a region administrator of
/// the profile's region (its organisation's region) approves or rejects it with a note; a changed profile is reviewed
/// again. The phone is encrypted at rest and masked everywhere but on the manager's own profile; an administrator reads
/// it in full through <see cref="PhoneAsync"/>, audited.
/// </summary>
public sealed class TechManagers(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, FieldProtector protector, AuditLog audit, TimeProvider clock)
{
    public Task<TechManagerProfile?> MineAsync(CancellationToken ct) =>
        me.Id is { } id ? db.Set<TechManagerProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.UserId == id, ct) : Task.FromResult<TechManagerProfile?>(null);

    /// <summary>The caller's approved profile, or null: only approved managers take deals.</summary>
    public async Task<TechManagerProfile?> ApprovedMineAsync(CancellationToken ct) =>
        await MineAsync(ct) is { Status: TechManagerStatus.Approved } p ? p : null;

    /// <summary>Whether the caller is an approved manager (the market and the events show "start a deal" to them only).</summary>
    public async Task<bool> IsApprovedAsync(CancellationToken ct) => await ApprovedMineAsync(ct) is not null;

    public async Task<TechManagerDto?> GetMineAsync(CancellationToken ct) =>
        await MineAsync(ct) is { } p ? (await DtosAsync([p], fullPhone: true, ct))[0] : null;

    public bool CanReview(TechManagerProfile p) => me.HasInRegion(PlatformRole.RegionAdmin, p.RegionCode);

    /// <summary>Approved managers for everyone: name, organisation, region, level and fields only.</summary>
    public async Task<PagedList<TechManagerPublicDto>> ApprovedAsync(string? region, string? discipline, int page, int pageSize, CancellationToken ct)
    {
        var q = db.Set<TechManagerProfile>().AsNoTracking().Where(p => p.Status == TechManagerStatus.Approved);
        if (!string.IsNullOrWhiteSpace(region))
        {
            q = q.Where(p => p.RegionCode == region);
        }
        if (!string.IsNullOrWhiteSpace(discipline))
        {
            var code = " " + discipline.Trim() + " ";
            q = q.Where(p => p.Disciplines.Contains(code));
        }
        var total = await q.CountAsync(ct);
        var rows = await q.OrderBy(p => p.DisplayName).ThenBy(p => p.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var names = await OrganizationNamesAsync(rows.Select(r => r.OrganizationId), ct);
        return new PagedList<TechManagerPublicDto>(total, page, pageSize,
            rows.Select(p => new TechManagerPublicDto(p.Id, p.DisplayName, names.GetValueOrDefault(p.OrganizationId, ""), p.RegionCode, p.Level, DealRules.CodesOf(p.Disciplines))).ToList());
    }

    /// <summary>The profiles of the regions the caller administers, by status (default: pending); phones masked.</summary>
    public async Task<PagedList<TechManagerDto>?> ForReviewAsync(TechManagerStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var regions = me.AdminRegions.ToList();
        if (regions.Count == 0)
        {
            return null;
        }
        var wanted = status ?? TechManagerStatus.Pending;
        var q = db.Set<TechManagerProfile>().AsNoTracking().Where(p => regions.Contains(p.RegionCode) && p.Status == wanted);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<TechManagerDto>(total, page, pageSize, await DtosAsync(rows, fullPhone: false, ct));
    }

    /// <summary>The full phone of a profile, for the administrators of its region; every read audited.</summary>
    public async Task<(string? Phone, ServiceResult Result)> PhoneAsync(Guid id, CancellationToken ct)
    {
        var p = await db.Set<TechManagerProfile>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (p is null || !(CanReview(p) || p.UserId == me.Id))
        {
            return (null, new ServiceResult.NotFound());
        }
        await audit.RecordAsync("techmanager.phone.read", $"tech-manager:{id}", ct: ct);
        return (protector.TryUnprotect(p.PhoneProtected) ?? "", new ServiceResult.Ok());
    }

    /// <summary>Registers or edits the caller's profile; a new or changed profile waits for review.</summary>
    public async Task<(TechManagerDto? Profile, ServiceResult Result)> SaveMineAsync(TechManagerInput input, CancellationToken ct)
    {
        if (me.Id is not { } userId)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var errors = new FieldErrors();
        var org = await CheckOrganizationAsync(input.OrganizationId, errors, ct);
        if (input.Level is null)
        {
            errors.Add("level", new Message("Deals.Required"));
        }
        var certificate = DealRules.Text(errors, "certificateNumber", input.CertificateNumber, DealRules.MaxCertificate);
        var today = ChinaTime.Today(clock);
        if (input.CertificateIssuedOn is not { } issued)
        {
            errors.Add("certificateIssuedOn", new Message("Deals.Required"));
        }
        else if (issued > today || issued.Year < 2000)
        {
            errors.Add("certificateIssuedOn", new Message("Deals.IssuedOnRange"));
        }
        var disciplines = DealRules.Disciplines(errors, input.Disciplines);
        var (phone, phoneError) = PersonalInfo.CheckMobile(input.Phone, protector);
        if (phoneError is not null)
        {
            errors.Add("phone", phoneError);
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var now = clock.GetUtcNow();
        var p = await db.Set<TechManagerProfile>().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        var action = "techmanager.register";
        if (p is null)
        {
            p = new TechManagerProfile { Id = Guid.CreateVersion7(), UserId = userId, CreatedAt = now };
            db.Add(p);
        }
        else
        {
            if (input.Version is { } v && v != p.Version)
            {
                return (null, new ServiceResult.Conflict(new Message("Deals.ChangedMeanwhile")));
            }
            action = "techmanager.update";
            p.Version++;
        }
        p.DisplayName = (me.DisplayName ?? me.Email ?? "").Trim() is { Length: > 0 } n ? n[..Math.Min(n.Length, DealRules.MaxName)] : "-";
        p.OrganizationId = org!.Id;
        p.RegionCode = org.RegionCode;
        p.Level = input.Level!.Value;
        p.CertificateNumber = certificate!;
        p.CertificateIssuedOn = input.CertificateIssuedOn!.Value;
        p.Disciplines = disciplines!;
        p.PhoneProtected = phone is null ? null : protector.Protect(phone);
        p.PhoneMasked = phone is null ? null : Masking.Phone(phone);
        p.Status = TechManagerStatus.Pending;
        p.ReviewNote = null;
        p.ReviewedAt = null;
        p.ReviewedBy = null;
        p.UpdatedAt = now;
        var saved = await DealStore.SaveAuditedAsync(db, audit, action, $"tech-manager:{p.Id}", $"organization={p.OrganizationId} region={p.RegionCode} level={p.Level}", ct);
        if (saved is not ServiceResult.Ok)
        {
            return (null, saved);
        }
        return ((await DtosAsync([p], fullPhone: true, ct))[0], new ServiceResult.Ok());
    }

    /// <summary>A region administrator of the profile's region approves it, or rejects it with a note. Others: 404.</summary>
    public async Task<ServiceResult> ReviewAsync(Guid id, TechManagerReviewInput input, CancellationToken ct)
    {
        var p = await db.Set<TechManagerProfile>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (p is null || !CanReview(p))
        {
            return new ServiceResult.NotFound();
        }
        if (input.Version is { } v && v != p.Version)
        {
            return new ServiceResult.Conflict(new Message("Deals.ChangedMeanwhile"));
        }
        var errors = new FieldErrors();
        var note = DealRules.Text(errors, "note", input.Note, DealRules.MaxNote, required: !input.Approve);
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        var now = clock.GetUtcNow();
        p.Status = input.Approve ? TechManagerStatus.Approved : TechManagerStatus.Rejected;
        p.ReviewNote = note;
        p.ReviewedBy = me.Id;
        p.ReviewedAt = now;
        p.UpdatedAt = now;
        p.Version++;
        return await DealStore.SaveAuditedAsync(db, audit, input.Approve ? "techmanager.approve" : "techmanager.reject", $"tech-manager:{p.Id}", $"region={p.RegionCode}", ct);
    }

    /// <summary>A verified organisation the caller belongs to, or a verified intermediary (服务机构), in one of the two regions.</summary>
    private async Task<OrganizationRef?> CheckOrganizationAsync(Guid? id, FieldErrors errors, CancellationToken ct)
    {
        if (id is not { } orgId)
        {
            errors.Add("organizationId", new Message("Deals.Required"));
            return null;
        }
        var org = await organizations.Organizations().FirstOrDefaultAsync(o => o.Id == orgId, ct);
        var member = me.Grants.Any(g => g.OrganizationId == orgId);
        if (org is null || org.Status != OrganizationStatus.Verified || !DealRules.Regions.Contains(org.RegionCode)
            || !(member || org.Kind == OrganizationKind.ServiceProvider))
        {
            errors.Add("organizationId", new Message("Deals.OrganizationRefused"));
            return null;
        }
        return org;
    }

    /// <summary>The organisations a manager may name: verified ones the caller belongs to, and verified intermediaries.</summary>
    public async Task<List<OrganizationRef>> EligibleOrganizationsAsync(CancellationToken ct)
    {
        var mine = me.Grants.Where(g => g.OrganizationId is not null).Select(g => g.OrganizationId!.Value).Distinct().ToList();
        return await organizations.Organizations()
            .Where(o => o.Status == OrganizationStatus.Verified && DealRules.Regions.Contains(o.RegionCode) && (mine.Contains(o.Id) || o.Kind == OrganizationKind.ServiceProvider))
            .OrderBy(o => o.Name).ToListAsync(ct);
    }

    private async Task<Dictionary<Guid, string>> OrganizationNamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return await organizations.Organizations().Where(o => list.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
    }

    private async Task<List<TechManagerDto>> DtosAsync(IReadOnlyList<TechManagerProfile> rows, bool fullPhone, CancellationToken ct)
    {
        var names = await OrganizationNamesAsync(rows.Select(r => r.OrganizationId), ct);
        return rows.Select(p => new TechManagerDto(p.Id, p.DisplayName, p.OrganizationId, names.GetValueOrDefault(p.OrganizationId, ""), p.RegionCode, p.Level,
            p.CertificateNumber, p.CertificateIssuedOn, DealRules.CodesOf(p.Disciplines),
            fullPhone ? protector.TryUnprotect(p.PhoneProtected) : p.PhoneMasked, p.Status, p.ReviewNote, p.ReviewedAt, p.CreatedAt, p.Version)).ToList();
    }

    /// <summary>Display names of managers by profile id (the deal lists name their manager).</summary>
    public Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return db.Set<TechManagerProfile>().AsNoTracking().Where(p => list.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
    }
}

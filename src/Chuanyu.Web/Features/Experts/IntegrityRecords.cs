using System.Linq.Expressions;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// Research integrity records (科研诚信记录, issue 16 point 6), shared by both regions: the region administrators of
/// 500000 and 510000 and the security administrator read every record; only the administrators of the issuing region
/// create, edit, revoke or add documents to one (the other region's get 403, recorded as a refused audit row). Active
/// records keep experts out of the pool (<see cref="IExpertIntegrityCheck"/>) and out of draws
/// (<see cref="BlockedExpertIds"/>), and flag applicant organisations (<see cref="FlaggedOrganizationIds"/>).
/// </summary>
public sealed partial class IntegrityRecords(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, FieldProtector protector,
    AuditLog audit, TimeProvider clock) : IExpertIntegrityCheck
{
    public DateOnly Today => ChinaTime.Today(clock);

    /// <summary>Shared by both regions: any region administrator, and the security administrator.</summary>
    public bool CanRead => me.AdminRegions.Any() || me.Has(PlatformRole.SecurityAdmin);

    /// <summary>Only the issuing region's administrators change a record.</summary>
    public bool CanEdit(string regionCode) => me.HasInRegion(PlatformRole.RegionAdmin, regionCode);

    /// <summary>The full ID number: the issuing region's administrators and the security administrator (docs/security.md), each view audited.</summary>
    public bool CanReveal(string regionCode) => CanEdit(regionCode) || me.Has(PlatformRole.SecurityAdmin);

    /// <summary>The regions the caller may enter records for.</summary>
    public IReadOnlyList<string> EditRegions => me.AdminRegions.Distinct().Order(StringComparer.Ordinal).ToList();

    // ---- what the pool, the draws and the review activities ask ----

    /// <summary>Active on <paramref name="today"/>: not revoked, started, and not yet at its end day (no end: indefinite).</summary>
    public static Expression<Func<IntegrityRecord, bool>> ActiveOn(DateOnly today) =>
        r => r.RevokedAt == null && r.StartDate <= today && (r.EndDate == null || r.EndDate > today);

    /// <summary>The state of a record on <paramref name="today"/> (the same rule as <see cref="ActiveOn"/>).</summary>
    public static IntegrityState StateOn(IntegrityRecord r, DateOnly today) =>
        r.RevokedAt is not null ? IntegrityState.Revoked
        : r.StartDate > today ? IntegrityState.Upcoming
        : r.EndDate is { } end && end <= today ? IntegrityState.Ended
        : IntegrityState.Active;

    private IQueryable<IntegrityRecord> Active(DateOnly today) => db.Set<IntegrityRecord>().AsNoTracking().Where(ActiveOn(today));

    /// <summary>
    /// The experts an active record names, by the linked expert id or by the ID number's blind index: a query that
    /// composes, for the draws' <c>!blocked.Contains(e.Id)</c> (one SQL statement; it starts from the few active records
    /// and seeks experts by their unique <c>id_number_key</c>).
    /// </summary>
    public IQueryable<Guid> BlockedExpertIds(DateOnly today)
    {
        var people = Active(today).Where(r => r.SubjectKind == IntegritySubjectKind.Person);
        var byId = people.Where(r => r.ExpertId != null).Select(r => r.ExpertId!.Value);
        var byIdNumber = people.Join(db.Set<Expert>().AsNoTracking(), r => r.IdNumberKey, e => e.IdNumberKey, (r, e) => e.Id);
        return byId.Union(byIdNumber);
    }

    /// <summary>The organisations an active record names, by id or by credit code (registered after the record was entered): applicants to flag.</summary>
    public IQueryable<Guid> FlaggedOrganizationIds(DateOnly today)
    {
        var orgs = Active(today).Where(r => r.SubjectKind == IntegritySubjectKind.Organization);
        var byId = orgs.Where(r => r.OrganizationId != null).Select(r => r.OrganizationId!.Value);
        var byCode = orgs.Join(organizations.Organizations(), r => r.CreditCode, o => o.CreditCode, (r, o) => o.Id);
        return byId.Union(byCode);
    }

    /// <summary>The entry condition 「无科研诚信、信用或违法犯罪不良记录」 (渝科局发〔2023〕68号): an active record on the person refuses them.</summary>
    public async Task<Message?> BlockingRecordAsync(string idNumberKey, CancellationToken ct)
    {
        var r = await Active(Today).Where(r => r.SubjectKind == IntegritySubjectKind.Person && r.IdNumberKey == idNumberKey)
            .OrderByDescending(r => r.EndDate == null).ThenByDescending(r => r.EndDate).FirstOrDefaultAsync(ct);
        return r is null ? null
            : new Message("Experts.IntegrityBlocked", Messages.Label(r.Type), r.IssuingAuthority, r.EndDate is { } end ? Iso(end) : new Message("Experts.IntegrityIndefinite"));
    }

    internal static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    // ---- reads: both regions ----

    public async Task<(PagedList<IntegrityRecordDto>? List, ServiceResult Result)> ListAsync(IntegrityQuery q, int page, int pageSize, CancellationToken ct)
    {
        if (!CanRead)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var query = Filter(db.Set<IntegrityRecord>().AsNoTracking(), q);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return (new PagedList<IntegrityRecordDto>(total, page, pageSize, await DtosAsync(rows, ct)), new ServiceResult.Ok());
    }

    private IQueryable<IntegrityRecord> Filter(IQueryable<IntegrityRecord> query, IntegrityQuery q)
    {
        var today = Today;
        if (q.SubjectKind is { } kind)
        {
            query = query.Where(r => r.SubjectKind == kind);
        }
        if (q.Type is { } type)
        {
            query = query.Where(r => r.Type == type);
        }
        query = q.State switch
        {
            IntegrityState.Active => query.Where(ActiveOn(today)),
            IntegrityState.Revoked => query.Where(r => r.RevokedAt != null),
            IntegrityState.Upcoming => query.Where(r => r.RevokedAt == null && r.StartDate > today),
            IntegrityState.Ended => query.Where(r => r.RevokedAt == null && r.EndDate != null && r.EndDate <= today),
            _ => query,
        };
        if (!string.IsNullOrWhiteSpace(q.Region))
        {
            var region = q.Region.Trim();
            query = query.Where(r => r.RegionCode == region);
        }
        if (!string.IsNullOrWhiteSpace(q.Q))
        {
            var term = q.Q.Trim();
            var code = CreditCode.Normalize(term);
            query = query.Where(r => r.SubjectName.Contains(term) || r.IssuingAuthority.Contains(term) || r.CreditCode == code);
        }
        if (!string.IsNullOrWhiteSpace(q.IdNumber))
        {
            // By the blind index: the number itself is never compared in SQL (nor stored in clear).
            var key = protector.CanIndex ? protector.BlindIndex(ResidentIdNumber.Normalize(q.IdNumber)) : "";
            query = query.Where(r => r.IdNumberKey == key);
        }
        if (q.ExpertId is { } expertId)
        {
            var key = db.Set<Expert>().Where(e => e.Id == expertId).Select(e => e.IdNumberKey);
            query = query.Where(r => r.ExpertId == expertId || key.Contains(r.IdNumberKey!));
        }
        if (q.OrganizationId is { } orgId)
        {
            var code = organizations.Organizations().Where(o => o.Id == orgId).Select(o => o.CreditCode);
            query = query.Where(r => r.OrganizationId == orgId || code.Contains(r.CreditCode!));
        }
        return query;
    }

    public async Task<(IntegrityRecordDto? Record, ServiceResult Result)> GetAsync(Guid id, CancellationToken ct)
    {
        if (!CanRead)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var r = await db.Set<IntegrityRecord>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return r is null ? (null, new ServiceResult.NotFound()) : ((await DtosAsync([r], ct))[0], new ServiceResult.Ok());
    }

    /// <summary>The unmasked ID number of a person's record; every view and every refused attempt is a <c>privacy.view</c> audit row (never the number).</summary>
    public async Task<(IntegrityIdNumberDto? Data, ServiceResult Result)> RevealAsync(Guid id, string channel, CancellationToken ct)
    {
        if (!CanRead)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var r = await db.Set<IntegrityRecord>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r?.IdNumberProtected is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        if (!CanReveal(r.RegionCode))
        {
            await audit.RecordAsync("privacy.view", $"integrity:{id}", AuditOutcome.Failure, detail: $"id number ({channel})", ct: ct);
            return (null, new ServiceResult.Forbidden());
        }
        await audit.RecordAsync("privacy.view", $"integrity:{id}", detail: $"id number ({channel})", ct: ct);
        return (new IntegrityIdNumberDto(r.Id, r.SubjectName, Open(r.IdNumberProtected) ?? ""), new ServiceResult.Ok());
    }

    private string? Open(string? stored) => ExpertPool.Reveal(protector, stored);

    private async Task<List<IntegrityRecordDto>> DtosAsync(IReadOnlyList<IntegrityRecord> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.Id).ToList();
        var documents = (await db.Set<IntegrityDocument>().AsNoTracking().Where(d => ids.Contains(d.RecordId)).OrderBy(d => d.UploadedAt)
            .Select(d => new { d.RecordId, Dto = new IntegrityDocumentDto(d.Id, d.FileName, d.Size, d.UploadedAt) }).ToListAsync(ct))
            .ToLookup(d => d.RecordId, d => d.Dto);
        var today = Today;
        return rows.Select(r => new IntegrityRecordDto(r.Id, r.SubjectKind, r.SubjectName,
            r.IdNumberProtected is null ? null : Open(r.IdNumberProtected) is { } v ? Masking.IdNumber(v) : null,
            r.ExpertId, r.OrganizationId, r.CreditCode, r.Type, r.Severity, r.StartDate, r.EndDate, r.IssuingAuthority, r.RegionCode, r.Description,
            StateOn(r, today), r.Synthetic, r.CreatedAt, r.UpdatedAt, r.Version, r.RevokedAt, r.RevokedByName, r.RevokedReason,
            CanEdit(r.RegionCode) && r.RevokedAt is null, documents[r.Id].ToList())).ToList();
    }
}

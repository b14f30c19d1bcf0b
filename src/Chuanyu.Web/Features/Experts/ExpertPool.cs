using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// The expert pool's profiles (科技专家库, issue 16 part 1). Anyone reads active experts without personal data; a
/// region's administrators list, create, edit, suspend and remove the experts of their region, with phone, e-mail and ID
/// number masked; the unmasked values only through <see cref="RevealAsync"/>, each view an audit row. An expert linked
/// to an account keeps their own contact data, disciplines and availability.
/// </summary>
public sealed partial class ExpertPool(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, FieldProtector protector,
    AuditLog audit, TimeProvider clock, IExpertIntegrityCheck integrity)
{
    private int CurrentYear => ChinaTime.Today(clock).Year;

    /// <summary>Whether the caller administers the pool of <paramref name="regionCode"/>.</summary>
    public bool CanManage(string regionCode) => me.HasInRegion(PlatformRole.RegionAdmin, regionCode);

    /// <summary>Whether the caller may see an expert's unmasked personal data: the region's administrators and the security administrator (docs/security.md).</summary>
    public bool CanReveal(string regionCode) => CanManage(regionCode) || me.Has(PlatformRole.SecurityAdmin);

    /// <summary>The regions whose pools the caller administers.</summary>
    public IReadOnlyList<string> ManagedRegions => me.AdminRegions.ToList();

    private static IQueryable<Expert> Filter(AppDbContext db, IQueryable<Expert> query, ExpertQuery q)
    {
        if (!string.IsNullOrWhiteSpace(q.Discipline))
        {
            var code = q.Discipline.Trim();
            query = query.Where(e => db.Set<ExpertDiscipline>().Any(d => d.ExpertId == e.Id && d.Code.StartsWith(code)));
        }
        if (q.Title is { } t)
        {
            query = query.Where(e => e.TitleLevel == t);
        }
        if (q.Category is { } c)
        {
            query = query.Where(e => e.Category == c);
        }
        if (!string.IsNullOrWhiteSpace(q.Region))
        {
            query = query.Where(e => e.RegionCode == q.Region);
        }
        if (q.Status is { } s)
        {
            query = query.Where(e => e.Status == s);
        }
        if (!string.IsNullOrWhiteSpace(q.Q))
        {
            var term = q.Q.Trim();
            query = query.Where(e => e.Name.Contains(term) || e.Keywords.Contains(term) || e.IndustryFields.Contains(term)
                || (e.Position != null && e.Position.Contains(term)));
        }
        return q.Sort switch
        {
            ExpertSort.Title => query.OrderBy(e => e.TitleLevel).ThenBy(e => EF.Functions.Collate(e.Name, ChineseCollation.Name)).ThenBy(e => e.Id),
            ExpertSort.Updated => query.OrderByDescending(e => e.UpdatedAt).ThenBy(e => e.Id),
            _ => query.OrderBy(e => EF.Functions.Collate(e.Name, ChineseCollation.Name)).ThenBy(e => e.Id),
        };
    }

    // ---- public reads ----

    public async Task<PagedList<ExpertPublicDto>> PublicListAsync(ExpertQuery q, int page, int pageSize, CancellationToken ct)
    {
        var query = Filter(db, db.Set<Expert>().AsNoTracking().Where(e => e.Status == ExpertStatus.Active), q with { Status = null });
        var total = await query.CountAsync(ct);
        var rows = await query.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<ExpertPublicDto>(total, page, pageSize, await PublicDtosAsync(rows, ct));
    }

    public async Task<ExpertPublicDto?> PublicGetAsync(Guid id, CancellationToken ct) =>
        await db.Set<Expert>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == id && e.Status == ExpertStatus.Active, ct) is { } e
            ? (await PublicDtosAsync([e], ct))[0] : null;

    /// <summary>
    /// The expert an administrator means when excluding one from an activity: the id, or a name that only one active
    /// expert has (null otherwise: the service says the expert is unknown).
    /// </summary>
    public async Task<Guid?> FindForExclusionAsync(string? text, CancellationToken ct)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t))
        {
            return null;
        }
        if (Guid.TryParse(t, out var id))
        {
            return id;
        }
        var ids = await db.Set<Expert>().Where(e => e.Name == t && e.Status == ExpertStatus.Active).Select(e => e.Id).Take(2).ToListAsync(ct);
        return ids.Count == 1 ? ids[0] : null;
    }

    // ---- the region's administrators ----

    /// <summary>The experts of the regions the caller administers (every status), masked; a region filter outside them is empty.</summary>
    public async Task<PagedList<ExpertAdminDto>> ManagedListAsync(ExpertQuery q, int page, int pageSize, CancellationToken ct)
    {
        var regions = ManagedRegions.ToList();
        var query = Filter(db, db.Set<Expert>().AsNoTracking().Where(e => regions.Contains(e.RegionCode)), q);
        var total = await query.CountAsync(ct);
        var rows = await query.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<ExpertAdminDto>(total, page, pageSize, await AdminDtosAsync(rows, ct));
    }

    /// <summary>One expert, masked, for the administrators of its region (others: null, as if it did not exist).</summary>
    public async Task<ExpertAdminDto?> ManagedGetAsync(Guid id, CancellationToken ct) =>
        await db.Set<Expert>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct) is { } e && CanManage(e.RegionCode)
            ? (await AdminDtosAsync([e], ct))[0] : null;

    /// <summary>
    /// The unmasked phone, e-mail and ID number of one expert for the administrators of its region and the security
    /// administrator; every view is a <c>privacy.view</c> audit row naming the expert (never the values).
    /// </summary>
    public async Task<(ExpertPersonalDataDto? Data, ServiceResult Result)> RevealAsync(Guid id, string channel, CancellationToken ct)
    {
        var e = await db.Set<Expert>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (e is null || (e.Status != ExpertStatus.Active && !CanReveal(e.RegionCode)))
        {
            return (null, new ServiceResult.NotFound());
        }
        if (!CanReveal(e.RegionCode))
        {
            await audit.RecordAsync("privacy.view", $"expert:{id}", AuditOutcome.Failure, detail: $"phone, email, id number ({channel})", ct: ct);
            return (null, new ServiceResult.Forbidden());
        }
        await audit.RecordAsync("privacy.view", $"expert:{id}", detail: $"phone, email, id number ({channel})", ct: ct);
        return (new ExpertPersonalDataDto(e.Id, e.Name, Open(e.PhoneProtected), Open(e.EmailProtected), Open(e.IdNumberProtected) ?? ""), new ServiceResult.Ok());
    }

    private string? Open(string? stored) => Reveal(protector, stored);

    /// <summary>A stored personal value in clear for an authorised view; a note in its place when it cannot be decrypted.</summary>
    internal static string? Reveal(FieldProtector protector, string? stored) =>
        stored is null ? null : protector.TryUnprotect(stored) ?? new Message("Experts.Undecryptable").ToString();

    private string? Masked(string? stored, Func<string, string> mask) => stored is null ? null : Open(stored) is { } v ? mask(v) : null;

    // ---- DTOs ----

    private async Task<(Dictionary<Guid, string> Names, ILookup<Guid, ExpertDiscipline> Disciplines)> DetailsAsync(IReadOnlyList<Expert> rows, CancellationToken ct)
    {
        var names = await organizations.NamesAsync(rows.Select(e => e.OrganizationId), ct);
        var ids = rows.Select(e => e.Id).ToList();
        var disciplines = (await db.Set<ExpertDiscipline>().AsNoTracking().Where(d => ids.Contains(d.ExpertId)).ToListAsync(ct)).ToLookup(d => d.ExpertId);
        return (names, disciplines);
    }

    private static List<ExpertDisciplineDto> DisciplinesOf(ILookup<Guid, ExpertDiscipline> all, Guid id) =>
        all[id].OrderByDescending(d => d.IsPrimary).ThenBy(d => d.Code, StringComparer.Ordinal)
            .Select(d => new ExpertDisciplineDto(d.Code, DisciplineCodes.Find(d.Code)?.Name ?? d.Code, d.IsPrimary)).ToList();

    internal async Task<List<ExpertPublicDto>> PublicDtosAsync(IReadOnlyList<Expert> rows, CancellationToken ct)
    {
        var (names, disciplines) = await DetailsAsync(rows, ct);
        return rows.Select(e => new ExpertPublicDto(e.Id, e.Name, e.TitleLevel, e.Position, e.OrganizationId, names.GetValueOrDefault(e.OrganizationId, ""),
            e.RegionCode, e.Category, DisciplinesOf(disciplines, e.Id), e.IndustryFields, e.Keywords, e.Languages, e.Availability)).ToList();
    }

    private async Task<List<ExpertAdminDto>> AdminDtosAsync(IReadOnlyList<Expert> rows, CancellationToken ct)
    {
        var (names, disciplines) = await DetailsAsync(rows, ct);
        var performance = await ReviewScores.PerformanceAsync(db, rows.Select(e => e.Id).ToList(), ct);
        return rows.Select(e => new ExpertAdminDto(e.Id, e.Name, e.Gender, e.BirthYear, e.TitleLevel, e.Position, e.OrganizationId,
            names.GetValueOrDefault(e.OrganizationId, ""), e.RegionCode, e.Category, e.EntryRoute, e.YearsInField, e.HighLevel,
            DisciplinesOf(disciplines, e.Id), e.IndustryFields, e.Keywords, e.Languages, e.Availability, e.Status, e.StatusReason, e.StatusChangedAt,
            e.NoShowCount, e.UserId is not null, Masked(e.PhoneProtected, Masking.Phone), Masked(e.EmailProtected, Masking.Email),
            Masked(e.IdNumberProtected, Masking.IdNumber) ?? "", e.Synthetic, e.CreatedAt, e.UpdatedAt, e.Version, CanManage(e.RegionCode),
            performance.TryGetValue(e.Id, out var score) ? score : null)).ToList();
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

public sealed record ReviewActivityDto(Guid Id, string Title, ReviewKind Kind, string? Description, string RegionCode, IReadOnlyList<string> Disciplines,
    int PanelSize, int Alternates, int MinSeniorPercent, int MinSenior, int MinOtherRegion, bool OnePerInstitution, int CoolDownDays,
    DateTimeOffset ReviewStartsAt, DateTimeOffset ReviewEndsAt, DateTimeOffset ResponseDeadline, ReviewActivityStatus Status, bool IsOwner,
    int ItemCount, DateTimeOffset CreatedAt, int Version);

/// <summary>An item under review; <c>ApplicantFlagged</c>: the applicant has an active integrity record (科研诚信).</summary>
public sealed record ReviewItemDto(Guid Id, int Position, string Title, Guid ApplicantOrganizationId, string ApplicantName, IReadOnlyList<string> PersonNames,
    bool ApplicantFlagged = false);

public sealed record ReviewExclusionDto(Guid Id, Guid? ItemId, Guid ExpertId, string ExpertName, ExclusionSource Source, string Reason, DateTimeOffset CreatedAt);

/// <summary>
/// Review activities (评审活动) of a region: created and set up by the region's administrators (items with their
/// applicants and named persons, exclusions on request, the panel wanted), then drawn by <see cref="ReviewDraws"/>.
/// The other region's administrators do not see them (404): an activity and its applicants are the region's business.
/// </summary>
public sealed class ReviewActivities(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, FieldProtector protector, AuditLog audit, TimeProvider clock,
    IntegrityRecords integrity)
{
    public bool CanManage(string regionCode) => me.HasInRegion(PlatformRole.RegionAdmin, regionCode);

    /// <summary>The activity if the caller administers its region, else null (as if it did not exist).</summary>
    internal async Task<ReviewActivity?> ManagedAsync(Guid id, CancellationToken ct, bool track = false)
    {
        var query = track ? db.Set<ReviewActivity>() : db.Set<ReviewActivity>().AsNoTracking();
        return await query.FirstOrDefaultAsync(a => a.Id == id, ct) is { } a && CanManage(a.RegionCode) ? a : null;
    }

    public async Task<PagedList<ReviewActivityDto>> ListAsync(ReviewActivityStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var regions = me.AdminRegions.ToList();
        var query = db.Set<ReviewActivity>().AsNoTracking().Where(a => regions.Contains(a.RegionCode));
        if (status is { } s)
        {
            query = query.Where(a => a.Status == s);
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.ReviewStartsAt).ThenBy(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<ReviewActivityDto>(total, page, pageSize, await DtosAsync(rows, ct));
    }

    public async Task<ReviewActivityDto?> GetAsync(Guid id, CancellationToken ct) =>
        await ManagedAsync(id, ct) is { } a ? (await DtosAsync([a], ct))[0] : null;

    private async Task<List<ReviewActivityDto>> DtosAsync(IReadOnlyList<ReviewActivity> rows, CancellationToken ct)
    {
        var ids = rows.Select(a => a.Id).ToList();
        var counts = await db.Set<ReviewItem>().Where(i => ids.Contains(i.ActivityId)).GroupBy(i => i.ActivityId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return rows.Select(a => ToDto(a, counts.GetValueOrDefault(a.Id))).ToList();
    }

    private ReviewActivityDto ToDto(ReviewActivity a, int items) => new(a.Id, a.Title, a.Kind, a.Description, a.RegionCode, SplitCodes(a.Disciplines),
        a.PanelSize, a.Alternates, a.MinSeniorPercent, ReviewRules.MinSenior(a.PanelSize, a.MinSeniorPercent), a.MinOtherRegion, a.OnePerInstitution,
        a.CoolDownDays, a.ReviewStartsAt, a.ReviewEndsAt, a.ResponseDeadline, a.Status, a.OwnerId == me.Id, items, a.CreatedAt, a.Version);

    internal static IReadOnlyList<string> SplitCodes(string codes) => codes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public async Task<(ReviewActivityDto? Created, ServiceResult Result)> CreateAsync(ReviewActivityInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var now = clock.GetUtcNow();
        var codes = ReviewRules.Check(errors, input, now, creating: true);
        var regions = me.AdminRegions.ToList();
        var region = string.IsNullOrWhiteSpace(input.RegionCode) ? (regions.Count == 1 ? regions[0] : null) : input.RegionCode.Trim();
        if (region is null || !CanManage(region))
        {
            errors.Add("regionCode", new Message("Experts.RegionInvalid"));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var a = new ReviewActivity { Id = Guid.CreateVersion7(), OwnerId = me.Id!.Value, RegionCode = region!, Status = ReviewActivityStatus.Draft, CreatedAt = now };
        Apply(a, input, codes, now);
        db.Add(a);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("review.create", $"review:{a.Id}", detail: $"{a.Kind} panel {a.PanelSize}+{a.Alternates}", ct: ct);
        return (ToDto(a, 0), new ServiceResult.Ok());
    }

    private static void Apply(ReviewActivity a, ReviewActivityInput input, IReadOnlyList<string> codes, DateTimeOffset now)
    {
        a.Title = input.Title!.Trim();
        a.Kind = input.Kind!.Value;
        a.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        a.Disciplines = string.Join(',', codes);
        a.PanelSize = input.PanelSize!.Value;
        a.Alternates = input.Alternates!.Value;
        a.MinSeniorPercent = input.MinSeniorPercent!.Value;
        a.MinOtherRegion = input.MinOtherRegion!.Value;
        a.OnePerInstitution = input.OnePerInstitution ?? true;
        a.CoolDownDays = input.CoolDownDays ?? 90;
        // Stored in UTC (PostgreSQL's timestamptz takes no other offset); shown in China Standard Time.
        a.ReviewStartsAt = input.ReviewStartsAt!.Value.ToUniversalTime();
        a.ReviewEndsAt = input.ReviewEndsAt!.Value.ToUniversalTime();
        a.ResponseDeadline = input.ResponseDeadline!.Value.ToUniversalTime();
        a.UpdatedAt = now;
    }

    /// <summary>Edits a draft; once drawn the panel's rules are what the draw committed to and cannot change.</summary>
    public async Task<ServiceResult> UpdateAsync(Guid id, ReviewActivityInput input, CancellationToken ct)
    {
        if (await ManagedAsync(id, ct, track: true) is not { } a)
        {
            return new ServiceResult.NotFound();
        }
        if (a.Status != ReviewActivityStatus.Draft)
        {
            return new ServiceResult.Conflict(new Message("Reviews.NotDraft"));
        }
        if (input.Version is { } v && v != a.Version)
        {
            return new ServiceResult.Conflict(new Message("Experts.ChangedMeanwhile"));
        }
        var errors = new FieldErrors();
        var now = clock.GetUtcNow();
        var codes = ReviewRules.Check(errors, input, now, creating: true);
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        Apply(a, input, codes, now);
        a.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("review.update", $"review:{a.Id}", ct: ct);
        return new ServiceResult.Ok();
    }

    // ---- items ----

    public async Task<IReadOnlyList<ReviewItemDto>?> ItemsAsync(Guid activityId, CancellationToken ct)
    {
        if (await ManagedAsync(activityId, ct) is null)
        {
            return null;
        }
        var items = await db.Set<ReviewItem>().AsNoTracking().Where(i => i.ActivityId == activityId).OrderBy(i => i.Position).ToListAsync(ct);
        var ids = items.Select(i => i.Id).ToList();
        var persons = (await db.Set<ReviewItemPerson>().AsNoTracking().Where(p => ids.Contains(p.ItemId)).ToListAsync(ct)).ToLookup(p => p.ItemId);
        var names = await organizations.NamesAsync(items.Select(i => i.ApplicantOrganizationId), ct);
        var applicants = items.Select(i => i.ApplicantOrganizationId).Distinct().ToList();
        var flagged = (await integrity.FlaggedOrganizationIds(ChinaTime.Today(clock)).Where(o => applicants.Contains(o)).ToListAsync(ct)).ToHashSet();
        return items.Select(i => new ReviewItemDto(i.Id, i.Position, i.Title, i.ApplicantOrganizationId, names.GetValueOrDefault(i.ApplicantOrganizationId, ""),
            persons[i.Id].Select(p => p.Name).ToList(), flagged.Contains(i.ApplicantOrganizationId))).ToList();
    }

    public async Task<(ReviewItemDto? Created, ServiceResult Result)> AddItemAsync(Guid activityId, ReviewItemInput input, CancellationToken ct)
    {
        if (await ManagedAsync(activityId, ct) is not { } a)
        {
            return (null, new ServiceResult.NotFound());
        }
        if (a.Status != ReviewActivityStatus.Draft)
        {
            return (null, new ServiceResult.Conflict(new Message("Reviews.NotDraft")));
        }
        var errors = new FieldErrors();
        var title = input.Title?.Trim() ?? "";
        if (title.Length is 0 or > ReviewRules.MaxTitleLength)
        {
            errors.Add("title", new Message("Reviews.TitleRequired", ReviewRules.MaxTitleLength));
        }
        OrganizationRef? applicant = null;
        if (input.ApplicantOrganizationId is not { } orgId || (applicant = await organizations.FindAsync(orgId, ct)) is null)
        {
            errors.Add("applicantOrganizationId", new Message("Experts.OrganizationUnknown"));
        }
        var persons = new List<ReviewItemPerson>();
        var list = input.Persons ?? [];
        if (list.Count > ReviewRules.MaxPersonsPerItem)
        {
            errors.Add("persons", new Message("Reviews.TooManyPersons", ReviewRules.MaxPersonsPerItem));
        }
        for (var n = 0; n < list.Count && n < ReviewRules.MaxPersonsPerItem; n++)
        {
            var p = list[n];
            var name = p.Name?.Trim() ?? "";
            if (name.Length is 0 or > ExpertRules.MaxNameLength)
            {
                errors.Add($"persons[{n}].name", new Message("Experts.NameRequired", ExpertRules.MaxNameLength));
            }
            if (ResidentIdNumber.Check(p.IdNumber) is { } idError)
            {
                errors.Add($"persons[{n}].idNumber", idError);
            }
            else if (!protector.CanIndex)
            {
                errors.Add($"persons[{n}].idNumber", new Message("Experts.NoDataKey"));
            }
            else
            {
                persons.Add(new ReviewItemPerson { Id = Guid.CreateVersion7(), Name = name, IdNumberKey = protector.BlindIndex(ResidentIdNumber.Normalize(p.IdNumber)) });
            }
        }
        var count = await db.Set<ReviewItem>().CountAsync(i => i.ActivityId == activityId, ct);
        if (count >= ReviewRules.MaxItems)
        {
            errors.Add("title", new Message("Reviews.TooManyItems", ReviewRules.MaxItems));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var item = new ReviewItem
        {
            Id = Guid.CreateVersion7(),
            ActivityId = activityId,
            Position = count + 1,
            Title = title,
            ApplicantOrganizationId = applicant!.Id,
            CreatedAt = clock.GetUtcNow(),
        };
        persons.ForEach(p => p.ItemId = item.Id);
        db.Add(item);
        db.AddRange(persons);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("review.item.add", $"review:{activityId}", detail: $"item {item.Id}, applicant {applicant.Id}, {persons.Count} named persons", ct: ct);
        return (new ReviewItemDto(item.Id, item.Position, item.Title, applicant.Id, applicant.Name, persons.Select(p => p.Name).ToList()), new ServiceResult.Ok());
    }

    public async Task<ServiceResult> RemoveItemAsync(Guid activityId, Guid itemId, CancellationToken ct)
    {
        if (await ManagedAsync(activityId, ct) is not { } a)
        {
            return new ServiceResult.NotFound();
        }
        if (a.Status != ReviewActivityStatus.Draft)
        {
            return new ServiceResult.Conflict(new Message("Reviews.NotDraft"));
        }
        var removed = await db.Set<ReviewItem>().Where(i => i.Id == itemId && i.ActivityId == activityId).ExecuteDeleteAsync(ct);
        if (removed == 0)
        {
            return new ServiceResult.NotFound();
        }
        await audit.RecordAsync("review.item.remove", $"review:{activityId}", detail: $"item {itemId}", ct: ct);
        return new ServiceResult.Ok();
    }

    // ---- exclusions on request ----

    public async Task<IReadOnlyList<ReviewExclusionDto>?> ExclusionsAsync(Guid activityId, CancellationToken ct)
    {
        if (await ManagedAsync(activityId, ct) is null)
        {
            return null;
        }
        return await (from x in db.Set<ReviewExclusion>().AsNoTracking()
                      join e in db.Set<Expert>() on x.ExpertId equals e.Id
                      where x.ActivityId == activityId
                      orderby x.CreatedAt
                      select new ReviewExclusionDto(x.Id, x.ItemId, x.ExpertId, e.Name, x.Source, x.Reason, x.CreatedAt)).ToListAsync(ct);
    }

    /// <summary>
    /// Keeps an expert off the activity on request: the applicant's (at most three per item, 国家自然科学基金条例 第二十条)
    /// or the administrator's, with a reason. Before the draw only: afterwards a conflict goes through the invitation.
    /// </summary>
    public async Task<ServiceResult> AddExclusionAsync(Guid activityId, ReviewExclusionInput input, CancellationToken ct)
    {
        if (await ManagedAsync(activityId, ct) is not { } a)
        {
            return new ServiceResult.NotFound();
        }
        if (a.Status != ReviewActivityStatus.Draft)
        {
            return new ServiceResult.Conflict(new Message("Reviews.NotDraft"));
        }
        var errors = new FieldErrors();
        var source = input.Source ?? ExclusionSource.Administrator;
        if (source == ExclusionSource.ExpertDeclared || !Enum.IsDefined(source))
        {
            errors.Add("source", new Message("Reviews.ExclusionSourceInvalid"));
        }
        if (input.ExpertId is not { } expertId || !await db.Set<Expert>().AnyAsync(e => e.Id == expertId, ct))
        {
            errors.Add("expertId", new Message("Reviews.ExpertUnknown"));
        }
        if (input.ItemId is { } itemId && !await db.Set<ReviewItem>().AnyAsync(i => i.Id == itemId && i.ActivityId == activityId, ct))
        {
            errors.Add("itemId", new Message("Reviews.ItemUnknown"));
        }
        if (source == ExclusionSource.Applicant && input.ItemId is null)
        {
            errors.Add("itemId", new Message("Reviews.ItemRequired"));
        }
        var reason = input.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > ExpertRules.MaxReasonLength)
        {
            errors.Add("reason", new Message("Experts.ReasonRequired", ExpertRules.MaxReasonLength));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        if (source == ExclusionSource.Applicant
            && await db.Set<ReviewExclusion>().CountAsync(x => x.ItemId == input.ItemId && x.Source == ExclusionSource.Applicant, ct) >= ReviewRules.MaxApplicantExclusionsPerItem)
        {
            return new ServiceResult.RuleBroken("applicantExclusions", new Message("Reviews.TooManyApplicantExclusions", ReviewRules.MaxApplicantExclusionsPerItem));
        }
        if (await db.Set<ReviewExclusion>().AnyAsync(x => x.ActivityId == activityId && x.ExpertId == input.ExpertId && x.ItemId == input.ItemId, ct))
        {
            return new ServiceResult.Conflict(new Message("Reviews.AlreadyExcluded"));
        }
        db.Add(new ReviewExclusion
        {
            Id = Guid.CreateVersion7(),
            ActivityId = activityId,
            ItemId = input.ItemId,
            ExpertId = input.ExpertId!.Value,
            Source = source,
            Reason = reason,
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("review.exclusion.add", $"review:{activityId}", detail: $"expert {input.ExpertId} ({source})", ct: ct);
        return new ServiceResult.Ok();
    }

    public async Task<ServiceResult> RemoveExclusionAsync(Guid activityId, Guid exclusionId, CancellationToken ct)
    {
        if (await ManagedAsync(activityId, ct) is not { } a)
        {
            return new ServiceResult.NotFound();
        }
        if (a.Status != ReviewActivityStatus.Draft)
        {
            return new ServiceResult.Conflict(new Message("Reviews.NotDraft"));
        }
        if (await db.Set<ReviewExclusion>().Where(x => x.Id == exclusionId && x.ActivityId == activityId).ExecuteDeleteAsync(ct) == 0)
        {
            return new ServiceResult.NotFound();
        }
        await audit.RecordAsync("review.exclusion.remove", $"review:{activityId}", detail: $"exclusion {exclusionId}", ct: ct);
        return new ServiceResult.Ok();
    }
}

using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>Creating, editing and the status of experts by their region's administrators; the expert's own profile.</summary>
public sealed partial class ExpertPool
{
    /// <summary>The fields an administrator and the expert both edit, checked by one rule.</summary>
    private sealed record Described(string? Position, CheckedDisciplines? Disciplines, string? Industry, string? Keywords, string? Languages, string? Phone, string? Email);

    private static Described Describe(FieldErrors errors, string? position, IReadOnlyList<string>? disciplines, string? primary,
        string? industryFields, string? keywords, string? languages, string? phone, string? email)
    {
        var p = position?.Trim();
        if (p is { Length: > ExpertRules.MaxPositionLength })
        {
            errors.Add("position", new Message("Experts.TooLong", ExpertRules.MaxPositionLength));
        }
        return new Described(string.IsNullOrEmpty(p) ? null : p,
            ExpertRules.CheckDisciplines(errors, disciplines, primary),
            ExpertRules.List(errors, "industryFields", industryFields, ExpertRules.MaxListLength),
            ExpertRules.List(errors, "keywords", keywords, ExpertRules.MaxListLength),
            ExpertRules.List(errors, "languages", languages, ExpertRules.MaxLanguagesLength),
            ExpertRules.Phone(errors, phone),
            ExpertRules.Email(errors, email));
    }

    /// <summary>
    /// Checks an input as a new expert (<paramref name="existing"/> null) or as an edit, and stages the result on a new
    /// or the existing entity. The import checks its rows with the same method, so a row and a form obey one rule.
    /// </summary>
    internal async Task<(Expert? Staged, CheckedDisciplines? Disciplines, FieldErrors Errors)> CheckAsync(ExpertInput input, Expert? existing, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > ExpertRules.MaxNameLength)
        {
            errors.Add("name", new Message("Experts.NameRequired", ExpertRules.MaxNameLength));
        }
        if (input.Gender is not { } gender || !Enum.IsDefined(gender))
        {
            errors.Add("gender", new Message("Experts.GenderRequired"));
        }
        if (input.TitleLevel is not { } title || !Enum.IsDefined(title))
        {
            errors.Add("titleLevel", new Message("Experts.TitleRequired"));
        }
        if (input.Category is not { } category || !Enum.IsDefined(category))
        {
            errors.Add("category", new Message("Experts.CategoryRequired"));
        }
        if (input.EntryRoute is not { } route || !Enum.IsDefined(route))
        {
            errors.Add("entryRoute", new Message("Experts.EntryRouteRequired"));
        }
        var availability = input.Availability ?? ExpertAvailability.Available;
        if (!Enum.IsDefined(availability))
        {
            errors.Add("availability", new Message("Experts.AvailabilityRequired"));
        }
        ExpertRules.CheckEntry(errors, CurrentYear, input.BirthYear, input.YearsInField, input.HighLevel ?? false);
        var (position, disciplines, industry, keywords, languages, phone, email) = Describe(errors, input.Position, input.Disciplines,
            input.PrimaryDiscipline, input.IndustryFields, input.Keywords, input.Languages, input.Phone, input.Email);
        string? idNumber = null;
        if (existing is null || !string.IsNullOrWhiteSpace(input.IdNumber))
        {
            if (ResidentIdNumber.Check(input.IdNumber) is { } idError)
            {
                errors.Add("idNumber", idError);
            }
            else
            {
                idNumber = ResidentIdNumber.Normalize(input.IdNumber);
            }
        }

        // The pool: the caller's region (the only one, or the one named); an edit keeps the expert's region unless it names another it manages.
        var regions = ManagedRegions;
        var region = string.IsNullOrWhiteSpace(input.RegionCode) ? existing?.RegionCode ?? (regions.Count == 1 ? regions[0] : null) : input.RegionCode.Trim();
        if (region is null || !CanManage(region))
        {
            errors.Add("regionCode", new Message("Experts.RegionInvalid"));
        }
        if (input.OrganizationId is not { } orgId)
        {
            errors.Add("organizationId", new Message("Experts.OrganizationRequired"));
        }
        else if (!await organizations.Organizations().AnyAsync(o => o.Id == orgId && o.Status == OrganizationStatus.Verified, ct))
        {
            errors.Add("organizationId", new Message("Experts.OrganizationUnknown"));
        }
        if ((phone ?? email ?? idNumber) is not null && (!protector.CanProtect || !protector.CanIndex))
        {
            errors.Add("idNumber", new Message("Experts.NoDataKey"));
        }
        if (errors.Count > 0)
        {
            return (null, null, errors);
        }

        var key = idNumber is null ? existing!.IdNumberKey : protector.BlindIndex(idNumber);
        var self = existing?.Id ?? Guid.Empty;
        if (await db.Set<Expert>().AnyAsync(e => e.IdNumberKey == key && e.Id != self, ct))
        {
            errors.Add("idNumber", new Message("Experts.DuplicateIdNumber"));
        }
        if (await integrity.BlockingRecordAsync(key, ct) is { } blocked)
        {
            errors.Add("idNumber", blocked);
        }
        if (errors.Count > 0)
        {
            return (null, null, errors);
        }

        var now = clock.GetUtcNow();
        var e = existing ?? new Expert { Id = Guid.CreateVersion7(), CreatedAt = now, Status = ExpertStatus.Active };
        e.Name = name;
        e.Gender = input.Gender!.Value;
        e.BirthYear = input.BirthYear!.Value;
        e.TitleLevel = input.TitleLevel!.Value;
        e.Position = position;
        e.OrganizationId = input.OrganizationId!.Value;
        e.RegionCode = region!;
        e.Category = input.Category!.Value;
        e.EntryRoute = input.EntryRoute!.Value;
        e.YearsInField = input.YearsInField!.Value;
        e.HighLevel = input.HighLevel ?? false;
        e.PrimaryDiscipline = disciplines!.Primary;
        e.IndustryFields = industry!;
        e.Keywords = keywords!;
        e.Languages = languages!;
        e.Availability = availability;
        if (existing is null || phone is not null)
        {
            e.PhoneProtected = phone is null ? null : protector.Protect(phone);
        }
        if (existing is null || email is not null)
        {
            e.EmailProtected = email is null ? null : protector.Protect(email);
        }
        if (idNumber is not null)
        {
            e.IdNumberProtected = protector.Protect(idNumber);
            e.IdNumberKey = key;
        }
        e.UpdatedAt = now;
        return (e, disciplines, errors);
    }

    /// <summary>Stages the discipline rows of an expert (replacing the old ones of an existing expert).</summary>
    internal async Task StageDisciplinesAsync(Expert e, CheckedDisciplines disciplines, bool isNew, CancellationToken ct)
    {
        if (!isNew)
        {
            db.Set<ExpertDiscipline>().RemoveRange(await db.Set<ExpertDiscipline>().Where(d => d.ExpertId == e.Id).ToListAsync(ct));
        }
        foreach (var code in disciplines.Codes)
        {
            db.Add(new ExpertDiscipline { ExpertId = e.Id, Code = code, IsPrimary = code == disciplines.Primary });
        }
    }

    public async Task<(ExpertAdminDto? Created, ServiceResult Result)> CreateAsync(ExpertInput input, CancellationToken ct)
    {
        if (ManagedRegions.Count == 0)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var (e, disciplines, errors) = await CheckAsync(input, null, ct);
        if (e is null)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        db.Add(e);
        await StageDisciplinesAsync(e, disciplines!, isNew: true, ct);
        var result = await SaveAsync("expert.create", e, ct);
        return result is ServiceResult.Ok ? ((await AdminDtosAsync([e], ct))[0], result) : (null, result);
    }

    public async Task<ServiceResult> UpdateAsync(Guid id, ExpertInput input, CancellationToken ct)
    {
        var e = await db.Set<Expert>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (e is null || (e.Status != ExpertStatus.Active && !CanManage(e.RegionCode)))
        {
            return new ServiceResult.NotFound();
        }
        if (!CanManage(e.RegionCode))
        {
            return new ServiceResult.Forbidden();
        }
        if (input.Version is { } v && v != e.Version)
        {
            return new ServiceResult.Conflict(new Message("Experts.ChangedMeanwhile"));
        }
        var (staged, disciplines, errors) = await CheckAsync(input, e, ct);
        if (staged is null)
        {
            return new ServiceResult.Invalid(errors);
        }
        await StageDisciplinesAsync(e, disciplines!, isNew: false, ct);
        e.Version++;
        return await SaveAsync("expert.update", e, ct);
    }

    /// <summary>Suspend (reason), reinstate a suspended expert, or remove (reason; final): the region's decision, audited.</summary>
    public async Task<ServiceResult> SetStatusAsync(Guid id, ExpertStatus status, ExpertStatusInput input, CancellationToken ct)
    {
        var e = await db.Set<Expert>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (e is null || (e.Status != ExpertStatus.Active && !CanManage(e.RegionCode)))
        {
            return new ServiceResult.NotFound();
        }
        if (!CanManage(e.RegionCode))
        {
            return new ServiceResult.Forbidden();
        }
        var reason = input.Reason?.Trim();
        if (status != ExpertStatus.Active && reason is not { Length: >= 2 and <= ExpertRules.MaxReasonLength })
        {
            return new ServiceResult.Invalid(new FieldErrors { { "reason", [new Message("Experts.ReasonRequired", ExpertRules.MaxReasonLength)] } });
        }
        if (input.Version is { } v && v != e.Version)
        {
            return new ServiceResult.Conflict(new Message("Experts.ChangedMeanwhile"));
        }
        var allowed = (e.Status, status) switch
        {
            (ExpertStatus.Active, ExpertStatus.Suspended or ExpertStatus.Removed) => true,
            (ExpertStatus.Suspended, ExpertStatus.Active or ExpertStatus.Removed) => true,
            _ => false,
        };
        if (!allowed)
        {
            return new ServiceResult.Conflict(new Message("Experts.WrongStatus", Messages.Label(e.Status)));
        }
        e.Status = status;
        e.StatusReason = status == ExpertStatus.Active ? null : reason;
        e.StatusChangedAt = clock.GetUtcNow();
        e.UpdatedAt = e.StatusChangedAt.Value;
        e.Version++;
        return await SaveAsync($"expert.{status switch { ExpertStatus.Active => "reinstate", ExpertStatus.Suspended => "suspend", _ => "remove" }}", e, ct);
    }

    // ---- the expert's own profile ----

    private Task<Expert?> MineTrackedAsync(CancellationToken ct) =>
        me.Id is { } uid && me.Has(PlatformRole.Expert) ? db.Set<Expert>().FirstOrDefaultAsync(e => e.UserId == uid, ct) : Task.FromResult<Expert?>(null);

    /// <summary>The caller's own profile, masked as in the lists (they edit their contact data without it being echoed), or null.</summary>
    public async Task<ExpertAdminDto?> MineAsync(CancellationToken ct) =>
        await MineTrackedAsync(ct) is { } e ? (await AdminDtosAsync([e], ct))[0] with { CanManage = false } : null;

    public async Task<ServiceResult> UpdateMineAsync(ExpertSelfInput input, CancellationToken ct)
    {
        var e = await MineTrackedAsync(ct);
        if (e is null)
        {
            return new ServiceResult.NotFound();
        }
        if (input.Version is { } v && v != e.Version)
        {
            return new ServiceResult.Conflict(new Message("Experts.ChangedMeanwhile"));
        }
        var errors = new FieldErrors();
        var availability = input.Availability ?? e.Availability;
        if (!Enum.IsDefined(availability))
        {
            errors.Add("availability", new Message("Experts.AvailabilityRequired"));
        }
        var (position, disciplines, industry, keywords, languages, phone, email) = Describe(errors, input.Position, input.Disciplines,
            input.PrimaryDiscipline, input.IndustryFields, input.Keywords, input.Languages, input.Phone, input.Email);
        if ((phone ?? email) is not null && !protector.CanProtect)
        {
            errors.Add("phone", new Message("Experts.NoDataKey"));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        e.Position = position;
        e.Availability = availability;
        e.PrimaryDiscipline = disciplines!.Primary;
        e.IndustryFields = industry!;
        e.Keywords = keywords!;
        e.Languages = languages!;
        // Left empty: unchanged (the form never shows the stored values).
        if (phone is not null)
        {
            e.PhoneProtected = protector.Protect(phone);
        }
        if (email is not null)
        {
            e.EmailProtected = protector.Protect(email);
        }
        await StageDisciplinesAsync(e, disciplines, isNew: false, ct);
        e.UpdatedAt = clock.GetUtcNow();
        e.Version++;
        return await SaveAsync("expert.self-update", e, ct);
    }

    private async Task<ServiceResult> SaveAsync(string action, Expert e, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return new ServiceResult.Conflict(new Message("Experts.ChangedMeanwhile"));
        }
        // Never the personal data: who, which expert, which region and status.
        await audit.RecordAsync(action, $"expert:{e.Id}", detail: $"region={e.RegionCode} status={e.Status} organization={e.OrganizationId:N}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}

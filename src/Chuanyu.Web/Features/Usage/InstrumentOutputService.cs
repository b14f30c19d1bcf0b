using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Usage;

public sealed record InstrumentOutputInput(InstrumentOutputKind? Kind, string? Title, DateOnly? AchievedOn);

public sealed record InstrumentOutputDto(Guid Id, InstrumentOutputKind Kind, string KindLabel, string Title, DateOnly AchievedOn, DateTimeOffset CreatedAt);

/// <summary>
/// The outputs credited to an instrument (仪器支撑成果: papers, patents, awards, projects, standards and function
/// developments), registered by its managers (仪器成果登记): the evaluation's "results" and "functions" indicators count
/// them by the year they were achieved. Read by the managers and by the region's administrators, who check them. The
/// audit actions keep their names (<c>achievement.add</c>, <c>achievement.remove</c>) so the chain's history reads as one.
/// </summary>
public sealed class InstrumentOutputService(AppDbContext db, CurrentUser me, CatalogDirectory catalog, AuditLog audit, TimeProvider clock)
{
    private async Task<(InstrumentRef? Resource, ServiceResult? Refused)> LoadAsync(Guid resourceId, bool write, CancellationToken ct)
    {
        var r = await catalog.FindAsync(resourceId, ct);
        if (r is null || !catalog.CanSee(r))
        {
            return (null, new ServiceResult.NotFound());
        }
        var allowed = catalog.CanManage(r.OrganizationId) || (!write && (me.IsSystemAdmin || me.HasInRegion(PlatformRole.RegionAdmin, r.RegionCode)));
        return allowed ? (r, null) : (null, new ServiceResult.Forbidden());
    }

    public async Task<(List<InstrumentOutputDto>? List, ServiceResult Result)> ListAsync(Guid resourceId, int? year, CancellationToken ct)
    {
        var (r, refused) = await LoadAsync(resourceId, false, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var q = db.Set<InstrumentOutput>().AsNoTracking().Where(a => a.ResourceId == r!.Id);
        if (year is { } y and >= 2000 and <= 2100)
        {
            q = q.Where(a => a.AchievedOn >= new DateOnly(y, 1, 1) && a.AchievedOn <= new DateOnly(y, 12, 31));
        }
        var list = await q.OrderByDescending(a => a.AchievedOn).ThenBy(a => a.Id).Take(500).ToListAsync(ct);
        return (list.Select(ToDto).ToList(), new ServiceResult.Ok());
    }

    /// <summary>The output as the API shows it; <c>kindLabel</c> in the request's language.</summary>
    private static InstrumentOutputDto ToDto(InstrumentOutput a) => new(a.Id, a.Kind, Messages.Label(a.Kind).ToString(), a.Title, a.AchievedOn, a.CreatedAt);

    /// <summary>The kind as the audit detail names it: the record's own text, in the platform's language like the rest of the chain.</summary>
    private static string AuditKind(InstrumentOutputKind kind) => Messages.Translate(Messages.Label(kind), PlatformSetup.Cultures[0]);

    public async Task<(InstrumentOutputDto? Created, ServiceResult Result)> AddAsync(Guid resourceId, InstrumentOutputInput input, CancellationToken ct)
    {
        var (r, refused) = await LoadAsync(resourceId, true, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var e = new FieldErrors();
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            e.Add("kind", new Message("Usage.KindRequired"));
        }
        var title = input.Title?.Trim() ?? "";
        if (title.Length is < 2 or > 300)
        {
            e.Add("title", new Message("Usage.TitleLength"));
        }
        var today = ChinaTime.Today(clock);
        if (input.AchievedOn is not { } on || on.Year < 2000 || on > today)
        {
            e.Add("achievedOn", new Message("Usage.AchievedOnRange"));
        }
        if (e.Count > 0)
        {
            return (null, new ServiceResult.Invalid(e));
        }
        var a = new InstrumentOutput
        {
            Id = Guid.CreateVersion7(),
            ResourceId = r!.Id,
            Kind = input.Kind!.Value,
            Title = title,
            AchievedOn = input.AchievedOn!.Value,
            CreatedBy = me.Id!.Value,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(a);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("achievement.add", $"resource:{r.Id}", detail: $"{AuditKind(a.Kind)}：{title}（{a.AchievedOn:yyyy-MM-dd}）", ct: ct);
        await tx.CommitAsync(ct);
        return (ToDto(a), new ServiceResult.Ok());
    }

    public async Task<ServiceResult> RemoveAsync(Guid resourceId, Guid outputId, CancellationToken ct)
    {
        var (r, refused) = await LoadAsync(resourceId, true, ct);
        if (refused is not null)
        {
            return refused;
        }
        var a = await db.Set<InstrumentOutput>().FirstOrDefaultAsync(x => x.Id == outputId && x.ResourceId == r!.Id, ct);
        if (a is null)
        {
            return new ServiceResult.NotFound();
        }
        db.Remove(a);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("achievement.remove", $"resource:{r!.Id}", detail: $"{AuditKind(a.Kind)}：{a.Title}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}

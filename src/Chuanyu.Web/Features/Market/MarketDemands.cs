using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Market;

/// <summary>Technology demands: writing a draft, reading one with its confidential details only for those allowed, the lists.</summary>
public sealed partial class MarketService
{
    public async Task<(DemandDto? Created, ServiceResult Result)> CreateDemandAsync(DemandInput input, CancellationToken ct)
    {
        var (org, found) = await OwnerAsync(input.OrganizationId, ct);
        if (org is null)
        {
            return (null, found);
        }
        var now = Now;
        var d = new Demand { Id = Guid.CreateVersion7(), OrganizationId = org.Id, RegionCode = org.RegionCode, Status = MarketStatus.Draft, CreatedBy = me.Id, CreatedAt = now };
        if (Apply(d, input) is { Count: > 0 } errors)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        Stamp(d, now);
        db.Add(d);
        await db.SaveChangesAsync(ct);
        await AuditAsync<Demand>("create", d.Id, ct: ct);
        return (await GetDemandAsync(d.Id, ct), new ServiceResult.Ok());
    }

    public async Task<ServiceResult> UpdateDemandAsync(Guid id, DemandInput input, CancellationToken ct)
    {
        var (d, found) = await WritableAsync<Demand>(id, IsMember, ct);
        if (d is null)
        {
            return found;
        }
        if (d.Status != MarketStatus.Draft)
        {
            return new ServiceResult.Conflict(new Message("Market.NotDraft"));
        }
        if (input.Version is { } v && v != d.Version)
        {
            return new ServiceResult.Conflict(new Message("Market.ChangedMeanwhile"));
        }
        if (Apply(d, input) is { Count: > 0 } errors)
        {
            return new ServiceResult.Invalid(errors);
        }
        Stamp(d, Now);
        await db.SaveChangesAsync(ct);
        await AuditAsync<Demand>("update", id, ct: ct);
        return new ServiceResult.Ok();
    }

    private FieldErrors Apply(Demand d, DemandInput input)
    {
        var errors = new FieldErrors();
        var title = MarketRules.Text(errors, "title", input.Title, MarketRules.MaxTitle);
        var summary = MarketRules.Text(errors, "summary", input.Summary, MarketRules.MaxSummary);
        var details = MarketRules.Text(errors, "details", input.Details, MarketRules.MaxDescription);
        var disciplines = MarketRules.Disciplines(errors, input.DisciplineCodes, required: false);
        var industries = MarketRules.Industries(errors, input.IndustryCodes);
        if (disciplines.Trim().Length == 0 && industries.Trim().Length == 0 && !errors.ContainsKey("disciplineCodes") && !errors.ContainsKey("industryCodes"))
        {
            errors.Add("disciplineCodes", new Message("Market.FieldRequired"));
        }
        MarketRules.Maturity(errors, input.Trl);
        if (input.Stage is not { } stage || !Enum.IsDefined(stage))
        {
            errors.Add("stage", new Message("Market.Required"));
            stage = MaturityStage.Research;
        }
        MarketRules.Money(errors, "budget", input.BudgetMin, input.BudgetMax, input.Negotiable);
        if (input.Deadline is not { } deadline)
        {
            errors.Add("deadline", new Message("Market.Required"));
            deadline = Today;
        }
        else if (deadline <= Today)
        {
            errors.Add("deadline", new Message("Market.DeadlinePast"));
        }
        else if (deadline > Today.AddYears(3))
        {
            errors.Add("deadline", new Message("Market.DeadlineTooFar"));
        }
        var keywords = MarketRules.Keywords(errors, input.Keywords);
        if (errors.Count > 0)
        {
            return errors;
        }
        d.Title = title;
        d.Summary = summary;
        d.Details = details;
        d.Confidential = input.Confidential;
        d.DisciplineCodes = disciplines;
        d.IndustryCodes = industries;
        d.Trl = input.Trl;
        d.Stage = stage;
        d.Modes = MarketRules.MaskOf(input.Modes);
        d.Negotiable = input.Negotiable;
        d.PriceMinYuan = input.Negotiable ? null : MarketRules.Yuan(input.BudgetMin);
        d.PriceMaxYuan = input.Negotiable ? null : MarketRules.Yuan(input.BudgetMax);
        d.Deadline = deadline;
        d.Keywords = keywords;
        return errors;
    }

    /// <summary>
    /// Whether the caller reads a demand's details: always when it is not confidential; when it is, the owner
    /// organisation's members, and members of an organisation whose access request the owner approved.
    /// </summary>
    private async Task<bool> MayReadDetailsAsync(Demand d, CancellationToken ct)
    {
        if (!d.Confidential || IsMember(d.OrganizationId))
        {
            return true;
        }
        var mine = MyOrganizations.ToList();
        return mine.Count > 0 && await db.Set<DemandAccessRequest>().AsNoTracking()
            .AnyAsync(r => r.DemandId == d.Id && mine.Contains(r.OrganizationId) && r.Status == AccessRequestStatus.Approved, ct);
    }

    /// <summary>One demand: live ones for everyone (details withheld from strangers when confidential); the rest only for the owner organisation.</summary>
    public async Task<DemandDto?> GetDemandAsync(Guid id, CancellationToken ct)
    {
        var d = await ReadableAsync<Demand>(id, ct);
        if (d is null)
        {
            return null;
        }
        var details = await MayReadDetailsAsync(d, ct);
        var name = (await NamesAsync([d.OrganizationId], ct)).GetValueOrDefault(d.OrganizationId, "");
        var mine = MyOrganizations.ToList();
        var request = IsMember(d.OrganizationId) || mine.Count == 0 ? null
            : await db.Set<DemandAccessRequest>().AsNoTracking().Where(r => r.DemandId == id && mine.Contains(r.OrganizationId))
                .OrderBy(r => r.Status == AccessRequestStatus.Approved ? 0 : r.Status == AccessRequestStatus.Pending ? 1 : 2)
                .Select(r => (AccessRequestStatus?)r.Status).FirstOrDefaultAsync(ct);
        return new DemandDto(d.Id, d.OrganizationId, name, d.RegionCode, d.Title, d.Summary, details ? d.Details : null, !details, d.Confidential,
            MarketRules.CodesOf(d.DisciplineCodes), MarketRules.CodesOf(d.IndustryCodes), d.Trl, d.Stage, MarketRules.ModesOf(d.Modes), MarketRules.WanYuan(d.PriceMinYuan), MarketRules.WanYuan(d.PriceMaxYuan),
            d.Negotiable, d.Deadline, MarketRules.ListOf(d.Keywords), Effective(d.Status, d.ExpiresAt, Now), d.ExpiresAt, d.PublishedAt,
            IsMember(d.OrganizationId) ? d.ReviewNote : null, d.CloseReason, d.Synthetic, d.Version, IsMember(d.OrganizationId), IsReviewer(d.OrganizationId), request);
    }

    public async Task<PagedList<MarketListItem>> ListDemandsAsync(MarketQuery q, int page, int pageSize, CancellationToken ct)
    {
        var query = Filter(db.Set<Demand>().AsNoTracking(), q);
        var total = await query.CountAsync(ct);
        return new PagedList<MarketListItem>(total, page, pageSize, await DemandItems(query.Skip((page - 1) * pageSize).Take(pageSize), ct));
    }

    /// <summary>List rows: the public fields only (never the details).</summary>
    private async Task<List<MarketListItem>> DemandItems(IQueryable<Demand> query, CancellationToken ct)
    {
        var rows = await query.Select(r => new
        {
            r.Id,
            r.OrganizationId,
            r.RegionCode,
            r.Title,
            r.Summary,
            r.DisciplineCodes,
            r.IndustryCodes,
            r.Trl,
            r.Stage,
            r.Modes,
            r.PriceMinYuan,
            r.PriceMaxYuan,
            r.Negotiable,
            r.Keywords,
            r.Status,
            r.ExpiresAt,
            r.PublishedAt,
            r.Synthetic,
            r.Deadline,
            r.Confidential,
        }).ToListAsync(ct);
        var names = await NamesAsync(rows.Select(r => r.OrganizationId), ct);
        var now = Now;
        return rows.Select(r => new MarketListItem(r.Id, r.OrganizationId, names.GetValueOrDefault(r.OrganizationId, ""), r.RegionCode, r.Title, r.Summary,
            MarketRules.CodesOf(r.DisciplineCodes), MarketRules.CodesOf(r.IndustryCodes), r.Trl, r.Stage, MarketRules.ModesOf(r.Modes), MarketRules.WanYuan(r.PriceMinYuan), MarketRules.WanYuan(r.PriceMaxYuan),
            r.Negotiable, MarketRules.ListOf(r.Keywords), Effective(r.Status, r.ExpiresAt, now), r.ExpiresAt, r.PublishedAt, r.Synthetic,
            Deadline: r.Deadline, Confidential: r.Confidential)).ToList();
    }

    // ---- access to a confidential demand's details ----

    /// <summary>An organisation of the caller (not the owner) asks to read a live confidential demand's details; asking again after a refusal reopens it.</summary>
    public async Task<(AccessRequestDto? Request, ServiceResult Result)> RequestAccessAsync(Guid demandId, AccessRequestInput input, CancellationToken ct)
    {
        var d = await ReadableAsync<Demand>(demandId, ct);
        if (d is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        var errors = new FieldErrors();
        var message = MarketRules.Text(errors, "message", input.Message, MarketRules.MaxNote);
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var mine = MyOrganizations.Where(o => o != d.OrganizationId).ToList();
        var org = input.OrganizationId ?? (mine.Count == 1 ? mine[0] : null);
        if (org is null || !mine.Contains(org.Value))
        {
            if (IsMember(d.OrganizationId) || input.OrganizationId is not null)
            {
                return (null, new ServiceResult.Forbidden());
            }
            errors.Add("organizationId", new Message(mine.Count == 0 ? "Market.NoOrganization" : "Market.ChooseOrganization"));
            return (null, new ServiceResult.Invalid(errors));
        }
        if (!d.Confidential || Effective(d.Status, d.ExpiresAt, Now) != MarketStatus.Published)
        {
            return (null, new ServiceResult.Conflict(new Message("Market.NotConfidential")));
        }
        var existing = await db.Set<DemandAccessRequest>().FirstOrDefaultAsync(r => r.DemandId == demandId && r.OrganizationId == org.Value, ct);
        if (existing is { Status: not AccessRequestStatus.Refused })
        {
            return (null, new ServiceResult.Conflict(new Message("Market.AlreadyRequested")));
        }
        var row = existing ?? new DemandAccessRequest { Id = Guid.CreateVersion7(), DemandId = demandId, OrganizationId = org.Value };
        row.Message = message;
        row.Status = AccessRequestStatus.Pending;
        row.RequestedBy = me.Id;
        row.RequestedAt = Now;
        row.DecidedAt = null;
        row.DecidedBy = null;
        if (existing is null)
        {
            db.Add(row);
        }
        await db.SaveChangesAsync(ct);
        await AuditAsync<Demand>("access.request", demandId, org.Value.ToString(), ct: ct);
        var names = await NamesAsync([row.OrganizationId], ct);
        return (new AccessRequestDto(row.Id, demandId, row.OrganizationId, names.GetValueOrDefault(row.OrganizationId, ""), row.Message, row.Status, row.RequestedAt, null),
            new ServiceResult.Ok());
    }

    /// <summary>The access requests of a demand, for its owner organisation (else 404).</summary>
    public async Task<IReadOnlyList<AccessRequestDto>?> AccessRequestsAsync(Guid demandId, CancellationToken ct)
    {
        var owner = await db.Set<Demand>().AsNoTracking().Where(d => d.Id == demandId).Select(d => (Guid?)d.OrganizationId).FirstOrDefaultAsync(ct);
        if (owner is not { } org || !IsMember(org))
        {
            return null;
        }
        var rows = await db.Set<DemandAccessRequest>().AsNoTracking().Where(r => r.DemandId == demandId).OrderByDescending(r => r.RequestedAt).ToListAsync(ct);
        var names = await NamesAsync(rows.Select(r => r.OrganizationId), ct);
        return rows.Select(r => new AccessRequestDto(r.Id, r.DemandId, r.OrganizationId, names.GetValueOrDefault(r.OrganizationId, ""), r.Message, r.Status,
            r.RequestedAt, r.DecidedAt)).ToList();
    }

    /// <summary>The owner organisation approves or refuses a request (a decided one may be turned: an approval withdrawn by refusing).</summary>
    public async Task<ServiceResult> DecideAccessAsync(Guid demandId, Guid requestId, bool approve, CancellationToken ct)
    {
        var (d, found) = await WritableAsync<Demand>(demandId, IsMember, ct);
        if (d is null)
        {
            return found;
        }
        var row = await db.Set<DemandAccessRequest>().FirstOrDefaultAsync(r => r.Id == requestId && r.DemandId == demandId, ct);
        if (row is null)
        {
            return new ServiceResult.NotFound();
        }
        row.Status = approve ? AccessRequestStatus.Approved : AccessRequestStatus.Refused;
        row.DecidedBy = me.Id;
        row.DecidedAt = Now;
        await db.SaveChangesAsync(ct);
        await AuditAsync<Demand>(approve ? "access.approve" : "access.refuse", demandId, row.OrganizationId.ToString(), ct: ct);
        return new ServiceResult.Ok();
    }
}

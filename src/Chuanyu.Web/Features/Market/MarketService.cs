using System.Linq.Expressions;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.Market;

/// <summary>
/// Research results and technology demands (issue 17 points 1 and 2): members of an organisation write drafts and submit
/// them, the organisation's administrator (OrgAdmin) publishes or rejects them, published records expire (a result after
/// <see cref="MarketOptions.AchievementValidityDays"/>, a demand at the end of its deadline day) and are renewed or closed
/// by the owner. A published record past its expiry reads as expired at once, whether or not the job has written it.
/// Records that are not public are invisible (404) to anyone outside the owner organisation; writes on another
/// organisation's public record are 403. Every transition is an audit row.
/// </summary>
public sealed partial class MarketService(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, AuditLog audit, TimeProvider clock,
    IOptions<MarketOptions> options)
{
    public DateTimeOffset Now => clock.GetUtcNow();
    public DateOnly Today => ChinaTime.Today(clock);

    /// <summary>The organisations the caller writes records for (any organisation-scoped grant).</summary>
    public IReadOnlyList<Guid> MyOrganizations => me.IsAuthenticated ? organizations.MyOrganizationIds() : [];

    public bool IsMember(Guid organizationId) => MyOrganizations.Contains(organizationId);

    /// <summary>The organisation's administrator (单位管理员) reviews what its members submit.</summary>
    public bool IsReviewer(Guid organizationId) => me.HasInOrganization(PlatformRole.OrgAdmin, organizationId);

    public IReadOnlyList<Guid> ReviewedOrganizations => MyOrganizations.Where(IsReviewer).ToList();

    /// <summary>Published and not past its expiry at <paramref name="now"/>: what lists, search and matching may show.</summary>
    public static Expression<Func<T, bool>> Live<T>(DateTimeOffset now) where T : MarketRecord =>
        r => r.Status == MarketStatus.Published && r.ExpiresAt != null && r.ExpiresAt > now;

    /// <summary>The state a reader sees: Published past its expiry is Expired.</summary>
    public static MarketStatus Effective(MarketStatus status, DateTimeOffset? expiresAt, DateTimeOffset now) =>
        status == MarketStatus.Published && (expiresAt is null || expiresAt <= now) ? MarketStatus.Expired : status;

    private static Expression<Func<T, bool>> InState<T>(MarketStatus status, DateTimeOffset now) where T : MarketRecord => status switch
    {
        MarketStatus.Published => Live<T>(now),
        MarketStatus.Expired => r => r.Status == MarketStatus.Expired || (r.Status == MarketStatus.Published && (r.ExpiresAt == null || r.ExpiresAt <= now)),
        _ => r => r.Status == status,
    };

    /// <summary>The end of a deadline day in China Standard Time, as an instant.</summary>
    public static DateTimeOffset EndOf(DateOnly day) =>
        new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), Display.ChinaStandardTime).ToUniversalTime();

    // ---- lists: the public records, or the caller's own in one state ----

    private IQueryable<T> Filter<T>(IQueryable<T> query, MarketQuery q) where T : MarketRecord
    {
        var now = Now;
        if (q.Status is { } status)
        {
            var mine = MyOrganizations.ToList();
            query = query.Where(r => mine.Contains(r.OrganizationId)).Where(InState<T>(status, now));
        }
        else
        {
            query = query.Where(Live<T>(now));
        }
        if (q.OrganizationId is { } org)
        {
            query = query.Where(r => r.OrganizationId == org);
        }
        if (!string.IsNullOrWhiteSpace(q.Region))
        {
            var region = q.Region.Trim();
            query = query.Where(r => r.RegionCode == region);
        }
        if (!string.IsNullOrWhiteSpace(q.Discipline))
        {
            // " 430" finds 430 and its 二级学科 (43025 …): codes are stored space-separated.
            var token = " " + q.Discipline.Trim();
            query = query.Where(r => r.DisciplineCodes.Contains(token));
        }
        if (!string.IsNullOrWhiteSpace(q.Industry))
        {
            var token = " " + q.Industry.Trim().ToUpperInvariant();
            query = query.Where(r => r.IndustryCodes.Contains(token));
        }
        if (q.MinTrl is { } trl)
        {
            query = query.Where(r => r.Trl >= trl);
        }
        if (q.Stage is { } stage)
        {
            query = query.Where(r => r.Stage == stage);
        }
        if (q.Mode is { } mode and not TransferModes.None)
        {
            query = query.Where(r => (r.Modes & mode) != 0);
        }
        // A price range overlaps the asked range; 面议 rows have no price and drop out once a range is asked.
        if (q.PriceMin is { } min)
        {
            var yuan = MarketRules.Yuan(min);
            query = query.Where(r => !r.Negotiable && (r.PriceMaxYuan ?? r.PriceMinYuan) >= yuan);
        }
        if (q.PriceMax is { } max)
        {
            var yuan = MarketRules.Yuan(max);
            query = query.Where(r => !r.Negotiable && (r.PriceMinYuan ?? r.PriceMaxYuan) <= yuan);
        }
        if (!string.IsNullOrWhiteSpace(q.Q))
        {
            var term = q.Q.Trim();
            query = query.Where(r => r.Title.Contains(term) || r.Summary.Contains(term) || r.Keywords.Contains(term));
        }
        return q.Sort switch
        {
            MarketSort.ExpiringSoon => query.OrderBy(r => r.ExpiresAt).ThenBy(r => r.Id),
            MarketSort.PriceLow => query.OrderBy(r => r.Negotiable).ThenBy(r => r.PriceMinYuan ?? r.PriceMaxYuan).ThenBy(r => r.Id),
            MarketSort.PriceHigh => query.OrderBy(r => r.Negotiable).ThenByDescending(r => r.PriceMaxYuan ?? r.PriceMinYuan).ThenBy(r => r.Id),
            MarketSort.Maturity => query.OrderByDescending(r => r.Trl).ThenByDescending(r => r.PublishedAt).ThenBy(r => r.Id),
            _ => q.Status is null
                ? query.OrderByDescending(r => r.PublishedAt).ThenBy(r => r.Id)
                : query.OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.Id),
        };
    }

    /// <summary>A list's filters as field errors (TRL outside 1–9, a negative or inverted range, an unknown code).</summary>
    public static FieldErrors QueryErrors(MarketQuery q)
    {
        var errors = new FieldErrors();
        if (q.MinTrl is { } trl)
        {
            MarketRules.Maturity(errors, trl);
        }
        if (q.PriceMin < 0)
        {
            errors.Add("priceMin", new Message("Market.Negative"));
        }
        if (q.PriceMax < 0)
        {
            errors.Add("priceMax", new Message("Market.Negative"));
        }
        if (q.PriceMin is { } a && q.PriceMax is { } b && a > b)
        {
            errors.Add("priceMax", new Message("Market.MinAboveMax"));
        }
        if (!string.IsNullOrWhiteSpace(q.Discipline) && Experts.DisciplineCodes.Find(q.Discipline) is null)
        {
            errors.Add("discipline", new Message("Market.UnknownDiscipline", q.Discipline.Trim()));
        }
        if (!string.IsNullOrWhiteSpace(q.Industry) && IndustryCodes.Find(q.Industry) is null)
        {
            errors.Add("industry", new Message("Market.UnknownIndustry", q.Industry.Trim()));
        }
        return errors;
    }

    private static string AuditKind<T>() => typeof(T) == typeof(Achievement) ? "achievement" : "demand";

    private Task AuditAsync<T>(string verb, Guid id, string? detail = null, AuditOutcome outcome = AuditOutcome.Success, CancellationToken ct = default) =>
        audit.RecordAsync($"market.{AuditKind<T>()}.{verb}", $"{AuditKind<T>()}:{id}", outcome, detail: detail, ct: ct);

    // ---- who may see and write one record ----

    /// <summary>The record for a reader: live ones for everyone, the rest only for the owner organisation (else null: 404).</summary>
    private async Task<T?> ReadableAsync<T>(Guid id, CancellationToken ct) where T : MarketRecord
    {
        var r = await db.Set<T>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return r is null ? null
            : IsMember(r.OrganizationId) || Effective(r.Status, r.ExpiresAt, Now) == MarketStatus.Published ? r
            : null;
    }

    /// <summary>The tracked record for a write by its organisation's members: 404 when the caller may not even see it, 403 when public.</summary>
    private async Task<(T? Record, ServiceResult Result)> WritableAsync<T>(Guid id, Func<Guid, bool> allowed, CancellationToken ct) where T : MarketRecord
    {
        var r = await db.Set<T>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        if (!allowed(r.OrganizationId))
        {
            var isPublic = Effective(r.Status, r.ExpiresAt, Now) == MarketStatus.Published;
            if (isPublic || IsMember(r.OrganizationId))
            {
                await AuditAsync<T>("refused", id, "not allowed", AuditOutcome.Failure, ct);
                return (null, new ServiceResult.Forbidden());
            }
            return (null, new ServiceResult.NotFound());
        }
        return (r, new ServiceResult.Ok());
    }

    /// <summary>The owner organisation of a new record: the one named (the caller's), or the caller's only one.</summary>
    private async Task<(OrganizationRef? Org, ServiceResult Result)> OwnerAsync(Guid? named, CancellationToken ct)
    {
        var mine = MyOrganizations;
        var id = named ?? (mine.Count == 1 ? mine[0] : null);
        if (id is null)
        {
            var errors = new FieldErrors();
            errors.Add("organizationId", new Message(mine.Count == 0 ? "Market.NoOrganization" : "Market.ChooseOrganization"));
            return (null, new ServiceResult.Invalid(errors));
        }
        if (!mine.Contains(id.Value))
        {
            return (null, new ServiceResult.Forbidden());
        }
        var org = await organizations.FindAsync(id.Value, ct);
        return org is null ? (null, new ServiceResult.NotFound()) : (org, new ServiceResult.Ok());
    }

    private static void Stamp(MarketRecord r, DateTimeOffset now)
    {
        r.UpdatedAt = now;
        r.Version++;
    }

    // ---- the lifecycle, the same for both kinds ----

    public Task<ServiceResult> SubmitAsync<T>(Guid id, CancellationToken ct) where T : MarketRecord =>
        TransitionAsync<T>(id, IsMember, "submit", null, r =>
        {
            if (r.Status != MarketStatus.Draft)
            {
                return new ServiceResult.Conflict(new Message("Market.NotDraft"));
            }
            if (r is Demand d && d.Deadline <= Today)
            {
                return DeadlineInvalid();
            }
            r.Status = MarketStatus.PendingReview;
            r.SubmittedAt = Now;
            r.ReviewNote = null;
            return new ServiceResult.Ok();
        }, ct);

    public Task<ServiceResult> ApproveAsync<T>(Guid id, CancellationToken ct) where T : MarketRecord =>
        TransitionAsync<T>(id, IsReviewer, "approve", null, r =>
        {
            if (r.Status != MarketStatus.PendingReview)
            {
                return new ServiceResult.Conflict(new Message("Market.NotPending"));
            }
            if (r is Demand d && d.Deadline <= Today)
            {
                return DeadlineInvalid();
            }
            Publish(r);
            return new ServiceResult.Ok();
        }, ct);

    public Task<ServiceResult> RejectAsync<T>(Guid id, ReviewInput input, CancellationToken ct) where T : MarketRecord
    {
        var errors = new FieldErrors();
        var note = MarketRules.Text(errors, "note", input.Note, MarketRules.MaxNote);
        if (errors.Count > 0)
        {
            return Task.FromResult<ServiceResult>(new ServiceResult.Invalid(errors));
        }
        return TransitionAsync<T>(id, IsReviewer, "reject", note, r =>
        {
            if (r.Status != MarketStatus.PendingReview)
            {
                return new ServiceResult.Conflict(new Message("Market.NotPending"));
            }
            r.Status = MarketStatus.Draft;
            r.ReviewNote = note;
            return new ServiceResult.Ok();
        }, ct);
    }

    public Task<ServiceResult> RenewAsync<T>(Guid id, RenewInput input, CancellationToken ct) where T : MarketRecord =>
        TransitionAsync<T>(id, IsMember, "renew", input.Deadline?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r =>
        {
            if (Effective(r.Status, r.ExpiresAt, Now) != MarketStatus.Expired)
            {
                return new ServiceResult.Conflict(new Message("Market.NotExpired"));
            }
            if (r is Demand d)
            {
                if (input.Deadline is not { } deadline || deadline <= Today)
                {
                    return DeadlineInvalid();
                }
                d.Deadline = deadline;
            }
            Publish(r);
            return new ServiceResult.Ok();
        }, ct);

    public Task<ServiceResult> CloseAsync<T>(Guid id, CloseInput input, CancellationToken ct) where T : MarketRecord
    {
        if (input.Reason is not { } reason || !Enum.IsDefined(reason))
        {
            var errors = new FieldErrors();
            errors.Add("reason", new Message("Market.Required"));
            return Task.FromResult<ServiceResult>(new ServiceResult.Invalid(errors));
        }
        return TransitionAsync<T>(id, IsMember, "close", reason.ToString(), r =>
        {
            if (r.Status == MarketStatus.Closed)
            {
                return new ServiceResult.Conflict(new Message("Market.AlreadyClosed"));
            }
            r.Status = MarketStatus.Closed;
            r.CloseReason = reason;
            r.ClosedAt = Now;
            return new ServiceResult.Ok();
        }, ct);
    }

    private static ServiceResult.Invalid DeadlineInvalid()
    {
        var errors = new FieldErrors();
        errors.Add("deadline", new Message("Market.DeadlinePast"));
        return new ServiceResult.Invalid(errors);
    }

    private void Publish(MarketRecord r)
    {
        var now = Now;
        r.Status = MarketStatus.Published;
        r.PublishedAt = now;
        r.ReviewNote = null;
        r.ExpiresAt = r is Demand d ? EndOf(d.Deadline) : now.AddDays(options.Value.AchievementValidityDays);
    }

    private async Task<ServiceResult> TransitionAsync<T>(Guid id, Func<Guid, bool> allowed, string verb, string? detail, Func<T, ServiceResult> change,
        CancellationToken ct) where T : MarketRecord
    {
        var (r, found) = await WritableAsync<T>(id, allowed, ct);
        if (r is null)
        {
            return found;
        }
        var from = Effective(r.Status, r.ExpiresAt, Now);
        var result = change(r);
        if (result is not ServiceResult.Ok)
        {
            return result;
        }
        Stamp(r, Now);
        await db.SaveChangesAsync(ct);
        await AuditAsync<T>(verb, id, detail is null ? $"{from} -> {r.Status}" : $"{from} -> {r.Status}: {detail}", ct: ct);
        return result;
    }

    /// <summary>The records waiting for the caller's review (OrgAdmin), both kinds, oldest first.</summary>
    public async Task<(List<MarketListItem> Achievements, List<MarketListItem> Demands)> ReviewQueueAsync(CancellationToken ct)
    {
        var orgs = ReviewedOrganizations.ToList();
        if (orgs.Count == 0)
        {
            return ([], []);
        }
        var a = await AchievementItems(db.Set<Achievement>().AsNoTracking().Where(r => orgs.Contains(r.OrganizationId) && r.Status == MarketStatus.PendingReview)
            .OrderBy(r => r.SubmittedAt).Take(200), ct);
        var d = await DemandItems(db.Set<Demand>().AsNoTracking().Where(r => orgs.Contains(r.OrganizationId) && r.Status == MarketStatus.PendingReview)
            .OrderBy(r => r.SubmittedAt).Take(200), ct);
        return (a, d);
    }

    /// <summary>The caller's organisations' records of both kinds, in one effective state or all, latest change first (at most 200 each).</summary>
    public async Task<(List<MarketListItem> Achievements, List<MarketListItem> Demands)> MineAsync(MarketStatus? status, CancellationToken ct)
    {
        var orgs = MyOrganizations.ToList();
        if (orgs.Count == 0)
        {
            return ([], []);
        }
        var now = Now;
        IQueryable<T> Mine<T>() where T : MarketRecord
        {
            var q = db.Set<T>().AsNoTracking().Where(r => orgs.Contains(r.OrganizationId));
            return (status is { } s ? q.Where(InState<T>(s, now)) : q).OrderByDescending(r => r.UpdatedAt).Take(200);
        }
        return (await AchievementItems(Mine<Achievement>(), ct), await DemandItems(Mine<Demand>(), ct));
    }

    private async Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct) => await organizations.NamesAsync(ids, ct);
}

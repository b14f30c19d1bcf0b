using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Market;

/// <summary>A research result's public fields, for other features (the matching): never the description's attachments or the review note.</summary>
public sealed record AchievementRef
{
    public Guid Id { get; init; }
    public Guid OrganizationId { get; init; }
    public string RegionCode { get; init; } = "";
    public string Title { get; init; } = "";
    public string Summary { get; init; } = "";
    public AchievementType Type { get; init; }

    /// <summary>Space-separated with a leading and trailing space (" 430 43025 "): <c>Contains(" 430")</c> finds a 一级学科 and its children.</summary>
    public string DisciplineCodes { get; init; } = "";

    /// <summary>" C38 C39 ", as <see cref="DisciplineCodes"/>.</summary>
    public string IndustryCodes { get; init; } = "";

    public int Trl { get; init; }
    public MaturityStage Stage { get; init; }
    public TransferModes Modes { get; init; }
    /// <summary>Price range in whole yuan (万元 × 10,000); null with <see cref="Negotiable"/>.</summary>
    public long? PriceMinYuan { get; init; }

    public long? PriceMaxYuan { get; init; }
    public bool Negotiable { get; init; }

    /// <summary>Keywords separated by 、.</summary>
    public string Keywords { get; init; } = "";

    /// <summary>The stored status: use <see cref="MarketDirectory.LiveAchievements"/> (or compare <see cref="ExpiresAt"/>) for what is public now.</summary>
    public MarketStatus Status { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
}

/// <summary>A technology demand's public fields: never its details (confidential or not, matching reads the public text only).</summary>
public sealed record DemandRef
{
    public Guid Id { get; init; }
    public Guid OrganizationId { get; init; }
    public string RegionCode { get; init; } = "";
    public string Title { get; init; } = "";
    public string Summary { get; init; } = "";
    public string DisciplineCodes { get; init; } = "";
    public string IndustryCodes { get; init; } = "";

    /// <summary>The least TRL the demand asks for.</summary>
    public int Trl { get; init; }

    public MaturityStage Stage { get; init; }

    /// <summary>Preferred modes (none: any).</summary>
    public TransferModes Modes { get; init; }

    /// <summary>Budget range in whole yuan (万元 × 10,000); null with <see cref="Negotiable"/>.</summary>
    public long? BudgetMinYuan { get; init; }

    public long? BudgetMaxYuan { get; init; }
    public bool Negotiable { get; init; }
    public bool Confidential { get; init; }
    public DateOnly Deadline { get; init; }
    public string Keywords { get; init; } = "";
    public MarketStatus Status { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
}

/// <summary>
/// The market's read contract for other features (docs/architecture.md, "Dependency rules"): results and demands as
/// queries that compose (object initialisers, so EF translates a <c>Where</c>, join or <c>Contains</c> on their members).
/// <see cref="LiveAchievements"/> and <see cref="LiveDemands"/> are what may be shown or matched: published and not past
/// their expiry at the given instant, whether or not the expiry job has run.
/// </summary>
public sealed class MarketDirectory(AppDbContext db, TimeProvider clock)
{
    public IQueryable<AchievementRef> Achievements() => db.Set<Achievement>().AsNoTracking().Select(a => new AchievementRef
    {
        Id = a.Id,
        OrganizationId = a.OrganizationId,
        RegionCode = a.RegionCode,
        Title = a.Title,
        Summary = a.Summary,
        Type = a.Type,
        DisciplineCodes = a.DisciplineCodes,
        IndustryCodes = a.IndustryCodes,
        Trl = a.Trl,
        Stage = a.Stage,
        Modes = a.Modes,
        PriceMinYuan = a.PriceMinYuan,
        PriceMaxYuan = a.PriceMaxYuan,
        Negotiable = a.Negotiable,
        Keywords = a.Keywords,
        Status = a.Status,
        ExpiresAt = a.ExpiresAt,
        PublishedAt = a.PublishedAt,
    });

    public IQueryable<DemandRef> Demands() => db.Set<Demand>().AsNoTracking().Select(d => new DemandRef
    {
        Id = d.Id,
        OrganizationId = d.OrganizationId,
        RegionCode = d.RegionCode,
        Title = d.Title,
        Summary = d.Summary,
        DisciplineCodes = d.DisciplineCodes,
        IndustryCodes = d.IndustryCodes,
        Trl = d.Trl,
        Stage = d.Stage,
        Modes = d.Modes,
        BudgetMinYuan = d.PriceMinYuan,
        BudgetMaxYuan = d.PriceMaxYuan,
        Negotiable = d.Negotiable,
        Confidential = d.Confidential,
        Deadline = d.Deadline,
        Keywords = d.Keywords,
        Status = d.Status,
        ExpiresAt = d.ExpiresAt,
        PublishedAt = d.PublishedAt,
    });

    /// <summary>The rule of <see cref="LiveAchievements"/> and <see cref="LiveDemands"/> for a record already read.</summary>
    public static bool IsLive(MarketStatus status, DateTimeOffset? expiresAt, DateTimeOffset at) =>
        status == MarketStatus.Published && expiresAt is { } e && e > at;

    /// <summary>Published results not past their expiry at <paramref name="now"/> (default: the clock's now).</summary>
    public IQueryable<AchievementRef> LiveAchievements(DateTimeOffset? now = null)
    {
        var at = now ?? clock.GetUtcNow();
        return Achievements().Where(a => a.Status == MarketStatus.Published && a.ExpiresAt != null && a.ExpiresAt > at);
    }

    /// <summary>Published demands not past their deadline at <paramref name="now"/> (default: the clock's now).</summary>
    public IQueryable<DemandRef> LiveDemands(DateTimeOffset? now = null)
    {
        var at = now ?? clock.GetUtcNow();
        return Demands().Where(d => d.Status == MarketStatus.Published && d.ExpiresAt != null && d.ExpiresAt > at);
    }
}

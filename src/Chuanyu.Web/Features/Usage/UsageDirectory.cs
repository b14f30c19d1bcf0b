using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Usage;

/// <summary>A use of an instrument as the evaluation counts it: whose, whether external, when, how long, what it cost.</summary>
public sealed record UsageRef
{
    public Guid ResourceId { get; init; }
    public Guid OwnerOrganizationId { get; init; }
    public Guid UserId { get; init; }
    public Guid UserOrganizationId { get; init; }
    public bool External { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public int Minutes { get; init; }
    public long FeeFen { get; init; }
}

/// <summary>An output credited to an instrument, as the evaluation counts it (by kind and the day it was achieved).</summary>
public sealed record InstrumentOutputRef
{
    public Guid ResourceId { get; init; }
    public InstrumentOutputKind Kind { get; init; }
    public DateOnly AchievedOn { get; init; }
}

/// <summary>
/// The Usage feature's read contract for other features (the evaluation): its usage records and instrument outputs as
/// public records in queries that compose into the caller's, so grouping and counting stay in the database (one SQL
/// statement each, over millions of rows). Constructed on whichever context the caller reads with.
/// </summary>
public sealed class UsageDirectory(AppDbContext db)
{
    public IQueryable<UsageRef> Records() => db.Set<UsageRecord>().AsNoTracking().Select(u => new UsageRef
    {
        ResourceId = u.ResourceId,
        OwnerOrganizationId = u.OwnerOrganizationId,
        UserId = u.UserId,
        UserOrganizationId = u.UserOrganizationId,
        External = u.External,
        StartedAt = u.StartedAt,
        Minutes = u.Minutes,
        FeeFen = u.FeeFen,
    });

    public IQueryable<InstrumentOutputRef> Outputs() => db.Set<InstrumentOutput>().AsNoTracking()
        .Select(a => new InstrumentOutputRef { ResourceId = a.ResourceId, Kind = a.Kind, AchievedOn = a.AchievedOn });
}

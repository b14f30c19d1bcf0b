using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Catalog;

namespace Chuanyu.Web.Features.Usage;

/// <summary>
/// A use of an instrument that ended, as the feature that ran it reports it: a booking checked out (Booking) or a
/// service order completed (ServiceOrders). External is not given: it is the Usage feature's rule (the user's
/// organisation is not the owner).
/// </summary>
public sealed record UsageEntry(
    Guid? BookingId, Guid? ServiceOrderId, Guid ResourceId, Guid OwnerOrganizationId, Guid UserId, Guid UserOrganizationId,
    FeeUserType UserType, DateTimeOffset StartedAt, DateTimeOffset EndedAt, int Minutes, long FeeFen);

/// <summary>
/// The Usage feature's write contract: the other features record a finished use here instead of writing its table.
/// <see cref="Add"/> stages the record in the request's unit of work, so the caller's own save writes it in the same
/// transaction as the state change that ended the use.
/// </summary>
public sealed class UsageLog(AppDbContext db)
{
    public void Add(UsageEntry entry) => db.Add(ToRecord(entry));

    /// <summary>The usage record of an entry (also how the demo history is written straight into the tables).</summary>
    public static UsageRecord ToRecord(UsageEntry e) => new()
    {
        Id = Guid.CreateVersion7(),
        BookingId = e.BookingId,
        ServiceOrderId = e.ServiceOrderId,
        ResourceId = e.ResourceId,
        OwnerOrganizationId = e.OwnerOrganizationId,
        UserId = e.UserId,
        UserOrganizationId = e.UserOrganizationId,
        UserType = e.UserType,
        External = e.UserOrganizationId != e.OwnerOrganizationId,
        StartedAt = e.StartedAt,
        EndedAt = e.EndedAt,
        Minutes = e.Minutes,
        FeeFen = e.FeeFen,
    };
}

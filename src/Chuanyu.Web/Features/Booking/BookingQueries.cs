using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

public sealed record BookingDto(
    Guid Id, Guid InstrumentId, string InstrumentName, string? InstrumentModel, Guid OwnerOrganizationId, string OwnerOrganizationName,
    Guid UserId, string UserName, Guid UserOrganizationId, string UserOrganizationName, Guid BookedBy, FeeUserType UserType,
    DateTimeOffset Start, DateTimeOffset End, BookingStatus Status, string Purpose, Guid? SeriesId, DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt, string? DecisionNote, DateTimeOffset? CheckedInAt, DateTimeOffset? CheckedOutAt, DateTimeOffset? CancelledAt,
    decimal? Fee, bool CanDecide, bool CanCancel, bool CanCheckIn, bool CanCheckOut, int Version, DateTimeOffset? RefundedAt, bool CanRefund);

/// <summary>Reading bookings: one (for whoever may see it), the caller's, and those of the instruments the caller manages.</summary>
public sealed partial class BookingService
{
    public async Task<BookingDto?> GetAsync(Guid id, CancellationToken ct)
    {
        var b = await db.Set<InstrumentBooking>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (b is null)
        {
            return null;
        }
        var r = await catalog.Instruments().FirstAsync(x => x.Id == b.ResourceId, ct);
        return CanSee(b, r) ? (await ToDtosAsync([b], ct))[0] : null;
    }

    public async Task<List<BookingDto>> ToDtosAsync(IReadOnlyList<InstrumentBooking> list, CancellationToken ct)
    {
        var resourceIds = list.Select(b => b.ResourceId).Distinct().ToList();
        var resources = await catalog.Instruments().Where(r => resourceIds.Contains(r.Id))
            .Select(r => new { r.Id, r.Name, r.Model, r.OrganizationId }).ToDictionaryAsync(r => r.Id, ct);
        var orgs = await organizations.NamesAsync(list.Select(b => b.UserOrganizationId).Concat(resources.Values.Select(r => r.OrganizationId)), ct);
        var names = await users.NamesAsync(list.Select(b => b.UserId), ct);
        var now = clock.GetUtcNow();
        var closed = new Message("Booking.ClosedAccount").ToString(); // a name the list shows, in the request's language
        return list.Select(b =>
        {
            var r = resources[b.ResourceId];
            var manager = catalog.CanManage(r.OrganizationId);
            var userSide = IsUserSide(b);
            return new BookingDto(b.Id, b.ResourceId, r.Name, r.Model, r.OrganizationId, orgs.GetValueOrDefault(r.OrganizationId, ""),
                b.UserId, names.GetValueOrDefault(b.UserId, closed), b.UserOrganizationId, orgs.GetValueOrDefault(b.UserOrganizationId, ""),
                b.BookedBy, b.UserType, b.StartAt, b.EndAt, b.Status, b.Purpose, b.SeriesId, b.CreatedAt, b.DecidedAt, b.DecisionNote,
                b.CheckedInAt, b.CheckedOutAt, b.CancelledAt, b.FeeFen is { } fee ? fee / 100m : null,
                CanDecide: manager && b.Status == BookingStatus.Pending,
                CanCancel: (manager || (userSide && now < b.StartAt)) && b.Status is BookingStatus.Pending or BookingStatus.Approved,
                CanCheckIn: (manager || userSide) && b.Status == BookingStatus.Approved && now >= b.StartAt.AddMinutes(-CheckInEarlyMinutes) && now < b.EndAt,
                CanCheckOut: (manager || userSide) && b.Status == BookingStatus.InUse,
                b.Version, b.RefundedAt,
                // UseRefunds' rule: the instrument's managers refund a completed booking, once.
                CanRefund: manager && UseRefunds.Refuse(b.Status == BookingStatus.Completed, b.RefundedAt) is null);
        }).ToList();
    }

    public async Task<PagedList<BookingDto>> ListMineAsync(BookingStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var id = me.Id!.Value;
        var query = db.Set<InstrumentBooking>().AsNoTracking().Where(b => b.UserId == id || b.BookedBy == id);
        if (status is not null)
        {
            query = query.Where(b => b.Status == status);
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(b => b.StartAt).ThenBy(b => b.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<BookingDto>(total, page, pageSize, await ToDtosAsync(items, ct));
    }

    /// <summary>The bookings of the instruments the caller manages (the approval queue when <paramref name="status"/> is pending).</summary>
    public async Task<PagedList<BookingDto>> ListManagedAsync(BookingStatus? status, Guid? instrumentId, int page, int pageSize, CancellationToken ct)
    {
        var managed = me.ManagedOrganizations;
        var resources = catalog.Instruments().Where(r => managed.Contains(r.OrganizationId)).Select(r => r.Id);
        var query = db.Set<InstrumentBooking>().AsNoTracking().Where(b => resources.Contains(b.ResourceId));
        if (instrumentId is not null)
        {
            query = query.Where(b => b.ResourceId == instrumentId);
        }
        if (status is not null)
        {
            query = query.Where(b => b.Status == status);
        }
        var total = await query.CountAsync(ct);
        var ordered = status == BookingStatus.Pending ? query.OrderBy(b => b.StartAt) : query.OrderByDescending(b => b.StartAt);
        var items = await ordered.ThenBy(b => b.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<BookingDto>(total, page, pageSize, await ToDtosAsync(items, ct));
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

/// <summary>A fee a booking cost without a use (爽约费 or 逾期取消费), as the usage statements list it.</summary>
public sealed record BookingChargeRef
{
    public Guid ResourceId { get; init; }
    public Guid OwnerOrganizationId { get; init; }
    public Guid UserId { get; init; }
    public Guid UserOrganizationId { get; init; }
    public FeeUserType UserType { get; init; }

    /// <summary>A no-show fee; otherwise a late-cancellation fee.</summary>
    public bool NoShow { get; init; }
    public DateTimeOffset Start { get; init; }
    public DateTimeOffset End { get; init; }
    public long FeeFen { get; init; }
}

/// <summary>
/// A booking as a use that something may pay for (the innovation vouchers): who used what for whom, whether it is
/// finished (<see cref="BookingStatus.Completed"/> with its check-out) and refunded, and the fee check-out set.
/// </summary>
public sealed record BookingUseRef
{
    public Guid BookingId { get; init; }
    public Guid ResourceId { get; init; }
    public Guid OwnerOrganizationId { get; init; }
    public Guid UserId { get; init; }
    public Guid UserOrganizationId { get; init; }
    public BookingStatus Status { get; init; }
    public long? FeeFen { get; init; }
    public DateTimeOffset? CheckedOutAt { get; init; }
    public DateTimeOffset? RefundedAt { get; init; }

    public bool Finished => Status == BookingStatus.Completed && CheckedOutAt is not null;
}

/// <summary>A user's rating of a completed booking of an instrument.</summary>
public sealed record RatingRef
{
    public Guid ResourceId { get; init; }
    public int Score { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A training record (上机培训合格) of a user for an instrument, by when it was granted.</summary>
public sealed record QualificationRef
{
    public Guid ResourceId { get; init; }
    public Guid UserId { get; init; }
    public DateTimeOffset GrantedAt { get; init; }
}

/// <summary>
/// The Booking feature's read contract for other features (the usage statements, the evaluation): what its tables
/// hold that they count, as public records in queries that compose into the caller's (one SQL statement, grouped and
/// filtered in the database). Constructed on whichever context the caller reads with.
/// </summary>
public sealed class BookingDirectory(AppDbContext db)
{
    /// <summary>The bookings that cost a fee without a use: no-shows and late cancellations charged by the rules.</summary>
    public IQueryable<BookingChargeRef> Charges() => db.Set<InstrumentBooking>().AsNoTracking()
        .Where(b => b.FeeFen > 0 && (b.Status == BookingStatus.NoShow || b.Status == BookingStatus.Cancelled))
        .Select(b => new BookingChargeRef
        {
            ResourceId = b.ResourceId,
            OwnerOrganizationId = b.OwnerOrganizationId,
            UserId = b.UserId,
            UserOrganizationId = b.UserOrganizationId,
            UserType = b.UserType,
            NoShow = b.Status == BookingStatus.NoShow,
            Start = b.StartAt,
            End = b.EndAt,
            FeeFen = b.FeeFen!.Value,
        });

    /// <summary>Every booking as a use (<see cref="BookingUseRef"/>); filter it to the ones you need.</summary>
    public IQueryable<BookingUseRef> Uses() => db.Set<InstrumentBooking>().AsNoTracking().Select(b => new BookingUseRef
    {
        BookingId = b.Id,
        ResourceId = b.ResourceId,
        OwnerOrganizationId = b.OwnerOrganizationId,
        UserId = b.UserId,
        UserOrganizationId = b.UserOrganizationId,
        Status = b.Status,
        FeeFen = b.FeeFen,
        CheckedOutAt = b.CheckedOutAt,
        RefundedAt = b.RefundedAt,
    });

    /// <summary>
    /// The use under a row lock held until the caller's transaction ends, so a refund cannot commit between a check on
    /// the use and the caller's commit (PostgreSQL <c>FOR SHARE</c>; on SQLite the caller's <c>BEGIN IMMEDIATE</c> already
    /// holds the whole database). Must run inside the caller's transaction.
    /// </summary>
    public async Task<BookingUseRef?> LockUseAsync(Guid bookingId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("LockUseAsync must run inside the caller's open transaction.");
        }
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM bookings WHERE id = {bookingId} FOR SHARE", ct);
        }
        return await Uses().FirstOrDefaultAsync(u => u.BookingId == bookingId, ct);
    }

    public IQueryable<RatingRef> Ratings() => db.Set<BookingRating>().AsNoTracking()
        .Select(r => new RatingRef { ResourceId = r.ResourceId, Score = r.Score, CreatedAt = r.CreatedAt });

    public IQueryable<QualificationRef> Qualifications() => db.Set<InstrumentQualification>().AsNoTracking()
        .Select(q => new QualificationRef { ResourceId = q.ResourceId, UserId = q.UserId, GrantedAt = q.GrantedAt });
}

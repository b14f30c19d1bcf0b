using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Booking;

/// <summary>Where a booking is (预约状态). Pending, approved and in use hold the slot; the others release it.</summary>
public enum BookingStatus
{
    /// <summary>待审核</summary>
    Pending,

    /// <summary>已批准</summary>
    Approved,

    /// <summary>使用中（已签到）</summary>
    InUse,

    /// <summary>已完成</summary>
    Completed,

    /// <summary>未通过</summary>
    Rejected,

    /// <summary>已取消</summary>
    Cancelled,

    /// <summary>爽约（未签到，自动释放）</summary>
    NoShow,
}

/// <summary>
/// The booking rules of one instrument or facility (预约规则). An instrument without a row books under
/// <see cref="Defaults"/>, so every published instrument is bookable before its manager has tuned anything.
/// Times of day are minutes after midnight China Standard Time.
/// </summary>
public sealed class BookingRules
{
    public Guid ResourceId { get; set; }
    public int MinMinutes { get; set; } = 30;
    public int MaxMinutes { get; set; } = 8 * 60;
    public int IncrementMinutes { get; set; } = 30;
    public int MinNoticeMinutes { get; set; } = 2 * 60;
    public int MaxHorizonDays { get; set; } = 90;
    public int BufferMinutes { get; set; }
    public int OpensAtMinute { get; set; } = 8 * 60;
    public int ClosesAtMinute { get; set; } = 18 * 60;

    /// <summary>Bit 0 Monday … bit 6 Sunday; Monday to Friday by default.</summary>
    public int OpenDays { get; set; } = 0b001_1111;
    public bool ApprovalRequired { get; set; } = true;
    public bool QualificationRequired { get; set; }

    /// <summary>Bit per <see cref="FeeUserType"/>; every type by default.</summary>
    public int AllowedUserTypes { get; set; } = 0b1111;
    public int CancelDeadlineHours { get; set; } = 24;
    public long LateCancelFeeFen { get; set; }
    public long NoShowFeeFen { get; set; }
    public int CheckInGraceMinutes { get; set; } = 15;
    public int? UserQuotaHoursPerMonth { get; set; }
    public int? OrganizationQuotaHoursPerMonth { get; set; }
    public Guid? UpdatedBy { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    public int Version { get; set; }

    public static BookingRules Defaults(Guid resourceId) => new() { ResourceId = resourceId };

    /// <summary>Monday = 1 … Sunday = 7, as the rules number days (bit <c>DayNumber − 1</c> of <see cref="OpenDays"/>).</summary>
    public static int DayNumber(DayOfWeek day) => ((int)day + 6) % 7 + 1;

    public bool IsOpenOn(DayOfWeek day) => (OpenDays & (1 << (DayNumber(day) - 1))) != 0;

    public bool Allows(FeeUserType type) => (AllowedUserTypes & (1 << (int)type)) != 0;
}

/// <summary>One reservation of an instrument's time (预约).</summary>
public sealed class InstrumentBooking
{
    public static readonly BookingStatus[] Active = [BookingStatus.Pending, BookingStatus.Approved, BookingStatus.InUse];

    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }

    /// <summary>The instrument's organisation when booked (its managers decide).</summary>
    public Guid OwnerOrganizationId { get; set; }

    /// <summary>Who will use the instrument.</summary>
    public Guid UserId { get; set; }

    /// <summary>The organisation the user books for (and that pays).</summary>
    public Guid UserOrganizationId { get; set; }

    /// <summary>Who made the booking: the user, or a colleague of the same organisation on the user's behalf.</summary>
    public Guid BookedBy { get; set; }
    public FeeUserType UserType { get; set; }
    public DateTimeOffset StartAt { get; set; }
    public DateTimeOffset EndAt { get; set; }

    /// <summary>End plus the instrument's buffer: the slot is held up to here (the PostgreSQL exclusion constraint's range).</summary>
    public DateTimeOffset BlockedUntil { get; set; }
    public BookingStatus Status { get; set; }
    public string Purpose { get; set; } = "";

    /// <summary>The recurring series this occurrence belongs to, if any.</summary>
    public Guid? SeriesId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }
    public DateTimeOffset? CheckedInAt { get; set; }
    public DateTimeOffset? CheckedOutAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset? ReminderSentAt { get; set; }

    /// <summary>What the booking costs: the usage fee when completed, a late-cancellation or no-show fee otherwise.</summary>
    public long? FeeFen { get; set; }

    /// <summary>When the provider refunded the use's fee (the booking stays completed: the hours were used).</summary>
    public DateTimeOffset? RefundedAt { get; set; }
    public string? RefundNote { get; set; }
    public int Version { get; set; }
}

/// <summary>A period the instrument cannot be booked (维护停机).</summary>
public sealed class InstrumentBlackout
{
    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }
    public DateTimeOffset StartAt { get; set; }
    public DateTimeOffset EndAt { get; set; }
    public string Reason { get; set; } = "";
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A user's training record for one instrument (上机培训合格), required when the rules say so.</summary>
public sealed class InstrumentQualification
{
    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }
    public Guid UserId { get; set; }
    public DateOnly? ExpiresOn { get; set; }
    public Guid GrantedBy { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
}

/// <summary>A user's rating of a completed booking (1–5 with a comment), one per booking.</summary>
public sealed class BookingRating
{
    public Guid Id { get; set; }
    public Guid BookingId { get; set; }
    public Guid ResourceId { get; set; }
    public Guid UserId { get; set; }
    public int Score { get; set; }
    public string? Comment { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class BookingRatingConfiguration : IEntityTypeConfiguration<BookingRating>
{
    public void Configure(EntityTypeBuilder<BookingRating> b)
    {
        b.ToTable("booking_ratings");
        b.Property(x => x.Comment).HasMaxLength(500);
        b.HasOne<InstrumentBooking>().WithOne().HasForeignKey<BookingRating>(x => x.BookingId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ResourceId, x.CreatedAt });
    }
}

internal sealed class BookingRulesConfiguration : IEntityTypeConfiguration<BookingRules>
{
    public void Configure(EntityTypeBuilder<BookingRules> b)
    {
        b.ToTable("booking_rules");
        b.HasKey(x => x.ResourceId);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Resource>().WithOne().HasForeignKey<BookingRules>(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InstrumentBookingConfiguration : IEntityTypeConfiguration<InstrumentBooking>
{
    public void Configure(EntityTypeBuilder<InstrumentBooking> b)
    {
        b.ToTable("bookings");
        b.Property(x => x.UserType).HasMaxLength(20);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Purpose).HasMaxLength(500);
        b.Property(x => x.DecisionNote).HasMaxLength(500);
        b.Property(x => x.RefundNote).HasMaxLength(500);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Resource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.UserOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.ResourceId, x.StartAt });
        b.HasIndex(x => new { x.UserId, x.StartAt });
        b.HasIndex(x => new { x.OwnerOrganizationId, x.Status, x.StartAt });
        b.HasIndex(x => new { x.Status, x.StartAt });
        b.HasIndex(x => x.SeriesId);
    }
}

internal sealed class InstrumentBlackoutConfiguration : IEntityTypeConfiguration<InstrumentBlackout>
{
    public void Configure(EntityTypeBuilder<InstrumentBlackout> b)
    {
        b.ToTable("instrument_blackouts");
        b.Property(x => x.Reason).HasMaxLength(200);
        b.HasOne<Resource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ResourceId, x.StartAt });
    }
}

internal sealed class InstrumentQualificationConfiguration : IEntityTypeConfiguration<InstrumentQualification>
{
    public void Configure(EntityTypeBuilder<InstrumentQualification> b)
    {
        b.ToTable("instrument_qualifications");
        b.HasOne<Resource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ResourceId, x.UserId }).IsUnique();
    }
}

using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>Draft (the organiser prepares it) → Published (on the public calendar, open for registration) → Finished; Cancelled with a reason.</summary>
public enum MatchmakingEventStatus
{
    Draft,
    Published,
    Cancelled,
    Finished,
}

/// <summary>A registration stands until the organisation cancels it (it may register again while registration is open).</summary>
public enum RegistrationStatus
{
    Registered,
    Cancelled,
}

/// <summary>A one-to-one meeting: requested, then accepted or declined by the other side; either side may cancel before it starts.</summary>
public enum MeetingStatus
{
    Pending,
    Accepted,
    Declined,
    Cancelled,
}

/// <summary>What one side recorded after the meeting.</summary>
public enum MeetingOutcome
{
    NoInterest,
    Interest,
    DealStarted,
}

/// <summary>
/// A matchmaking event (对接活动) organised by an organisation of one region: a place or an online link, a registration
/// deadline and capacity, and a grid of one-to-one meeting slots (slot length × tables inside the meeting window).
/// The results and demands on show come with the market feature (docs/market-events.md).
/// </summary>
public sealed class MatchmakingEvent
{
    public Guid Id { get; set; }
    public string Title { get; set; } = "";

    /// <summary>GB/T 13745 codes (the reference list of the expert pool), separated by commas.</summary>
    public string Disciplines { get; set; } = "";

    public string? Description { get; set; }
    public Guid OrganizerOrganizationId { get; set; }

    /// <summary>The organiser's region (500000, 510000): its administrators manage the event too.</summary>
    public string RegionCode { get; set; } = "";

    public Guid CreatedBy { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public bool Online { get; set; }
    public string? Address { get; set; }
    public string? OnlineUrl { get; set; }
    public int Capacity { get; set; }
    public DateTimeOffset RegistrationDeadline { get; set; }
    public int SlotMinutes { get; set; }
    public int Tables { get; set; }
    public DateTimeOffset MeetingsStartAt { get; set; }
    public DateTimeOffset MeetingsEndAt { get; set; }
    public MatchmakingEventStatus Status { get; set; }
    public string? CancelReason { get; set; }
    public bool Synthetic { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>An organisation registered for an event, with its contact person (the phone encrypted by the platform's field protection).</summary>
public sealed class EventRegistration
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public Guid OrganizationId { get; set; }
    public string ContactName { get; set; } = "";
    public string ContactPhoneProtected { get; set; } = "";

    /// <summary>What the organisation seeks or offers, in a sentence or two.</summary>
    public string? Note { get; set; }

    public RegistrationStatus Status { get; set; }
    public Guid RegisteredBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
}

/// <summary>
/// A one-to-one meeting in a slot of the grid. <see cref="TableNumber"/> is held while the meeting is pending or accepted
/// and cleared when it is declined or cancelled, so the unique index (event, table, slot) lets a table host one live
/// meeting a slot (NULLs never collide, on either engine).
/// </summary>
public sealed class EventMeeting
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public Guid RequesterOrganizationId { get; set; }
    public Guid TargetOrganizationId { get; set; }
    public DateTimeOffset SlotStart { get; set; }
    public int? TableNumber { get; set; }
    public MeetingStatus Status { get; set; }
    public string? Note { get; set; }
    public Guid RequestedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    public MeetingOutcome? RequesterOutcome { get; set; }
    public string? RequesterOutcomeNote { get; set; }
    public MeetingOutcome? TargetOutcome { get; set; }
    public string? TargetOutcomeNote { get; set; }

    /// <summary>The exhibit (a result or demand on show) the meeting is about, if the requester named one.</summary>
    public Guid? ExhibitId { get; set; }
}

/// <summary>
/// One row per participant of a live (pending or accepted) meeting per slot: the unique index (event, organisation, slot)
/// is what keeps an organisation out of two meetings at once, even when two requests race. Deleted when the meeting is
/// declined or cancelled.
/// </summary>
public sealed class EventMeetingHold
{
    public Guid Id { get; set; }
    public Guid MeetingId { get; set; }
    public Guid EventId { get; set; }
    public Guid OrganizationId { get; set; }
    public DateTimeOffset SlotStart { get; set; }
}

internal sealed class MatchmakingEventConfiguration : IEntityTypeConfiguration<MatchmakingEvent>
{
    public void Configure(EntityTypeBuilder<MatchmakingEvent> b)
    {
        b.ToTable("matchmaking_events");
        b.Property(x => x.Title).HasMaxLength(MarketEventRules.MaxTitleLength);
        b.Property(x => x.Disciplines).HasMaxLength(200);
        b.Property(x => x.Description).HasMaxLength(MarketEventRules.MaxDescriptionLength);
        b.Property(x => x.RegionCode).HasMaxLength(6);
        b.Property(x => x.Address).HasMaxLength(MarketEventRules.MaxAddressLength);
        b.Property(x => x.OnlineUrl).HasMaxLength(MarketEventRules.MaxUrlLength);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.CancelReason).HasMaxLength(MarketEventRules.MaxNoteLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizerOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.CreatedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.Status, x.StartsAt });
        b.HasIndex(x => x.OrganizerOrganizationId);
        b.HasIndex(x => x.CreatedBy);
    }
}

internal sealed class EventRegistrationConfiguration : IEntityTypeConfiguration<EventRegistration>
{
    public void Configure(EntityTypeBuilder<EventRegistration> b)
    {
        b.ToTable("event_registrations");
        b.Property(x => x.ContactName).HasMaxLength(MarketEventRules.MaxNameLength);
        b.Property(x => x.ContactPhoneProtected).HasMaxLength(300);
        b.Property(x => x.Note).HasMaxLength(MarketEventRules.MaxNoteLength);
        b.Property(x => x.Status).HasMaxLength(20);
        b.HasOne<MatchmakingEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.RegisteredBy).OnDelete(DeleteBehavior.Restrict);
        // One registration per organisation and event (a cancelled one is taken up again).
        b.HasIndex(x => new { x.EventId, x.OrganizationId }).IsUnique();
        b.HasIndex(x => x.OrganizationId);
        b.HasIndex(x => x.RegisteredBy);
    }
}

internal sealed class EventMeetingConfiguration : IEntityTypeConfiguration<EventMeeting>
{
    public void Configure(EntityTypeBuilder<EventMeeting> b)
    {
        b.ToTable("event_meetings");
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Note).HasMaxLength(MarketEventRules.MaxNoteLength);
        b.Property(x => x.RequesterOutcome).HasMaxLength(20);
        b.Property(x => x.RequesterOutcomeNote).HasMaxLength(MarketEventRules.MaxNoteLength);
        b.Property(x => x.TargetOutcome).HasMaxLength(20);
        b.Property(x => x.TargetOutcomeNote).HasMaxLength(MarketEventRules.MaxNoteLength);
        b.HasOne<MatchmakingEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.RequesterOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.TargetOrganizationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.RequestedBy).OnDelete(DeleteBehavior.Restrict);
        // A table hosts one live meeting a slot (the number is cleared when a meeting is declined or cancelled).
        b.HasIndex(x => new { x.EventId, x.TableNumber, x.SlotStart }).IsUnique();
        b.HasIndex(x => x.RequesterOrganizationId);
        b.HasIndex(x => x.TargetOrganizationId);
        b.HasIndex(x => x.RequestedBy);
    }
}

internal sealed class EventMeetingHoldConfiguration : IEntityTypeConfiguration<EventMeetingHold>
{
    public void Configure(EntityTypeBuilder<EventMeetingHold> b)
    {
        b.ToTable("event_meeting_holds");
        b.HasOne<EventMeeting>().WithMany().HasForeignKey(x => x.MeetingId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<MatchmakingEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        // An organisation is in at most one live meeting a slot (slots are one grid, so equal starts are the only overlap).
        b.HasIndex(x => new { x.EventId, x.OrganizationId, x.SlotStart }).IsUnique();
        b.HasIndex(x => x.MeetingId);
        b.HasIndex(x => x.OrganizationId);
    }
}

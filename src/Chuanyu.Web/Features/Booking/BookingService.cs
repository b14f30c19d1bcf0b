using System.Globalization;
using System.Text.RegularExpressions;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

/// <summary>
/// Booking an instrument (仪器预约): the rules, the states (pending → approved → in use → completed, or rejected /
/// cancelled / no-show) and the one guarantee that matters most: two active bookings of an instrument never overlap.
/// PostgreSQL enforces it with an exclusion constraint (migration 0012) whatever the application does; on SQLite the
/// overlap check and the insert share one write transaction (BEGIN IMMEDIATE), which SQLite runs one at a time.
/// </summary>
/// <remarks>
/// One service in partial files, one per use case: this file holds what several of them check; <c>CreateBooking.cs</c>
/// the request; <c>BookingDecisions.cs</c> approval, rejection, cancellation, check-in and check-out;
/// <c>BookingQueries.cs</c> reading; <c>BookingRatings.cs</c>; <c>BookingSchedule.cs</c> the availability;
/// <c>BookingRulesEditing.cs</c>, <c>BookingBlackouts.cs</c>, <c>BookingQualifications.cs</c> what the managers set;
/// <c>BookingCalendars.cs</c> the iCalendar files.
/// </remarks>
public sealed partial class BookingService(AppDbContext db, CurrentUser me, CatalogDirectory catalog, OrganizationDirectory organizations,
    UserDirectory users, UsageLog usage, AuditLog audit, TimeProvider clock)
{
    /// <summary>How early before the start a user may check in.</summary>
    public const int CheckInEarlyMinutes = 15;

    public static bool IsBookable(ResourceKind kind) => kind is ResourceKind.Instrument or ResourceKind.Facility;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantPattern();

    /// <summary>Parses an ISO 8601 instant that states its offset; null when it is missing, malformed or has none.</summary>
    public static DateTimeOffset? ParseInstant(string? text) =>
        text is { Length: <= 40 } && InstantPattern().IsMatch(text) &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.ToUniversalTime() : null;

    public async Task<BookingRules> RulesAsync(Guid resourceId, CancellationToken ct) =>
        await db.Set<BookingRules>().AsNoTracking().FirstOrDefaultAsync(r => r.ResourceId == resourceId, ct) ?? BookingRules.Defaults(resourceId);

    /// <summary>
    /// Who asks for an instrument's time or service: the organisation the request is for (chosen, or the caller's only
    /// one), which must be verified, and the user type it is to the resource, within the resource's sharing scope.
    /// </summary>
    /// <remarks><paramref name="action"/> is what the request is for, as the messages name it (<c>Booking.ActionBook</c>).</remarks>
    public async Task<(OrganizationRef? Organization, FeeUserType UserType, ServiceResult? Refused)> RequesterAsync(
        Guid? chosen, InstrumentRef resource, Message action, CancellationToken ct)
    {
        var (organizationId, refused) = ChooseOrganization(chosen, action);
        if (refused is not null)
        {
            return (null, default, refused);
        }
        var organization = await organizations.Organizations().FirstAsync(o => o.Id == organizationId, ct);
        var (userType, refusedOrganization) = CheckRequester(organization, resource, action);
        return refusedOrganization is null ? (organization, userType, null) : (null, default, refusedOrganization);
    }

    /// <summary>
    /// The organisation a request is for, from the caller's grants (no read): the one chosen, which must be theirs, or
    /// their only one.
    /// </summary>
    private (Guid? Id, ServiceResult? Refused) ChooseOrganization(Guid? chosen, Message action)
    {
        var mine = organizations.MyOrganizationIds();
        var errors = new FieldErrors();
        if (chosen is { } picked)
        {
            if (!mine.Contains(picked))
            {
                errors.Add("organizationId", new Message("Booking.NotYourOrganization", action));
                return (null, new ServiceResult.Invalid(errors));
            }
            return (picked, null);
        }
        if (mine.Count == 1)
        {
            return (mine[0], null);
        }
        if (mine.Count == 0)
        {
            return (null, new ServiceResult.RuleBroken("organization", new Message("Booking.NoOrganization", action)));
        }
        errors.Add("organizationId", new Message("Booking.ChooseOrganization", action));
        return (null, new ServiceResult.Invalid(errors));
    }

    /// <summary>Whether an organisation may ask for the resource (verified, within its sharing scope), and the user type it is to it.</summary>
    private static (FeeUserType UserType, ServiceResult? Refused) CheckRequester(OrganizationRef organization, InstrumentRef resource, Message action)
    {
        if (organization.Status != OrganizationStatus.Verified)
        {
            return (default, new ServiceResult.RuleBroken("organization", new Message("Booking.OrganizationUnverified", action)));
        }
        var userType = BookingRulesCheck.Classify(organization.Id == resource.OrganizationId, organization.Kind == OrganizationKind.Enterprise,
            organization.RegionCode == resource.RegionCode);
        if (resource.SharingStatus == SharingStatus.InternalOnly && userType != FeeUserType.Internal)
        {
            return (default, new ServiceResult.RuleBroken("sharingStatus", new Message("Booking.InternalOnly", action)));
        }
        if (resource.SharingStatus == SharingStatus.WithinRegion && userType != FeeUserType.Internal && organization.RegionCode != resource.RegionCode)
        {
            return (default, new ServiceResult.RuleBroken("sharingStatus", new Message("Booking.WithinRegionOnly", action)));
        }
        return (userType, null);
    }

    // ---- what several use cases check ---------------------------------------------------------------------------

    /// <summary>The PostgreSQL exclusion constraint refused an overlapping booking (SQLSTATE 23P01).</summary>
    public static bool IsOverlap(Exception e) =>
        e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.ExclusionViolation };

    private static ServiceResult.RuleBroken? RefuseResource(InstrumentRef resource)
    {
        if (!IsBookable(resource.Kind))
        {
            return new ServiceResult.RuleBroken("kind", new Message("Booking.NotBookableKind"));
        }
        if (resource.Status != ResourceStatus.Published)
        {
            return new ServiceResult.RuleBroken("status", new Message("Booking.NotPublished"));
        }
        if (resource.SharingStatus == SharingStatus.UnderMaintenance)
        {
            return new ServiceResult.RuleBroken("sharingStatus", new Message("Booking.UnderMaintenance"));
        }
        return null;
    }

    private async Task<ServiceResult?> QualificationProblemAsync(Guid resourceId, Guid userId, DateTimeOffset lastStart, CancellationToken ct) =>
        QualificationProblem(await db.Set<InstrumentQualification>().AsNoTracking().FirstOrDefaultAsync(q => q.ResourceId == resourceId && q.UserId == userId, ct),
            lastStart);

    /// <summary>Refused when the user has no training record for the instrument, or it expires before the (last) booking's day.</summary>
    private static ServiceResult.RuleBroken? QualificationProblem(InstrumentQualification? record, DateTimeOffset lastStart)
    {
        var day = DateOnly.FromDateTime(lastStart.ToOffset(Display.ChinaStandardTime).DateTime);
        return record is null ? new ServiceResult.RuleBroken("qualification", new Message("Booking.QualificationRequired"))
            : record.ExpiresOn is { } expires && expires < day
                ? new ServiceResult.RuleBroken("qualification", new Message("Booking.QualificationExpired", expires))
                : null;
    }

    private async Task<ServiceResult?> BlackoutProblemAsync(Guid resourceId, List<(DateTimeOffset Start, DateTimeOffset End)> slots, CancellationToken ct)
    {
        var first = slots[0].Start;
        var last = slots[^1].End;
        return BlackoutProblem(await db.Set<InstrumentBlackout>().AsNoTracking()
            .Where(b => b.ResourceId == resourceId && b.StartAt < last && b.EndAt > first).ToListAsync(ct), slots);
    }

    /// <summary>Refused when a blackout of the instrument overlaps one of the slots.</summary>
    private static ServiceResult.RuleBroken? BlackoutProblem(IEnumerable<InstrumentBlackout> blackouts, List<(DateTimeOffset Start, DateTimeOffset End)> slots)
    {
        foreach (var b in blackouts)
        {
            if (slots.Any(s => b.StartAt < s.End && b.EndAt > s.Start))
            {
                return new ServiceResult.RuleBroken("blackout", new Message("Booking.Blackout", Display.Minute(b.StartAt), Display.Minute(b.EndAt), b.Reason));
            }
        }
        return null;
    }

    /// <summary>Who may read a booking: the user, whoever booked it, the instrument's managers, the region's admins.</summary>
    private bool CanSee(InstrumentBooking b, InstrumentRef r) =>
        b.UserId == me.Id || b.BookedBy == me.Id || catalog.CanManage(r.OrganizationId) || me.IsSystemAdmin || me.HasInRegion(PlatformRole.RegionAdmin, r.RegionCode);

    private bool IsUserSide(InstrumentBooking b) => b.UserId == me.Id || b.BookedBy == me.Id;

    private async Task<(InstrumentBooking? Booking, InstrumentRef? Resource, ServiceResult? Refused)> LoadAsync(Guid id, CancellationToken ct)
    {
        var b = await db.Set<InstrumentBooking>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (b is null)
        {
            return (null, null, new ServiceResult.NotFound());
        }
        var r = await catalog.Instruments().FirstAsync(x => x.Id == b.ResourceId, ct);
        return CanSee(b, r) ? (b, r, null) : (null, null, new ServiceResult.NotFound());
    }

    /// <summary>An instrument or facility the caller may see (404 otherwise), and manage when <paramref name="manage"/> (403 otherwise).</summary>
    private async Task<(InstrumentRef? Resource, ServiceResult? Refused)> BookableAsync(Guid instrumentId, bool manage, CancellationToken ct)
    {
        var r = await catalog.FindAsync(instrumentId, ct);
        if (r is null || !catalog.CanSee(r) || !IsBookable(r.Kind))
        {
            return (null, new ServiceResult.NotFound());
        }
        return manage && !catalog.CanManage(r.OrganizationId) ? (null, new ServiceResult.Forbidden()) : (r, null);
    }

    // ---- labels and notifications (outbox) -----------------------------------------------------------------------

    public static string Slot(InstrumentBooking b) => Display.Range(b.StartAt, b.EndAt);

    /// <summary>
    /// An e-mail's text. Mail is read later by someone other than the one whose request wrote it, and people have no
    /// language of their own on the platform yet: it is written in the platform's first language.
    /// </summary>
    public static string Mail(Message message) => Messages.Translate(message, PlatformSetup.Cultures[0]);

    private async Task NotifyUserAsync(InstrumentBooking b, Message subject, string body, CancellationToken ct)
    {
        var email = await users.Users().Where(u => u.Id == b.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        if (email is not null)
        {
            Enqueue(email, Mail(subject), body);
        }
    }

    private void Enqueue(string to, string subject, string body) => db.Outbox.Add(OutboxMessage.Email(to, subject, body, clock.GetUtcNow()));
}

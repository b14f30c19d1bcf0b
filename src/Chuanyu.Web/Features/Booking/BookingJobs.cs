using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.ServiceOrders;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

public sealed record BookingJobsResult(int NoShows, int AutoCompleted, int Reminders, int OrdersCompleted);

/// <summary>
/// The booking clock, run by one instance at a time (lease <see cref="LeaseName"/>): approved bookings nobody checked in
/// to within the grace period become no-shows (the slot is released, the rules' fee recorded); uses still open an hour
/// after their end are checked out at the end; approved bookings starting within a day get a reminder.
/// </summary>
public sealed class BookingJobs(AppDbContext db, BookingService bookings, CatalogDirectory catalog, UserDirectory users, UsageLog usage,
    ServiceOrderService serviceOrders, JobLeases leases, TimeProvider clock)
{
    public const string LeaseName = "booking-jobs";
    public static readonly TimeSpan AutoCheckOutAfter = TimeSpan.FromHours(1);
    public static readonly TimeSpan ReminderAhead = TimeSpan.FromHours(24);
    private const int Batch = 500;

    public async Task<BookingJobsResult?> RunAsync(TimeSpan lease, CancellationToken ct)
    {
        if (!await leases.TryAcquireAsync(LeaseName, leases.Holder, lease, ct))
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var noShows = 0;
        // Grace differs per instrument: take the candidates past the shortest possible grace and judge each by its rules.
        var late = await db.Set<InstrumentBooking>().Where(b => b.Status == BookingStatus.Approved && b.StartAt < now).OrderBy(b => b.StartAt).Take(Batch).ToListAsync(ct);
        var rulesCache = new Dictionary<Guid, BookingRules>();
        foreach (var b in late)
        {
            if (!rulesCache.TryGetValue(b.ResourceId, out var rules))
            {
                rulesCache[b.ResourceId] = rules = await bookings.RulesAsync(b.ResourceId, ct);
            }
            if (b.StartAt.AddMinutes(rules.CheckInGraceMinutes) <= now)
            {
                b.Status = BookingStatus.NoShow;
                b.FeeFen = rules.NoShowFeeFen > 0 ? rules.NoShowFeeFen : null;
                b.Version++;
                noShows++;
            }
        }
        var open = await db.Set<InstrumentBooking>().Where(b => b.Status == BookingStatus.InUse && b.EndAt < now - AutoCheckOutAfter)
            .OrderBy(b => b.EndAt).Take(Batch).ToListAsync(ct);
        var openResources = open.Select(b => b.ResourceId).Distinct().ToList();
        var owners = await catalog.Instruments().Where(x => openResources.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.OrganizationId, ct);
        var fees = (await catalog.Fees().Where(f => openResources.Contains(f.ResourceId)).ToListAsync(ct)).ToLookup(f => f.ResourceId);
        foreach (var b in open)
        {
            usage.Add(BookingService.CheckOut(b, owners[b.ResourceId], fees[b.ResourceId], b.EndAt));
        }
        var soon = now + ReminderAhead;
        var upcoming = await db.Set<InstrumentBooking>().Where(b => b.Status == BookingStatus.Approved && b.ReminderSentAt == null && b.StartAt > now && b.StartAt <= soon)
            .OrderBy(b => b.StartAt).Take(Batch).ToListAsync(ct);
        var upcomingResources = upcoming.Select(b => b.ResourceId).Distinct().ToList();
        var places = await catalog.Instruments().Where(x => upcomingResources.Contains(x.Id))
            .ToDictionaryAsync(x => x.Id, x => (x.Name, x.Address), ct);
        var upcomingUsers = upcoming.Select(b => b.UserId).Distinct().ToList();
        var emails = await users.Users().Where(u => upcomingUsers.Contains(u.Id) && u.Email != null).ToDictionaryAsync(u => u.Id, u => u.Email!, ct);
        foreach (var b in upcoming)
        {
            var r = places[b.ResourceId];
            if (emails.TryGetValue(b.UserId, out var email))
            {
                db.Outbox.Add(OutboxMessage.Email(email, BookingService.Mail(new Message("Booking.Mail.ReminderSubject", r.Name)),
                    BookingService.Mail(new Message("Booking.Mail.Reminder", r.Name, BookingService.Slot(b), r.Address)), now));
            }
            b.ReminderSentAt = now;
            b.Version++;
        }
        // Reports nobody accepted within the acceptance period: the order is completed as reported (ServiceOrders' rule, saved here).
        var unaccepted = await serviceOrders.CompleteUnacceptedAsync(now, Batch, ct);
        await db.SaveChangesAsync(ct);
        return new BookingJobsResult(noShows, open.Count, upcoming.Count, unaccepted);
    }
}

internal sealed class BookingJobsService(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<BookingJobsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Booking:JobIntervalSeconds", 60));
        if (interval <= TimeSpan.Zero)
        {
            logger.LogInformation("Booking jobs are off (Booking:JobIntervalSeconds = 0).");
            return;
        }
        await PeriodicLoop.RunAsync(interval, clock, async ct =>
        {
            using var scope = scopes.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<BookingJobs>().RunAsync(interval * 2, ct);
            if (result is { } r && (r.NoShows + r.AutoCompleted + r.Reminders + r.OrdersCompleted) > 0)
            {
                logger.LogInformation("Booking jobs: {NoShows} no-shows released, {AutoCompleted} uses checked out, {Reminders} reminders queued, {Orders} service orders completed",
                    r.NoShows, r.AutoCompleted, r.Reminders, r.OrdersCompleted);
            }
        }, logger, "Booking jobs failed", stoppingToken);
    }
}

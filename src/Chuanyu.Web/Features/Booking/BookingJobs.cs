using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.ServiceOrders;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

public sealed record BookingJobsResult(int NoShows, int AutoCompleted, int Reminders, int OrdersCompleted);

/// <summary>
/// The booking clock, run by one instance at a time (lease <see cref="LeaseName"/>): approved bookings nobody checked in
/// to within the grace period become no-shows (the slot is released, the rules' fee recorded); uses still open an hour
/// after their end are checked out at the end; approved bookings starting within a day get a reminder.
/// </summary>
public sealed class BookingJobs(AppDbContext db, BookingService bookings, JobLeases leases, TimeProvider clock)
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
        var withFees = await db.Set<Resource>().AsNoTracking().Include(x => x.Fees).Where(x => openResources.Contains(x.Id)).ToDictionaryAsync(x => x.Id, ct);
        foreach (var b in open)
        {
            bookings.Complete(b, withFees[b.ResourceId], b.EndAt);
        }
        var soon = now + ReminderAhead;
        var upcoming = await db.Set<InstrumentBooking>().Where(b => b.Status == BookingStatus.Approved && b.ReminderSentAt == null && b.StartAt > now && b.StartAt <= soon)
            .OrderBy(b => b.StartAt).Take(Batch).ToListAsync(ct);
        var upcomingResources = upcoming.Select(b => b.ResourceId).Distinct().ToList();
        var places = await db.Set<Resource>().AsNoTracking().Where(x => upcomingResources.Contains(x.Id))
            .ToDictionaryAsync(x => x.Id, x => (x.Name, x.Address), ct);
        var upcomingUsers = upcoming.Select(b => b.UserId).Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => upcomingUsers.Contains(u.Id) && u.Email != null).ToDictionaryAsync(u => u.Id, u => u.Email!, ct);
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
        // Reports nobody accepted within the acceptance period: the order is completed as reported.
        var acceptBy = now - TimeSpan.FromDays(ServiceOrderService.AcceptanceDays);
        var unaccepted = await db.Set<ServiceOrder>().Where(o => o.Status == ServiceOrderStatus.Reported && o.ReportedAt < acceptBy)
            .OrderBy(o => o.ReportedAt).Take(Batch).ToListAsync(ct);
        foreach (var o in unaccepted)
        {
            db.Add(ServiceOrderService.Complete(o, now));
        }
        await db.SaveChangesAsync(ct);
        return new BookingJobsResult(noShows, open.Count, upcoming.Count, unaccepted.Count);
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
        try
        {
            using var timer = new PeriodicTimer(interval, clock);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    using var scope = scopes.CreateScope();
                    var result = await scope.ServiceProvider.GetRequiredService<BookingJobs>().RunAsync(interval * 2, stoppingToken);
                    if (result is { } r && (r.NoShows + r.AutoCompleted + r.Reminders + r.OrdersCompleted) > 0)
                    {
                        logger.LogInformation("Booking jobs: {NoShows} no-shows released, {AutoCompleted} uses checked out, {Reminders} reminders queued, {Orders} service orders completed",
                            r.NoShows, r.AutoCompleted, r.Reminders, r.OrdersCompleted);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Booking jobs failed; retrying at the next tick");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}

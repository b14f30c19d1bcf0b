using System.ComponentModel;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Booking;

/// <summary>Instrument booking over HTTP: requests, decisions, check-in/out, availability, rules, blackouts and training records.</summary>
public static class BookingApi
{
    /// <summary>Endpoint names (WithName): links and Location headers are generated from them, not typed.</summary>
    public const string BookingEndpoint = "GetBooking";
    public const string BlackoutEndpoint = "DeleteBlackout";

    public static IServiceCollection AddBooking(this IServiceCollection services, bool runInBackground)
    {
        services.AddScoped<BookingService>();
        services.AddScoped<BookingJobs>();
        services.AddScoped<BookingDirectory>();
        services.AddScoped<UseRefunds>();
        if (runInBackground)
        {
            services.AddHostedService<BookingJobsService>();
        }
        return services;
    }

    public static IEndpointRouteBuilder MapBookingApi(this IEndpointRouteBuilder app)
    {
        var bookings = app.MapGroup("/api/v1/bookings").WithTags("Booking").RequireAuthorization(Policies.SignedIn);
        bookings.MapPost("/", async (BookingInput input, BookingService service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await service.CreateAsync(input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, BookingEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("Book an instrument: 201 { id, status }; 409 when the time is taken; 422 with `rule` when a booking rule says no.");
        bookings.MapGet("/{id:guid}", async (Guid id, BookingService service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } b ? Results.Ok(b) : Results.NotFound())
            .WithName(BookingEndpoint).WithSummary("One booking: for its user, whoever booked it, the instrument's managers and the region's admins.");
        bookings.MapGet("/managed", async (BookingService service, BookingStatus? status, Guid? instrumentId,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListManagedAsync(status, instrumentId, page, pageSize, ct)))
            .WithSummary("Bookings of the instruments the caller manages; status=Pending is the approval queue (earliest first).");
        bookings.MapPost("/{id:guid}/approve", async (Guid id, BookingNoteInput? input, BookingService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.DecideAsync(id, true, input?.Note, ct))).WithSummary("Approve a pending booking (checks the rules again).");
        bookings.MapPost("/{id:guid}/reject", async (Guid id, BookingNoteInput? input, BookingService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.DecideAsync(id, false, input?.Note, ct))).WithSummary("Reject a pending booking; `note` (the reason) is required.");
        bookings.MapPost("/{id:guid}/cancel", async (Guid id, BookingNoteInput? input, BookingService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.CancelAsync(id, input?.Note, ct))).WithSummary("Cancel a pending or approved booking; late cancellation may cost a fee.");
        bookings.MapPost("/{id:guid}/check-in", async (Guid id, BookingService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.CheckInAsync(id, ct))).WithSummary("Check in from 15 minutes before the start until the end.");
        bookings.MapPost("/{id:guid}/check-out", async (Guid id, BookingService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.CheckOutAsync(id, ct))).WithSummary("Check out: the booking is completed and its machine time and fee recorded.");
        bookings.MapPost("/{id:guid}/refund", async (Guid id, RefundInput? input, UseRefunds refunds, CancellationToken ct) =>
            ApiResults.ToHttp(await refunds.RefundBookingAsync(id, input?.Note, ct)))
            .WithSummary("The instrument's managers refund a completed booking with a note (required); a voucher used on it is reversed, a paid one refuses (409).");
        bookings.MapPost("/{id:guid}/rating", async (Guid id, RatingInput input, BookingService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.RateAsync(id, input, ct))).WithSummary("Rate a completed booking 1–5 with a comment (its user, once).");

        app.MapGet("/api/v1/me/bookings", async (BookingService service, BookingStatus? status,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListMineAsync(status, page, pageSize, ct)))
            .RequireAuthorization(Policies.SignedIn).WithTags("Booking").WithSummary("The caller's bookings (as user or as the one who booked), latest first.");

        app.MapGet("/api/v1/me/bookings.ics", async (BookingService service, CancellationToken ct) =>
                Results.Text(await service.MyCalendarAsync(ct), ICalendar.ContentType))
            .RequireAuthorization(Policies.SignedIn).WithTags("Booking").WithSummary("The caller's bookings as an iCalendar file (RFC 5545).");

        var instruments = app.MapGroup("/api/v1/instruments/{id:guid}").WithTags("Booking");
        instruments.MapGet("/schedule.ics", async (Guid id, BookingService service, CancellationToken ct) =>
            {
                var (calendar, result) = await service.InstrumentCalendarAsync(id, ct);
                return calendar is null ? ApiResults.ToHttp(result) : Results.Text(calendar, ICalendar.ContentType);
            })
            .AllowAnonymous().WithSummary("The instrument's held time and blackouts as an iCalendar file; names only for its managers.");
        instruments.MapGet("/availability", async (Guid id, DateOnly? from, BookingService service, TimeProvider clock, [DefaultValue(7)] int days = 7, CancellationToken ct = default) =>
            {
                var (availability, result) = await service.AvailabilityAsync(id, from ?? ChinaTime.Today(clock), days, ct);
                return availability is null ? ApiResults.ToHttp(result) : Results.Ok(availability);
            })
            .AllowAnonymous().WithSummary("Opening hours, held slots (without who holds them) and blackouts for `days` days from `from` (China Standard Time).");
        instruments.MapGet("/ratings", async (Guid id, BookingService service, CancellationToken ct) =>
                await service.RatingsAsync(id, ct) is { } ratings ? Results.Ok(ratings) : Results.NotFound())
            .AllowAnonymous().WithSummary("Average rating, count and the latest ratings (raters' names masked).");
        instruments.MapGet("/booking-rules", async (Guid id, BookingService service, CancellationToken ct) => ApiResults.Respond(await service.GetRulesAsync(id, ct)))
            .AllowAnonymous().WithSummary("The instrument's booking rules (the defaults until its managers set them).");
        instruments.MapPut("/booking-rules", async (Guid id, BookingRulesInput input, BookingService service, CancellationToken ct) =>
                ApiResults.Respond(await service.SetRulesAsync(id, input, ct)))
            .RequireAuthorization(Policies.SignedIn).WithSummary("Replace the booking rules (the instrument's managers); 409 when `version` is stale.");
        instruments.MapPost("/blackouts", async (Guid id, BlackoutInput input, BookingService service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (blackout, result) = await service.AddBlackoutAsync(id, input, ct);
                return blackout is null ? ApiResults.ToHttp(result)
                    : Results.Created(links.EndpointPath(context, BlackoutEndpoint, new { id, blackoutId = blackout.Id }), blackout);
            })
            .RequireAuthorization(Policies.SignedIn).WithSummary("Block a period (maintenance); bookings there are refused from now on.");
        instruments.MapDelete("/blackouts/{blackoutId:guid}", async (Guid id, Guid blackoutId, BookingService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.RemoveBlackoutAsync(id, blackoutId, ct))).RequireAuthorization(Policies.SignedIn).WithName(BlackoutEndpoint);
        instruments.MapGet("/qualifications", async (Guid id, BookingService service, CancellationToken ct) =>
            {
                var (list, result) = await service.ListQualificationsAsync(id, ct);
                return list is null ? ApiResults.ToHttp(result) : Results.Ok(list);
            })
            .RequireAuthorization(Policies.SignedIn).WithSummary("Users trained on the instrument (its managers).");
        instruments.MapPost("/qualifications", async (Guid id, QualificationInput input, BookingService service, CancellationToken ct) =>
            {
                var (q, result) = await service.GrantQualificationAsync(id, input, ct);
                return q is null ? ApiResults.ToHttp(result) : Results.Ok(q);
            })
            .RequireAuthorization(Policies.SignedIn).WithSummary("Record or renew a user's training (by e-mail) with an optional expiry.");
        instruments.MapDelete("/qualifications/{qualificationId:guid}", async (Guid id, Guid qualificationId, BookingService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.RevokeQualificationAsync(id, qualificationId, ct))).RequireAuthorization(Policies.SignedIn);
        return app;
    }
}

using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>
/// Matchmaking events (issue 17 point 5): <c>/api/v1/market-events</c> (the public calendar and details anonymous; the
/// rest signed in, who may act checked by <see cref="MarketEventService"/>), and the iCalendar feed beside the pages.
/// </summary>
public static class MarketEventsApi
{
    public const string EventEndpoint = "GetMarketEvent";
    public const string CalendarEndpoint = "MarketEventsCalendar";
    public const string EventCalendarEndpoint = "MarketEventCalendar";
    public const string OutcomesFileEndpoint = "MarketEventOutcomesFile";
    public const string ExhibitsEndpoint = "MarketEventExhibits";
    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IServiceCollection AddMarketEvents(this IServiceCollection services)
    {
        services.AddScoped<MarketEventService>();
        services.AddScoped<MarketEventFiles>();
        services.AddScoped<EventExhibitService>();
        services.AddScoped<MarketEventDirectory>();
        return services;
    }

    public static IEndpointRouteBuilder MapMarketEventsApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/v1/market-events").WithTags("Matchmaking events").RequireAuthorization(Policies.SignedIn);
        events.MapGet("/", async (MarketEventService service, string? month, string? region, string? discipline, bool? online, CancellationToken ct) =>
            {
                var parsed = EventMonth.Parse(month);
                if (month is not null && parsed is null)
                {
                    var errors = new FieldErrors();
                    errors.Add("month", new Message("MarketEvents.MonthInvalid"));
                    return ApiProblem.Validation(errors);
                }
                return Results.Ok(await service.CalendarAsync(new EventCalendarQuery(parsed, region, discipline, online), ct));
            })
            .AllowAnonymous().WithSummary("Published events of one month (yyyy-MM, China time; default this month) of both regions; filters region, discipline, online.");
        events.MapGet("/organized", async (MarketEventService service, CancellationToken ct) => Results.Ok(await service.OrganizedAsync(ct)))
            .WithSummary("The events the caller organises (drafts included).");
        events.MapGet("/{id:guid}", async (Guid id, MarketEventService service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } e ? Results.Ok(e) : Results.NotFound())
            .AllowAnonymous().WithName(EventEndpoint).WithSummary("One event (a draft only for its organisers).");
        events.MapPost("/", async (MatchmakingEventInput input, MarketEventService service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await service.CreateAsync(input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, EventEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("Create an event (draft) for an organisation the caller administers, or one of the region they administer.");
        events.MapPut("/{id:guid}", async (Guid id, MatchmakingEventInput input, MarketEventService service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.UpdateAsync(id, input, ct)))
            .WithSummary("Edit a draft or published event (version as read); the meeting grid is fixed once a meeting was requested.");
        events.MapPost("/{id:guid}/publish", async (Guid id, MarketEventService service, CancellationToken ct) => ApiResults.ToHttp(await service.PublishAsync(id, ct)))
            .WithSummary("Publish a draft: it appears on the public calendar and opens for registration.");
        events.MapPost("/{id:guid}/cancel", async (Guid id, CancelEventInput input, MarketEventService service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.CancelAsync(id, input.Reason, ct)))
            .WithSummary("Cancel before the start, with a reason; registrants are told through the outbox.");
        events.MapPost("/{id:guid}/finish", async (Guid id, MarketEventService service, CancellationToken ct) => ApiResults.ToHttp(await service.FinishAsync(id, ct)))
            .WithSummary("Mark a published event finished once it has ended.");

        events.MapPost("/{id:guid}/registrations", async (Guid id, RegistrationInput input, MarketEventService service, CancellationToken ct) =>
                ApiResults.Respond(await service.RegisterAsync(id, input, ct)))
            .WithSummary("Register one of the caller's organisations with a contact person (phone encrypted) and what it seeks or offers.");
        events.MapGet("/{id:guid}/registrations", async (Guid id, MarketEventService service, CancellationToken ct) =>
                await service.RegistrationsAsync(id, ct) is { } list ? Results.Ok(list) : Results.NotFound())
            .WithSummary("Every registration, for the organisers (phones masked).");
        events.MapGet("/{id:guid}/registrations/mine", async (Guid id, MarketEventService service, CancellationToken ct) =>
                Results.Ok(await service.MyRegistrationsAsync(id, ct)))
            .WithSummary("The caller's organisations' registrations.");
        events.MapDelete("/{id:guid}/registrations/{organizationId:guid}", async (Guid id, Guid organizationId, MarketEventService service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.CancelRegistrationAsync(id, organizationId, ct)))
            .WithSummary("Cancel the registration of one of the caller's organisations (its live meetings are cancelled too).");
        events.MapGet("/{id:guid}/participants", async (Guid id, MarketEventService service, CancellationToken ct) =>
                await service.ParticipantsAsync(id, ct) is { } list ? Results.Ok(list) : Results.NotFound())
            .WithSummary("The registered organisations and what they seek or offer, for registrants and organisers.");

        events.MapGet("/{id:guid}/exhibits", async (Guid id, EventExhibitService exhibits, CancellationToken ct) =>
                await exhibits.ListAsync(id, ct) is { } list ? Results.Ok(list) : Results.NotFound())
            .AllowAnonymous().WithName(ExhibitsEndpoint)
            .WithSummary("The live results and demands on show at the event (the organisers also see those that expired or closed, with live false).");
        events.MapPost("/{id:guid}/exhibits", async (Guid id, ExhibitInput input, EventExhibitService exhibits, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (added, result) = await exhibits.AddAsync(id, input, ct);
                return added is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, ExhibitsEndpoint, new { id }), added);
            })
            .WithSummary("Put a live result or demand (kind Achievement or Demand, itemId) on show at a draft or published event; organisers only.");
        events.MapDelete("/{id:guid}/exhibits/{exhibitId:guid}", async (Guid id, Guid exhibitId, EventExhibitService exhibits, CancellationToken ct) =>
                ApiResults.ToHttp(await exhibits.RemoveAsync(id, exhibitId, ct)))
            .WithSummary("Take an exhibit off the event; organisers only.");

        events.MapPost("/{id:guid}/meetings", async (Guid id, MeetingRequestInput input, MarketEventService service, CancellationToken ct) =>
                ApiResults.Respond(await service.RequestMeetingAsync(id, input, ct)))
            .WithSummary("Request a one-to-one meeting in a slot of the grid; 409 when either organisation is busy then or no table is free.");
        events.MapGet("/{id:guid}/meetings/mine", async (Guid id, MarketEventService service, CancellationToken ct) =>
                await service.MyMeetingsAsync(id, ct) is { } list ? Results.Ok(list) : Results.NotFound())
            .WithSummary("The meetings of the caller's organisations (requests in and out).");
        events.MapPost("/{id:guid}/meetings/{meetingId:guid}/answer", async (Guid id, Guid meetingId, MeetingAnswerInput input, MarketEventService service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.AnswerMeetingAsync(id, meetingId, input.Accept, ct)))
            .WithSummary("Accept or decline a meeting addressed to one of the caller's organisations.");
        events.MapPost("/{id:guid}/meetings/{meetingId:guid}/cancel", async (Guid id, Guid meetingId, MarketEventService service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.CancelMeetingAsync(id, meetingId, ct)))
            .WithSummary("Withdraw a pending or accepted meeting before it starts.");
        events.MapPut("/{id:guid}/meetings/{meetingId:guid}/outcome", async (Guid id, Guid meetingId, MeetingOutcomeInput input, MarketEventService service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.RecordOutcomeAsync(id, meetingId, input, ct)))
            .WithSummary("Record the caller's side's outcome of a held meeting: no interest, interest or deal started, with a note.");
        events.MapGet("/{id:guid}/outcomes", async (Guid id, MarketEventService service, CancellationToken ct) =>
                await service.SummaryAsync(id, ct) is { } s ? Results.Ok(s) : Results.NotFound())
            .WithSummary("The organisers' summary: meetings held, with interest, deals started, and every meeting.");
        events.MapGet("/{id:guid}/outcomes.xlsx", async (Guid id, MarketEventService service, MarketEventFiles files, CancellationToken ct) =>
            {
                if (await service.GetAsync(id, ct) is not { } e || await service.SummaryAsync(id, ct) is not { } s)
                {
                    return Results.NotFound();
                }
                return Results.File(files.Outcomes(e, s), XlsxType, $"matchmaking-outcomes-{id:N}.xlsx");
            })
            .WithName(OutcomesFileEndpoint).WithSummary("The outcomes as .xlsx: one row per meeting, then the figures.");

        app.MapGet("/Market/Events/calendar.ics", async (MarketEventService service, MarketEventFiles files, LinkGenerator links, HttpContext context, CancellationToken ct) =>
                Results.Text(files.Calendar(await service.FeedAsync(ct), PageOf(links, context)), "text/calendar", System.Text.Encoding.UTF8))
            .AllowAnonymous().WithName(CalendarEndpoint).WithTags("Matchmaking events")
            .WithSummary("iCalendar feed of the published events of both regions (30 days back to a year ahead).");
        app.MapGet("/Market/Events/{id:guid}/calendar.ics", async (Guid id, MarketEventService service, MarketEventFiles files, LinkGenerator links, HttpContext context, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } e ? Results.Text(files.Calendar([e], PageOf(links, context)), "text/calendar", System.Text.Encoding.UTF8) : Results.NotFound())
            .AllowAnonymous().WithName(EventCalendarEndpoint).WithTags("Matchmaking events").WithSummary("One event as an iCalendar file.");
        return app;
    }

    private static Func<Guid, Uri> PageOf(LinkGenerator links, HttpContext context) =>
        id => new Uri(links.GetUriByPage(context, "/MarketEvents/Details", null, new { id }) ?? throw new InvalidOperationException("no event page"));
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>A registrant's meetings at one event: requests in and out, accept or decline, withdraw, record the outcome; and a new request.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MarketEventMeetingsModel(MarketEventService service, EventExhibitService exhibits) : PageModel
{
    public MatchmakingEventDto Event { get; private set; } = null!;
    public IReadOnlyList<RegistrationDto> Mine { get; private set; } = [];
    public IReadOnlyList<ParticipantDto> Others { get; private set; } = [];
    public IReadOnlyList<MeetingDto> Meetings { get; private set; } = [];
    public IReadOnlyList<DateTimeOffset> Slots { get; private set; } = [];

    /// <summary>The live exhibits a request may be about.</summary>
    public IReadOnlyList<ExhibitDto> Exhibits { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    [BindProperty] public Guid? FromOrganizationId { get; set; }
    [BindProperty] public Guid? WithOrganizationId { get; set; }
    [BindProperty] public string? SlotStart { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public Guid? ExhibitId { get; set; }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await service.GetAsync(id, ct) is not { } e || await service.MyMeetingsAsync(id, ct) is not { } meetings)
        {
            return false;
        }
        Event = e;
        Meetings = meetings;
        Mine = await service.MyRegistrationsAsync(id, ct);
        Others = (await service.ParticipantsAsync(id, ct) ?? []).Where(p => Mine.All(m => m.OrganizationId != p.OrganizationId)).ToList();
        Slots = MarketEventRules.Slots(new MatchmakingEvent { SlotMinutes = e.SlotMinutes, MeetingsStartAt = e.MeetingsStartAt, MeetingsEndAt = e.MeetingsEndAt }).ToList();
        Exhibits = (await exhibits.ListAsync(id, ct) ?? []).Where(x => x.Live).ToList();
        return true;
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostRequestAsync(Guid id, CancellationToken ct)
    {
        var (_, result) = await service.RequestMeetingAsync(id, new MeetingRequestInput(FromOrganizationId, WithOrganizationId, MarketEventPages.Parse(SlotStart), Note, ExhibitId), ct);
        return await AfterAsync(id, result, ct);
    }

    public async Task<IActionResult> OnPostAnswerAsync(Guid id, Guid meetingId, bool accept, CancellationToken ct) =>
        await AfterAsync(id, await service.AnswerMeetingAsync(id, meetingId, accept, ct), ct);

    public async Task<IActionResult> OnPostCancelAsync(Guid id, Guid meetingId, CancellationToken ct) =>
        await AfterAsync(id, await service.CancelMeetingAsync(id, meetingId, ct), ct);

    public async Task<IActionResult> OnPostOutcomeAsync(Guid id, Guid meetingId, MeetingOutcome? outcome, string? outcomeNote, CancellationToken ct) =>
        await AfterAsync(id, await service.RecordOutcomeAsync(id, meetingId, new MeetingOutcomeInput(outcome, outcomeNote), ct), ct);

    private async Task<IActionResult> AfterAsync(Guid id, ServiceResult result, CancellationToken ct)
    {
        switch (result)
        {
            case ServiceResult.Ok:
                return RedirectToPage(new { id });
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Invalid invalid:
                Errors = invalid.Errors;
                break;
            case ServiceResult.Forbidden:
                return Forbid();
            default:
                Failure = result.FailureMessage;
                break;
        }
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }
}

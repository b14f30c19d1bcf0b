using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>The organiser's page: publish, finish or cancel; the registrations; the meeting grid (tables × slots); the outcomes.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MarketEventManageModel(MarketEventService service) : PageModel
{
    public MatchmakingEventDto Event { get; private set; } = null!;
    public IReadOnlyList<RegistrationDto> Registrations { get; private set; } = [];
    public OutcomeSummary Summary { get; private set; } = null!;
    public IReadOnlyList<DateTimeOffset> Slots { get; private set; } = [];
    public string? Failure { get; private set; }

    [BindProperty] public string? Reason { get; set; }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await service.GetAsync(id, ct) is not { } e)
        {
            return NotFound();
        }
        if (!e.CanManage || await service.RegistrationsAsync(id, ct) is not { } registrations || await service.SummaryAsync(id, ct) is not { } summary)
        {
            return Forbid();
        }
        Event = e;
        Registrations = registrations;
        Summary = summary;
        Slots = MarketEventRules.Slots(new MatchmakingEvent { SlotMinutes = e.SlotMinutes, MeetingsStartAt = e.MeetingsStartAt, MeetingsEndAt = e.MeetingsEndAt }).ToList();
        return null;
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnPostPublishAsync(Guid id, CancellationToken ct) => await AfterAsync(id, await service.PublishAsync(id, ct), ct);

    public async Task<IActionResult> OnPostFinishAsync(Guid id, CancellationToken ct) => await AfterAsync(id, await service.FinishAsync(id, ct), ct);

    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct) => await AfterAsync(id, await service.CancelAsync(id, Reason, ct), ct);

    private async Task<IActionResult> AfterAsync(Guid id, ServiceResult result, CancellationToken ct)
    {
        switch (result)
        {
            case ServiceResult.Ok:
                return RedirectToPage(new { id });
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return Forbid();
        }
        Failure = result.FailureMessage;
        return await LoadAsync(id, ct) ?? Page();
    }
}

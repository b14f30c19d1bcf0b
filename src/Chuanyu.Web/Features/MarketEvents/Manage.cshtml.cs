using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>The organiser's page: publish, finish or cancel; the registrations; the meeting grid (tables × slots); the outcomes.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MarketEventManageModel(MarketEventService service, EventExhibitService exhibits) : PageModel
{
    public MatchmakingEventDto Event { get; private set; } = null!;
    public IReadOnlyList<RegistrationDto> Registrations { get; private set; } = [];
    public OutcomeSummary Summary { get; private set; } = null!;
    public IReadOnlyList<DateTimeOffset> Slots { get; private set; } = [];
    public string? Failure { get; private set; }

    /// <summary>Every exhibit, those no longer live marked (they are off the public page).</summary>
    public IReadOnlyList<ExhibitDto> Exhibits { get; private set; } = [];

    public IReadOnlyList<ExhibitCandidate> Candidates { get; private set; } = [];

    [BindProperty] public string? Reason { get; set; }

    /// <summary>The exhibit search: which kind, words of the title (a GET form, so the results stay on a reload).</summary>
    [BindProperty(SupportsGet = true)] public ExhibitKind Kind { get; set; }

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

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
        Exhibits = await exhibits.ListAsync(id, ct) ?? [];
        if (Q is not null)
        {
            var shown = Exhibits.Select(x => (x.Kind, x.ItemId)).ToHashSet();
            Candidates = (await exhibits.CandidatesAsync(Kind, Q, ct)).Where(c => !shown.Contains((Kind, c.Id))).ToList();
        }
        return null;
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnPostPublishAsync(Guid id, CancellationToken ct) => await AfterAsync(id, await service.PublishAsync(id, ct), ct);

    public async Task<IActionResult> OnPostFinishAsync(Guid id, CancellationToken ct) => await AfterAsync(id, await service.FinishAsync(id, ct), ct);

    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct) => await AfterAsync(id, await service.CancelAsync(id, Reason, ct), ct);

    public async Task<IActionResult> OnPostAddExhibitAsync(Guid id, Guid itemId, CancellationToken ct)
    {
        var (_, result) = await exhibits.AddAsync(id, new ExhibitInput(Kind, itemId), ct);
        return await AfterAsync(id, result, ct);
    }

    public async Task<IActionResult> OnPostRemoveExhibitAsync(Guid id, Guid exhibitId, CancellationToken ct) =>
        await AfterAsync(id, await exhibits.RemoveAsync(id, exhibitId, ct), ct);

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
        Failure = result is ServiceResult.Invalid invalid ? string.Join(" ", invalid.Errors.Values.SelectMany(v => v)) : result.FailureMessage;
        return await LoadAsync(id, ct) ?? Page();
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>The form of an event's organiser: create a draft, or edit it (times typed in China Standard Time).</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MarketEventEditModel(MarketEventService service) : PageModel
{
    public sealed class EventForm
    {
        public string? Title { get; set; }
        public string? Disciplines { get; set; }
        public string? Description { get; set; }
        public Guid? OrganizerOrganizationId { get; set; }
        public string? StartsAt { get; set; }
        public string? EndsAt { get; set; }
        public bool Online { get; set; }
        public string? Address { get; set; }
        public string? OnlineUrl { get; set; }
        public int? Capacity { get; set; } = 50;
        public string? RegistrationDeadline { get; set; }
        public int? SlotMinutes { get; set; } = 20;
        public int? Tables { get; set; } = 10;
        public string? MeetingsStartAt { get; set; }
        public string? MeetingsEndAt { get; set; }
        public int? Version { get; set; }
    }

    [BindProperty] public EventForm Form { get; set; } = new();
    public Guid? Id { get; private set; }
    public IReadOnlyList<(Guid Id, string Name)> Organizers { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct)
    {
        Id = id;
        Organizers = await service.OrganizerChoicesAsync(ct);
        if (id is { } eventId)
        {
            if (await service.GetAsync(eventId, ct) is not { CanManage: true } e)
            {
                return NotFound();
            }
            Form = new EventForm
            {
                Title = e.Title,
                Disciplines = string.Join(", ", e.Disciplines),
                Description = e.Description,
                OrganizerOrganizationId = e.OrganizerOrganizationId,
                StartsAt = MarketEventPages.Input(e.StartsAt),
                EndsAt = MarketEventPages.Input(e.EndsAt),
                Online = e.Online,
                Address = e.Address,
                OnlineUrl = e.OnlineUrl,
                Capacity = e.Capacity,
                RegistrationDeadline = MarketEventPages.Input(e.RegistrationDeadline),
                SlotMinutes = e.SlotMinutes,
                Tables = e.Tables,
                MeetingsStartAt = MarketEventPages.Input(e.MeetingsStartAt),
                MeetingsEndAt = MarketEventPages.Input(e.MeetingsEndAt),
                Version = e.Version,
            };
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid? id, CancellationToken ct)
    {
        Id = id;
        var f = Form;
        var input = new MatchmakingEventInput(f.Title, (f.Disciplines ?? "").Split([',', '，', ' ', ';', '；'], StringSplitOptions.RemoveEmptyEntries), f.Description,
            f.OrganizerOrganizationId, MarketEventPages.Parse(f.StartsAt), MarketEventPages.Parse(f.EndsAt), f.Online, f.Address, f.OnlineUrl, f.Capacity,
            MarketEventPages.Parse(f.RegistrationDeadline), f.SlotMinutes, f.Tables, MarketEventPages.Parse(f.MeetingsStartAt), MarketEventPages.Parse(f.MeetingsEndAt), f.Version);
        ServiceResult result;
        Guid target;
        if (id is { } eventId)
        {
            result = await service.UpdateAsync(eventId, input, ct);
            target = eventId;
        }
        else
        {
            var (created, outcome) = await service.CreateAsync(input, ct);
            result = outcome;
            target = created?.Id ?? Guid.Empty;
        }
        switch (result)
        {
            case ServiceResult.Ok:
                return RedirectToPage("/MarketEvents/Manage", new { id = target });
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return Forbid();
            case ServiceResult.Invalid invalid:
                Errors = invalid.Errors;
                break;
            default:
                Failure = result.FailureMessage;
                break;
        }
        Organizers = await service.OrganizerChoicesAsync(ct);
        return Page();
    }
}

using Chuanyu.Web.Features.Experts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>The public calendar of both regions' matchmaking events, one month at a time, filtered by region, field and online.</summary>
[AllowAnonymous]
public sealed class MarketEventsIndexModel(MarketEventService service, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Month { get; set; }
    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public string? Discipline { get; set; }
    [BindProperty(SupportsGet = true)] public bool? Online { get; set; }

    public DateOnly Shown { get; private set; }
    public IReadOnlyList<MatchmakingEventDto> Events { get; private set; } = [];
    public IReadOnlyList<Discipline> Fields => DisciplineCodes.TopLevel;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var today = Infrastructure.ChinaTime.Today(clock);
        Shown = EventMonth.Parse(Month) ?? new DateOnly(today.Year, today.Month, 1);
        Events = await service.CalendarAsync(new EventCalendarQuery(Shown, Region, Discipline, Online), ct);
    }
}

using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Deals;

/// <summary>An approved manager starts a deal: a live result and/or a live demand, found by a word of the title.</summary>
public sealed class DealNewModel(DealPipeline deals, TechManagers managers, MarketDirectory market, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int Choices = 100;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty] public Guid? AchievementId { get; set; }
    [BindProperty] public Guid? DemandId { get; set; }
    [BindProperty] public DealSource Source { get; set; } = DealSource.Direct;
    [BindProperty] public string? Title { get; set; }

    public bool Approved { get; private set; }
    public IReadOnlyList<(Guid Id, string Title)> Results { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Title)> Demands { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var (created, result) = await deals.CreateAsync(new DealInput(AchievementId, DemandId, Source, null, Title), ct);
        if (created is not null)
        {
            TempData["Message"] = l["DealPages.CreatedMessage"].Value;
            return RedirectToPage("/Deals/Details", new { id = created.Id });
        }
        if (PageResults.Refused(this, result, Errors, e => Failure = e) is { } answer)
        {
            return answer;
        }
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Approved = await managers.ApprovedMineAsync(ct) is not null;
        var term = Q?.Trim();
        var results = market.LiveAchievements();
        var demands = market.LiveDemands();
        if (!string.IsNullOrEmpty(term))
        {
            results = results.Where(a => a.Title.Contains(term));
            demands = demands.Where(d => d.Title.Contains(term));
        }
        Results = (await results.OrderBy(a => a.Title).Take(Choices).Select(a => new { a.Id, a.Title }).ToListAsync(ct)).Select(a => (a.Id, a.Title)).ToList();
        Demands = (await demands.OrderBy(d => d.Title).Take(Choices).Select(d => new { d.Id, d.Title }).ToListAsync(ct)).Select(d => (d.Id, d.Title)).ToList();
    }
}

using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Deals;

/// <summary>
/// An approved manager starts a deal: a live result and/or a live demand, found by a word of the title. The market's match
/// lists and interests and the events' meetings link here with <c>achievementId</c>, <c>demandId</c>, <c>source</c> and
/// <c>sourceRef</c> in the query string, which fill the form in.
/// </summary>
public sealed class DealNewModel(DealPipeline deals, TechManagers managers, MarketDirectory market, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int Choices = 100;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? AchievementId { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? DemandId { get; set; }
    [BindProperty(SupportsGet = true)] public DealSource Source { get; set; } = DealSource.Direct;
    [BindProperty(SupportsGet = true)] public Guid? SourceRef { get; set; }
    [BindProperty] public string? Title { get; set; }

    public bool Approved { get; private set; }
    public IReadOnlyList<(Guid Id, string Title)> Results { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Title)> Demands { get; private set; } = [];
    /// <summary>The titles of the result and demand the form came with (from a match, an interest or a meeting).</summary>
    public string? AchievementTitle { get; private set; }
    public string? DemandTitle { get; private set; }
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var (created, result) = await deals.CreateAsync(new DealInput(AchievementId, DemandId, Source, SourceRef, Title), ct);
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
        // The result and demand the form came with stay choosable whatever the filter found.
        AchievementTitle = AchievementId is { } aid ? await market.LiveAchievements().Where(a => a.Id == aid).Select(a => a.Title).FirstOrDefaultAsync(ct) : null;
        DemandTitle = DemandId is { } did ? await market.LiveDemands().Where(d => d.Id == did).Select(d => d.Title).FirstOrDefaultAsync(ct) : null;
        if (AchievementTitle is not null && Results.All(r => r.Id != AchievementId))
        {
            Results = [(AchievementId!.Value, AchievementTitle), .. Results];
        }
        if (DemandTitle is not null && Demands.All(r => r.Id != DemandId))
        {
            Demands = [(DemandId!.Value, DemandTitle), .. Demands];
        }
    }
}

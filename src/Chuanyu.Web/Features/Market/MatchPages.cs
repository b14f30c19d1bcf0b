using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Market;

/// <summary>
/// A record's matches as a page (issue 17 point 3): the filters in the query string, the reasons, and for a signed-in
/// member of another organisation the reactions (save, dismiss with a reason after a confirmation, interest with a message).
/// </summary>
public abstract class MatchesModel(MarketMatching matching, MatchReactions reactions, MarketService market, OrganizationDirectory organizations,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public TransferModes? Mode { get; set; }
    [BindProperty(SupportsGet = true)] public decimal? MaxPrice { get; set; }
    [BindProperty(SupportsGet = true)] public decimal? MinBudget { get; set; }
    [BindProperty(SupportsGet = true)] public int? MinTrl { get; set; }

    [BindProperty] public Guid OtherId { get; set; }
    [BindProperty] public MatchReactionKind? Kind { get; set; }
    [BindProperty] public MatchDismissReason? Reason { get; set; }
    [BindProperty] public string? Message { get; set; }
    [BindProperty] public Guid? OrganizationId { get; set; }

    public abstract MatchSide Side { get; }
    public Guid Id { get; private set; }
    public string Title { get; private set; } = "";
    public MatchList? List { get; private set; }
    public DemandHelpers? Helpers { get; private set; }
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    /// <summary>The page of a listed record.</summary>
    public string OtherPage => Side == MatchSide.Demand ? "/Market/Achievements/Details" : "/Market/Demands/Details";

    public string SourcePage => Side == MatchSide.Demand ? "/Market/Demands/Details" : "/Market/Achievements/Details";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        Id = id;
        var q = new MatchQuery(Region, Mode, Side == MatchSide.Demand ? MaxPrice : null, Side == MatchSide.Achievement ? MinBudget : null,
            Side == MatchSide.Demand ? MinTrl : null);
        var (list, result) = Side == MatchSide.Demand ? await matching.ForDemandAsync(id, q, ct) : await matching.ForAchievementAsync(id, q, ct);
        if (result is ServiceResult.NotFound)
        {
            return NotFound();
        }
        if (result is ServiceResult.Invalid { Errors: var invalid })
        {
            Errors = invalid;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        List = list;
        Title = Side == MatchSide.Demand
            ? (await market.GetDemandAsync(id, ct))?.Title ?? ""
            : (await market.GetAchievementAsync(id, ct))?.Title ?? "";
        Helpers = Side == MatchSide.Demand ? await matching.HelpersAsync(id, ct) : null;
        Organizations = await organizations.ChoicesAsync(market.MyOrganizations, ct);
        return null;
    }

    public async Task<IActionResult> OnPostReactAsync(Guid id, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }
        var (demandId, achievementId) = Side == MatchSide.Demand ? (id, OtherId) : (OtherId, id);
        var (_, result) = await reactions.ReactAsync(new MatchReactionInput(OrganizationId, demandId, achievementId, Side, Kind, Reason, Message), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["MatchingPages.Reacted"].Value;
            return RedirectToPage(new { id, Region, Mode, MaxPrice, MinBudget, MinTrl });
        }
        if (await LoadAsync(id, ct) is { } notFound)
        {
            return notFound;
        }
        return MarketPages.Refused(this, result, Errors, f => Failure = f) ?? Page();
    }
}

[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class DemandMatchesModel(MarketMatching matching, MatchReactions reactions, MarketService market, OrganizationDirectory organizations,
    IStringLocalizer<SharedResource> l) : MatchesModel(matching, reactions, market, organizations, l)
{
    public override MatchSide Side => MatchSide.Demand;
}

[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class AchievementMatchesModel(MarketMatching matching, MatchReactions reactions, MarketService market, OrganizationDirectory organizations,
    IStringLocalizer<SharedResource> l) : MatchesModel(matching, reactions, market, organizations, l)
{
    public override MatchSide Side => MatchSide.Achievement;
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;

namespace Chuanyu.Web.Features.Market;

/// <summary>科技成果: the published research results of both regions, filtered, paged and sorted; public.</summary>
[AllowAnonymous]
public sealed class AchievementsIndexModel(MarketService market) : MarketListModel(market)
{
    public override string DetailsPage => "/Market/Achievements/Details";
    public override bool IsDemands => false;

    protected override Task<PagedList<MarketListItem>> LoadAsync(MarketQuery q, int page, CancellationToken ct) => Market.ListAchievementsAsync(q, page, PageSize, ct);
}

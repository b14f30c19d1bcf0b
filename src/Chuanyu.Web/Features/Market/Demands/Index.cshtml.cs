using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;

namespace Chuanyu.Web.Features.Market;

/// <summary>技术需求: the published demands of both regions (public text only), filtered, paged and sorted; public.</summary>
[AllowAnonymous]
public sealed class DemandsIndexModel(MarketService market) : MarketListModel(market)
{
    public override string DetailsPage => "/Market/Demands/Details";
    public override bool IsDemands => true;

    protected override Task<PagedList<MarketListItem>> LoadAsync(MarketQuery q, int page, CancellationToken ct) => Market.ListDemandsAsync(q, page, PageSize, ct);
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>创新券服务机构: the approved providers of both regions, by region and category, a page at a time.</summary>
[AllowAnonymous]
public sealed class VoucherProvidersModel(VoucherProviders providers) : PageModel
{
    public const int PageSize = 20;
    public static readonly string[] Regions = ["500000", "510000"];

    [BindProperty(SupportsGet = true)]
    public string? Region { get; set; }

    [BindProperty(SupportsGet = true)]
    public VoucherServiceCategory? Category { get; set; }

    public PagedList<VoucherProviderDto> Items { get; private set; } = new(0, 1, PageSize, []);

    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var region = Regions.Contains(Region) ? Region : null;
        Items = await providers.ListAsync(region, VoucherProviderStatus.Approved, Category, Pager.RequestedPage(Request), PageSize, ct);
    }
}

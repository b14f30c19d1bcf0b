using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Deals;

/// <summary>The public list of approved technology managers (no personal data), by region and field.</summary>
[AllowAnonymous]
public sealed class DealManagersModel(TechManagers managers) : PageModel
{
    public const int PageSize = 30;

    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public string? Discipline { get; set; }

    public PagedList<TechManagerPublicDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);

    public async Task OnGetAsync(CancellationToken ct) =>
        Items = await managers.ApprovedAsync(DealRules.Regions.Contains(Region ?? "") ? Region : null, Discipline is { Length: <= 7 } ? Discipline : null,
            Pager.RequestedPage(Request), PageSize, ct);
}

using System.Globalization;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Deals;

/// <summary>交易撮合: the manager's dashboard (open deals by stage, conversion) and the deals the caller reads, sorted and paged; as Excel.</summary>
public sealed class DealsIndexModel(DealPipeline deals, TechManagers managers, DealExport export, TimeProvider clock) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public DealStage? Stage { get; set; }
    [BindProperty(SupportsGet = true)] public DealSort Sort { get; set; }

    public TechManagerProfile? Profile { get; private set; }
    public DealDashboardDto? Dashboard { get; private set; }
    public PagedList<DealDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Profile = await managers.MineAsync(ct);
        Dashboard = Profile is null ? null : await deals.DashboardAsync(ct);
        Items = await deals.ListAsync(mine: false, Stage, Sort, Pager.RequestedPage(Request), PageSize, ct);
    }

    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        var file = await export.WriteMineAsync(ct);
        var stamp = clock.GetUtcNow().ToOffset(Display.ChinaStandardTime).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return File(file, XlsxStream.ContentType, $"chuanyu-deals-{stamp}.xlsx");
    }
}

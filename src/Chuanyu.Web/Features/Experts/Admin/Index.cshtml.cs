using System.Globalization;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// 专家管理: the experts of the regions the administrator runs (every status; the other region's are not listed), personal
/// data masked, filtered, sorted and paged; the filtered list as Excel (masked too).
/// </summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class ExpertsAdminModel(ExpertPool pool, ExpertExport export, TimeProvider clock) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public ExpertStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Top { get; set; }
    [BindProperty(SupportsGet = true)] public TitleLevel? Title { get; set; }
    [BindProperty(SupportsGet = true)] public ExpertCategory? Category { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public ExpertSort Sort { get; set; }

    public PagedList<ExpertAdminDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);
    public IReadOnlyList<string> Regions => pool.ManagedRegions;

    private ExpertQuery Query() =>
        new(DisciplineCodes.Find(Top)?.Code, Title, Category, null, string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), Status, Sort);

    public async Task OnGetAsync(CancellationToken ct) =>
        Items = await pool.ManagedListAsync(Query(), Pager.RequestedPage(Request), PageSize, ct);

    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        var (file, _) = await export.WriteAsync(Query(), ct);
        var stamp = clock.GetUtcNow().ToOffset(Display.ChinaStandardTime).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return File(file, XlsxStream.ContentType, $"chuanyu-experts-{stamp}.xlsx");
    }
}

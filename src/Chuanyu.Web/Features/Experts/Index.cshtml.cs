using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// 专家库: the active experts of both regions without personal data, for anyone. The filters are a GET form that works
/// without JavaScript: the 一级学科 chosen, the page offers its 二级学科 (a second-level code narrows the first).
/// </summary>
[AllowAnonymous]
public sealed class ExpertsIndexModel(ExpertPool pool) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public string? Top { get; set; }
    [BindProperty(SupportsGet = true)] public string? Discipline { get; set; }
    [BindProperty(SupportsGet = true)] public TitleLevel? Title { get; set; }
    [BindProperty(SupportsGet = true)] public ExpertCategory? Category { get; set; }
    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public ExpertSort Sort { get; set; }

    public PagedList<ExpertPublicDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);

    /// <summary>The 二级学科 of the chosen 一级学科 (none chosen: none).</summary>
    public IReadOnlyList<Discipline> SecondLevel { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var top = DisciplineCodes.Find(Top) is { Level: 1 } t ? t.Code : null;
        // A second-level code of another 一级学科 (the first was changed) is dropped rather than matching nothing.
        var sub = DisciplineCodes.Find(Discipline) is { Level: 2 } d && (top is null || d.TopCode == top) ? d.Code : null;
        Top = top ?? sub?[..3];
        Discipline = sub;
        SecondLevel = Top is null ? [] : DisciplineCodes.ChildrenOf(Top).ToList();
        var region = ExpertPages.Regions.Contains(Region ?? "") ? Region : null;
        Items = await pool.PublicListAsync(new ExpertQuery(sub ?? Top, Title, Category, region, string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), Sort: Sort),
            Pager.RequestedPage(Request), PageSize, ct);
    }
}

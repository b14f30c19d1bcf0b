using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Organizations;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Admin;

/// <summary>科技型中小企业确认: a region administrator's declarations, of their own region only, by status.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class AdminSmesModel(SmeDeclarationService smes, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 50;

    /// <summary>The status shown; none shows every declaration.</summary>
    [BindProperty(SupportsGet = true)]
    public SmeDeclarationStatus? Status { get; set; } = SmeDeclarationStatus.Declared;

    [BindProperty(SupportsGet = true)]
    public bool All { get; set; }

    public PagedList<SmeDeclarationRow> Items { get; private set; } = new(0, 1, PageSize, []);

    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var (page, _) = await smes.ListAsync(All ? null : Status, null, Pager.RequestedPage(Request), PageSize, ct);
        Items = page ?? Items;
    }

    public Task<IActionResult> OnPostDecideSmeAsync(Guid id, int year, bool confirm, string? note, CancellationToken ct) =>
        SmeDecisionForm.PostAsync(this, smes, l, id, year, confirm, note, new { Status, All }, ct);
}

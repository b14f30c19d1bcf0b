using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>An organisation's resources that the caller may see; its managers also see drafts and retired records, and the status.</summary>
[AllowAnonymous]
public sealed class OrganizationResourcesModel(CatalogService catalog, OrganizationDirectory organizations) : PageModel
{
    private const int PageSize = 20;

    public sealed record Row(Guid Id, ResourceKind Kind, string Name, string? Model, ResourceStatus Status, SharingStatus SharingStatus, long? OriginalValueFen);

    [BindProperty(SupportsGet = true)] public ResourceKind? Kind { get; set; }

    public OrganizationRef Organization { get; private set; } = null!;
    public bool CanManage { get; private set; }
    public int PageNumber { get; private set; } = 1;
    public int Total { get; private set; }
    public Pager Pager => new(PageNumber, PageSize, Total, Request);
    public IReadOnlyList<Row> Items { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var org = await organizations.FindVisibleAsync(id, ct);
        if (org is null)
        {
            return NotFound();
        }
        Organization = org;
        CanManage = catalog.CanManage(id);
        PageNumber = Pager.RequestedPage(Request);
        var query = catalog.Visible().Where(r => r.OrganizationId == id);
        if (Kind is { } kind)
        {
            query = query.Where(r => r.Kind == kind);
        }
        Total = await query.CountAsync(ct);
        Items = await query.OrderBy(r => r.Kind).ThenBy(r => r.Name).ThenBy(r => r.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(r => new Row(r.Id, r.Kind, r.Name, r.Model, r.Status, r.SharingStatus, r.OriginalValueFen)).ToListAsync(ct);
        return Page();
    }
}

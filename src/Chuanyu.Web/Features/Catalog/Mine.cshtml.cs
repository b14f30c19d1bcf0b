using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>The manager's "my resources": every record of the organisations they manage, drafts and retired ones included.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MyResourcesModel(AppDbContext db, OrganizationDirectory organizations, CurrentUser me) : PageModel
{
    private const int PageSize = 20;

    public static readonly string[] Sorts = ["updated", "name", "value", "status"];

    public sealed record Row(Guid Id, ResourceKind Kind, string Name, string? Model, string OrganizationName, ResourceStatus Status,
        SharingStatus SharingStatus, long? OriginalValueFen, DateTimeOffset UpdatedAt);

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public ResourceStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public ResourceKind? Kind { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Org { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }

    public int PageNumber { get; private set; } = 1;
    public int Total { get; private set; }
    public Pager Pager => new(PageNumber, PageSize, Total, Request);
    public IReadOnlyList<Row> Items { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];

    /// <summary>Records per status across the managed organisations (with the organisation, kind and name filters applied).</summary>
    public IReadOnlyDictionary<ResourceStatus, int> Counts { get; private set; } = new Dictionary<ResourceStatus, int>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        PageNumber = Pager.RequestedPage(Request);
        Sort = Sorts.Contains(Sort) ? Sort : "updated";
        var managed = me.ManagedOrganizations;
        if (managed.Count == 0)
        {
            return;
        }
        Organizations = await organizations.ChoicesAsync([.. managed], ct);

        var query = db.Set<Resource>().AsNoTracking().Where(r => managed.Contains(r.OrganizationId));
        if (Org is { } org)
        {
            query = query.Where(r => r.OrganizationId == org);
        }
        if (Kind is { } kind)
        {
            query = query.Where(r => r.Kind == kind);
        }
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var term = Q.Trim()[..Math.Min(Q.Trim().Length, 100)];
            query = query.Where(r => r.Name.Contains(term) || (r.Model != null && r.Model.Contains(term)));
        }
        Counts = (await query.GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);
        if (Status is { } status)
        {
            query = query.Where(r => r.Status == status);
        }
        Total = await query.CountAsync(ct);
        query = Sort switch
        {
            "name" => query.OrderBy(r => r.Name).ThenBy(r => r.Id),
            "value" => query.OrderByDescending(r => r.OriginalValueFen ?? -1).ThenBy(r => r.Id),
            "status" => query.OrderBy(r => r.Status).ThenByDescending(r => r.UpdatedAt).ThenBy(r => r.Id),
            _ => query.OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.Id),
        };
        var rows = await query.Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(r => new { r.Id, r.Kind, r.Name, r.Model, r.OrganizationId, r.Status, r.SharingStatus, r.OriginalValueFen, r.UpdatedAt })
            .ToListAsync(ct);
        var names = Organizations.ToDictionary(o => o.Id, o => o.Name);
        Items = rows.Select(r => new Row(r.Id, r.Kind, r.Name, r.Model, names.GetValueOrDefault(r.OrganizationId, ""), r.Status, r.SharingStatus, r.OriginalValueFen, r.UpdatedAt)).ToList();
    }

    /// <summary>This list's URL with one parameter changed (and back to page 1).</summary>
    public string With(string key, string? value)
    {
        var q = new Dictionary<string, string?>
        {
            ["q"] = Q,
            ["status"] = Status?.ToString(),
            ["kind"] = Kind?.ToString(),
            ["org"] = Org?.ToString(),
            ["sort"] = Sort,
        };
        q[key] = value;
        return Url.PagePath("/Catalog/Mine", new RouteValueDictionary(q.Where(kv => !string.IsNullOrEmpty(kv.Value))));
    }
}

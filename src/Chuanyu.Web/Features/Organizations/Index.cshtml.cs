using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Organizations;

[AllowAnonymous]
public sealed class OrganizationsIndexModel(AppDbContext db, CurrentUser me) : PageModel
{
    private const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public OrganizationKind? Kind { get; set; }
    public int PageNumber { get; private set; } = 1;

    public IReadOnlyList<Region> Regions { get; private set; } = [];
    public IReadOnlyList<OrganizationDto> Items { get; private set; } = [];
    public int Total { get; private set; }
    public Pager Pager => new(PageNumber, PageSize, Total, Request);

    private Dictionary<string, string> _districts = [];

    public string RegionName(string code) => Regions.FirstOrDefault(r => r.Code == code)?.Name ?? code;

    public string DistrictName(string code) => _districts.GetValueOrDefault(code, code);

    public async Task OnGetAsync(CancellationToken ct)
    {
        PageNumber = Pager.RequestedPage(Request);
        Regions = await db.Regions.AsNoTracking().OrderBy(r => r.SortOrder).ToListAsync(ct);
        _districts = await db.Districts.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.Name, ct);
        // The public directory lists verified organisations only, whoever is looking.
        var query = OrganizationQueries.Visible(db, me).Where(o => o.Status == OrganizationStatus.Verified);
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var term = Q.Trim()[..Math.Min(Q.Trim().Length, 100)];
            query = query.Where(o => o.Name.Contains(term) || o.CreditCode == term.ToUpperInvariant());
        }
        if (!string.IsNullOrEmpty(Region))
        {
            query = query.Where(o => o.RegionCode == Region);
        }
        if (Kind is not null)
        {
            query = query.Where(o => o.Kind == Kind);
        }
        Total = await query.CountAsync(ct);
        Items = await query.InNameOrder().Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(o => AccountsApi.ToDto(o)).ToListAsync(ct);
    }
}

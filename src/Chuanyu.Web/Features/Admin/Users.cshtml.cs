using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Admin;

/// <summary>
/// The security administrator grants platform-wide and region roles (and the three separated administrator roles).
/// Organisation roles are granted by each organisation's own administrator on its members page.
/// </summary>
public sealed class UsersModel(AppDbContext db, RoleService roles, IStringLocalizer<SharedResource> l) : PageModel
{
    private const int PageSize = 30;

    public static readonly PlatformRole[] GrantableRoles =
        [PlatformRole.RegionAdmin, PlatformRole.Expert, PlatformRole.TechManager, PlatformRole.SystemAdmin, PlatformRole.SecurityAdmin, PlatformRole.AuditAdmin];

    public sealed record UserRow(Guid Id, string DisplayName, string? Email);

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int PageNumber { get; set; } = 1;

    public IReadOnlyList<UserRow> Users { get; private set; } = [];
    public IReadOnlyList<Region> Regions { get; private set; } = [];
    public int Total { get; private set; }
    public Pager Pager => new(PageNumber, PageSize, Total, Request);
    private List<RoleGrant> _grants = [];
    private Dictionary<Guid, string> _orgNames = [];

    public IEnumerable<RoleGrant> GrantsOf(Guid userId) => _grants.Where(g => g.UserId == userId).OrderBy(g => g.Role);

    public string ScopeName(RoleGrant g) =>
        g.RegionCode is not null ? Regions.FirstOrDefault(r => r.Code == g.RegionCode)?.Name ?? g.RegionCode
        : g.OrganizationId is not null ? _orgNames.GetValueOrDefault(g.OrganizationId.Value, "")
        : "";

    public async Task OnGetAsync(CancellationToken ct)
    {
        PageNumber = Math.Max(1, PageNumber);
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var term = Q.Trim();
            var normalized = term.ToUpperInvariant();
            query = query.Where(u => u.DisplayName.Contains(term) || u.NormalizedEmail == normalized);
        }
        Total = await query.CountAsync(ct);
        Users = await query.OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(u => new UserRow(u.Id, u.DisplayName, u.Email)).ToListAsync(ct);
        var ids = Users.Select(u => u.Id).ToList();
        _grants = await db.RoleGrants.AsNoTracking().Where(g => ids.Contains(g.UserId)).ToListAsync(ct);
        var orgIds = _grants.Where(g => g.OrganizationId is not null).Select(g => g.OrganizationId!.Value).Distinct().ToList();
        _orgNames = await db.Organizations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        Regions = await db.Regions.AsNoTracking().OrderBy(r => r.SortOrder).ToListAsync(ct);
    }

    public async Task<IActionResult> OnPostGrantAsync(Guid userId, PlatformRole role, string? regionCode, CancellationToken ct)
    {
        // Only the region administrator role is scoped to a region; the form's region choice is ignored for the rest.
        var (_, result) = await roles.GrantAsync(userId, role, role == PlatformRole.RegionAdmin ? NullIfEmpty(regionCode) : null, null, ct);
        TempData["Message"] = Describe(result, "Members.Granted");
        // "page" is Razor Pages' own route value (the page name), so the page number cannot travel in RedirectToPage.
        return RedirectToPage(new { Q });
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid grantId, CancellationToken ct)
    {
        TempData["Message"] = Describe(await roles.RevokeAsync(grantId, ct), "Members.Revoked");
        // "page" is Razor Pages' own route value (the page name), so the page number cannot travel in RedirectToPage.
        return RedirectToPage(new { Q });
    }

    private string Describe(ServiceResult result, string okKey) =>
        result.FailureMessage ?? (result is ServiceResult.NotFound ? l["Error.NotFound"].Value : l[okKey].Value);

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

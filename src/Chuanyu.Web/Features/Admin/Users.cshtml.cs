using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Admin;

/// <summary>
/// The security administrator grants platform-wide and region roles (and the three separated administrator roles).
/// Organisation roles are granted by each organisation's own administrator on its members page.
/// </summary>
[Authorize(Policy = Policies.SecurityAdmin)]
public sealed class UsersModel(AppDbContext db, RoleService roles, AccountAdministration accounts, Infrastructure.Crypto.FieldProtector protector,
    AuditLog audit, IStringLocalizer<SharedResource> l) : PageModel
{
    private const int PageSize = 30;

    public static readonly PlatformRole[] GrantableRoles =
        [PlatformRole.RegionAdmin, PlatformRole.Expert, PlatformRole.TechManager, PlatformRole.SystemAdmin, PlatformRole.SecurityAdmin, PlatformRole.AuditAdmin];

    public sealed record UserRow(Guid Id, string DisplayName, string? Email, string? MobileMasked, bool MustChangePassword);

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    public int PageNumber { get; private set; } = 1;

    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    /// <summary>The account just created, with its initial password: shown in this one response only.</summary>
    public NewAccountDto? Created { get; private set; }

    /// <summary>One account's unmasked contact details, after an audited request to see them.</summary>
    public UserPersonalDataDto? Revealed { get; private set; }

    [BindProperty] public NewAccountRequest NewAccount { get; set; } = new(null, null, null);

    public FieldErrors CreateErrors { get; private set; } = new();
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
        PageNumber = Pager.RequestedPage(Request);
        var (total, users) = await UserDirectory.SearchAsync(db, Q, PageNumber, PageSize, ct);
        Total = total;
        Users = users.Select(u => new UserRow(u.Id, u.DisplayName, u.Email, PersonalInfo.MaskedMobile(protector, u.MobileProtected), u.MustChangePassword)).ToList();
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

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var (account, errors) = await accounts.CreateAsync(NewAccount, ct: ct);
        CreateErrors = errors;
        Created = account;
        if (account is not null)
        {
            // Show the new account in the list below its password.
            Q = account.Email;
            NewAccount = new(null, null, null);
            ModelState.Clear();
        }
        await OnGetAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevealAsync(Guid userId, CancellationToken ct)
    {
        Revealed = await UserDirectory.RevealAsync(db, protector, audit, userId, "page", ct);
        if (Revealed is null)
        {
            return NotFound();
        }
        await OnGetAsync(ct);
        return Page();
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

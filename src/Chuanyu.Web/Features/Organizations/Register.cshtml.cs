using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Organizations;

[Authorize(Policy = Policies.SignedIn)]
public sealed class RegisterOrganizationModel(AppDbContext db, OrganizationService service, IStringLocalizer<SharedResource> l) : PageModel
{
    public sealed class InputModel
    {
        public string? Name { get; set; }
        public OrganizationKind? Kind { get; set; }
        public string? CreditCode { get; set; }
        public string? DistrictCode { get; set; }
        public string? Address { get; set; }
    }

    public sealed record DistrictGroup(string Label, IReadOnlyList<District> Districts);

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public IReadOnlyList<DistrictGroup> DistrictGroups { get; private set; } = [];
    private FieldErrors _errors = new();

    public string? Error(string field) => _errors.Message(field);

    public string Invalid(string field) => _errors.CssFor(field);

    public Task OnGetAsync(CancellationToken ct) => LoadDistrictsAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // The service validates (the same rules as the API) and reports field names the form marks.
        var (org, errors) = await service.CreateAsync(new OrganizationInput(Input.Name, Input.Kind, Input.CreditCode, Input.DistrictCode, Input.Address), ct);
        if (org is null)
        {
            _errors = errors;
            await LoadDistrictsAsync(ct);
            return Page();
        }
        TempData["Message"] = l["OrgRegister.Done", org.Name].Value;
        return RedirectToPage("/Organizations/Details", new { id = org.Id });
    }

    private async Task LoadDistrictsAsync(CancellationToken ct)
    {
        var regions = await db.Regions.AsNoTracking().OrderBy(r => r.SortOrder).ToListAsync(ct);
        var districts = await db.Districts.AsNoTracking().OrderBy(d => d.Code).ToListAsync(ct);
        var groups = new List<DistrictGroup>();
        foreach (var r in regions)
        {
            var prefectures = districts.Where(d => d.RegionCode == r.Code && d.Level == DistrictLevel.Prefecture).ToList();
            if (prefectures.Count == 0)
            {
                groups.Add(new DistrictGroup(r.Name, districts.Where(d => d.RegionCode == r.Code).ToList()));
                continue;
            }
            foreach (var p in prefectures)
            {
                groups.Add(new DistrictGroup($"{r.Name} · {p.Name}", [p, .. districts.Where(d => d.ParentCode == p.Code)]));
            }
        }
        DistrictGroups = groups;
    }
}

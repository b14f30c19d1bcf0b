using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.UserCentre;

[Authorize(Policy = Policies.SignedIn)]
public sealed class MeIndexModel(AppDbContext db, CurrentUser me, OrganizationService organizations, PersonalDataService personalData,
    Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> l) : PageModel
{
    public string? MobileMasked { get; private set; }

    [Microsoft.AspNetCore.Mvc.BindProperty] public string? Mobile { get; set; }

    public FieldErrors Errors { get; private set; } = new();

    public async Task<Microsoft.AspNetCore.Mvc.IActionResult> OnPostMobileAsync(CancellationToken ct)
    {
        var result = await personalData.SetMobileAsync(Mobile, ct);
        if (result is ServiceResult.Invalid invalid)
        {
            Errors = invalid.Errors;
            await OnGetAsync(ct);
            return Page();
        }
        TempData["Message"] = l["Me.MobileSaved"].Value;
        return RedirectToPage();
    }

    public IReadOnlyList<MyOrganizationDto> Organizations { get; private set; } = [];
    private Dictionary<string, string> _regions = [];
    private Dictionary<Guid, string> _orgNames = [];

    public string RegionName(string code) => _regions.GetValueOrDefault(code, code);

    public string OrganizationName(Guid id) => _orgNames.GetValueOrDefault(id, "—");

    public async Task OnGetAsync(CancellationToken ct)
    {
        Organizations = await organizations.ListForUserAsync(me.Id!.Value, ct);
        MobileMasked = await personalData.MaskedMobileAsync(ct);
        _regions = await db.Regions.AsNoTracking().ToDictionaryAsync(r => r.Code, r => r.Name, ct);
        var orgIds = me.Grants.Where(g => g.OrganizationId is not null).Select(g => g.OrganizationId!.Value).Distinct().ToList();
        _orgNames = await db.Organizations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
    }
}

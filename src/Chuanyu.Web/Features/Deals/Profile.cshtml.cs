using System.Globalization;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Deals;

/// <summary>The caller's own technology manager profile: register or edit (it is reviewed again), phone in full here only.</summary>
public sealed class DealProfileModel(TechManagers managers, IStringLocalizer<SharedResource> l) : PageModel
{
    public TechManagerDto? Profile { get; private set; }
    public IReadOnlyList<OrganizationRef> Organizations { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    [BindProperty] public Guid? OrganizationId { get; set; }
    [BindProperty] public TechManagerLevel? Level { get; set; }
    [BindProperty] public string? CertificateNumber { get; set; }
    [BindProperty] public string? CertificateIssuedOn { get; set; }
    [BindProperty] public string? Disciplines { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public int? Version { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Profile is { } p)
        {
            (OrganizationId, Level, CertificateNumber, Disciplines, Phone, Version) = (p.OrganizationId, p.Level, p.CertificateNumber, string.Join(' ', p.Disciplines), p.Phone, p.Version);
            CertificateIssuedOn = p.CertificateIssuedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        DateOnly? issued = DateOnly.TryParseExact(CertificateIssuedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        var codes = (Disciplines ?? "").Split([' ', ',', '，', '、'], StringSplitOptions.RemoveEmptyEntries);
        var (_, result) = await managers.SaveMineAsync(new TechManagerInput(OrganizationId, Level, CertificateNumber, issued, codes, Phone, Version), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["DealPages.ProfileSaved"].Value;
            return RedirectToPage("/Deals/Profile");
        }
        await LoadAsync(ct);
        if (PageResults.Refused(this, result, Errors, e => Failure = e) is { } answer)
        {
            return answer;
        }
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Profile = await managers.GetMineAsync(ct);
        Organizations = await managers.EligibleOrganizationsAsync(ct);
    }
}

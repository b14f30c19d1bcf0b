using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>服务机构登记: an organisation's administrator registers it as a voucher service provider and sees the registration's status and note.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class VoucherProviderRegisterModel(VoucherProviders providers, OrganizationDirectory organizations, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? OrganizationId { get; set; }
    [BindProperty] public List<VoucherServiceCategory> Categories { get; set; } = [];
    [BindProperty] public string? Services { get; set; }

    /// <summary>The organisations the caller administers: the ones they may register.</summary>
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];

    public VoucherProviderDto? Current { get; private set; }
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    /// <summary>A registration is made again only after a rejection (or while still pending, to correct it).</summary>
    public bool CanRegister => Organizations.Count > 0 && Current?.Status is null or VoucherProviderStatus.Pending or VoucherProviderStatus.Rejected;

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Current is { } c)
        {
            Categories = [.. c.Categories];
            Services = c.Services;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var (_, result) = await providers.RegisterAsync(new VoucherProviderInput(OrganizationId, Categories, Services), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["Vouchers.Provider.Registered"].Value;
            return RedirectToPage(new { OrganizationId });
        }
        if (PageResults.Refused(this, result, out var errors, out var failure) is { } answer)
        {
            return answer;
        }
        (Errors, Failure) = (errors, failure);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Organizations = await organizations.ChoicesAsync([.. organizations.OrganizationIdsWhereIHold(PlatformRole.OrgAdmin)], ct);
        if (OrganizationId is null && Organizations.Count == 1)
        {
            OrganizationId = Organizations[0].Id;
        }
        if (OrganizationId is { } id && Organizations.Any(o => o.Id == id))
        {
            Current = await providers.OfOrganizationAsync(id, ct);
        }
    }
}

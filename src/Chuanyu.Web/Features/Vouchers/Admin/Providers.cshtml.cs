using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>服务机构审核: the region's provider registrations by status; approve, reject or suspend (with a note), reinstate.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class VoucherAdminProvidersModel(VoucherProviders providers, CurrentUser me, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public VoucherProviderStatus? Status { get; set; } = VoucherProviderStatus.Pending;
    [BindProperty(SupportsGet = true)] public bool All { get; set; }

    public PagedList<VoucherProviderDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var regions = me.AdminRegions.ToList();
        Items = await providers.ListAsync(regions.Count == 1 ? regions[0] : null, All ? null : Status, null, Pager.RequestedPage(Request), PageSize, ct);
    }

    public async Task<IActionResult> OnPostDecideAsync(Guid id, VoucherProviderStatus decision, string? note, int? version, CancellationToken ct) =>
        PageResults.Done(this, await providers.DecideAsync(id, new VoucherProviderDecision(decision, note, version), ct),
            l["Vouchers.Admin.ProviderDecided", Messages.Label(decision)].Value, new { Status, All });
}

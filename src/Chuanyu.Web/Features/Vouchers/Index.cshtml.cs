using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>科技创新券: what vouchers are, the open and recent programmes of both regions, and a link to the providers.</summary>
[AllowAnonymous]
public sealed class VouchersIndexModel(VoucherProgrammes programmes) : PageModel
{
    public const int Shown = 50;

    public IReadOnlyList<VoucherProgrammeDto> Programmes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        // Open programmes first, then the closed ones (drafts only reach their region's administrators, on the admin page).
        var list = await programmes.ListAsync(null, null, null, 1, Shown, ct);
        Programmes = list.Items.Where(p => p.Status != VoucherProgrammeStatus.Draft).OrderBy(p => p.Status).ToList();
    }
}

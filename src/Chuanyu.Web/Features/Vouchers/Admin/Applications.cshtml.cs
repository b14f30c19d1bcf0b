using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>申领审核: the applications to the region's programmes in decision order, approved (vouchers issued) or rejected with a reason.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class VoucherAdminApplicationsModel(VoucherApplications applications, VoucherProgrammes programmes, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public Guid? ProgrammeId { get; set; }
    [BindProperty(SupportsGet = true)] public VoucherApplicationStatus? Status { get; set; }

    public PagedList<VoucherApplicationDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);

    /// <summary>The programmes the administrator manages: the filter's choices.</summary>
    public IReadOnlyList<VoucherProgrammeDto> Programmes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Programmes = (await programmes.ListAsync(null, null, null, 1, Paging.MaxPageSize, ct)).Items.Where(p => p.CanManage).ToList();
        Items = await applications.ListAsync(ProgrammeId, Status, mine: false, Pager.RequestedPage(Request), PageSize, ct);
        // The list also holds the caller's own organisations' applications: this page shows those it decides.
        Items = Items with { Items = Items.Items.Where(a => Programmes.Any(p => p.Id == a.ProgrammeId)).ToList() };
    }

    public async Task<IActionResult> OnPostDecideAsync(Guid id, bool approve, string? reason, bool networkMemberConfirmed, int? version, CancellationToken ct) =>
        PageResults.Done(this, await applications.DecideAsync(id, new VoucherApplicationDecision(approve, reason, networkMemberConfirmed, version), ct),
            l[approve ? "Vouchers.Admin.Approved" : "Vouchers.Admin.Rejected"].Value, new { ProgrammeId, Status });
}

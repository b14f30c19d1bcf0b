using System.Globalization;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>技术合同登记: the contracts of the administrator's region (registered there or bought into it), filtered, sorted, paged; as Excel.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class ContractsIndexModel(TechContracts contracts, ContractExport export, TimeProvider clock) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public ContractType? Type { get; set; }
    [BindProperty(SupportsGet = true)] public TechContractStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public TechContractSort Sort { get; set; }

    public PagedList<TechContractDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);
    public IReadOnlyList<string> Regions => contracts.ManagedRegions;

    private TechContractQuery Query() => new(string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), Type, Status, Year is >= 2000 and <= 2100 ? Year : null,
        ContractRegions.Registering.Contains(Region ?? "") ? Region : null, Sort);

    public async Task OnGetAsync(CancellationToken ct) =>
        Items = await contracts.ListAsync(Query(), Pager.RequestedPage(Request), PageSize, ct);

    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        var file = await export.WriteListAsync(Query(), ct);
        var stamp = clock.GetUtcNow().ToOffset(Display.ChinaStandardTime).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return File(file, XlsxStream.ContentType, $"chuanyu-tech-contracts-{stamp}.xlsx");
    }
}

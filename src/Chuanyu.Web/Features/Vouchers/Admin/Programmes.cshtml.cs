using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>创新券项目管理: the programmes of the administrator's region, drafts included, and the form that creates a draft.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class VoucherAdminProgrammesModel(VoucherProgrammes programmes, CurrentUser me, RegionDirectory regions, TimeProvider clock,
    IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 50;

    [BindProperty] public VoucherProgrammeForm Form { get; set; } = new();

    /// <summary>The region a new programme is issued by (the one the service creates it in).</summary>
    public string Region { get; private set; } = "";

    public PagedList<VoucherProgrammeDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);
    public IReadOnlyList<(string Code, string Name)> Divisions { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var today = ChinaTime.Today(clock);
        Form = new VoucherProgrammeForm
        {
            Year = today.Year,
            Mode = VoucherMode.Redeem,
            Allocation = VoucherAllocation.FirstCome,
            VouchersPerEnterprise = 1,
            Categories = [VoucherServiceCategory.InstrumentUse, VoucherServiceCategory.Testing],
        };
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var (input, errors) = Form.ToInput();
        var (created, result) = input is null ? (null, new ServiceResult.Invalid(errors)) : await programmes.CreateAsync(null, input, ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["Vouchers.Admin.Created", created!.Code].Value;
            return RedirectToPage("/Vouchers/Admin/Programme", new { id = created.Id });
        }
        if (PageResults.Refused(this, result, out var fieldErrors, out var failure) is { } answer)
        {
            return answer;
        }
        (Errors, Failure) = (fieldErrors, failure);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Region = me.AdminRegions.FirstOrDefault() ?? "";
        var mine = me.AdminRegions.ToList();
        Items = await programmes.ListAsync(mine.Count == 1 ? Region : null, null, null, Pager.RequestedPage(Request), PageSize, ct);
        Divisions = await VoucherAdminPages.DivisionsAsync(regions, Region, ct);
    }
}

/// <summary>What the region administrator's voucher pages share.</summary>
public static class VoucherAdminPages
{
    /// <summary>The prefecture-level cities of a region a programme may be limited to (the region itself aside).</summary>
    public static async Task<IReadOnlyList<(string Code, string Name)>> DivisionsAsync(RegionDirectory regions, string region, CancellationToken ct) =>
        (await regions.Districts().Where(d => d.RegionCode == region && d.Level == DistrictLevel.Prefecture).OrderBy(d => d.Code)
            .Select(d => new { d.Code, d.Name }).ToListAsync(ct)).Select(d => (d.Code, d.Name)).ToList();
}

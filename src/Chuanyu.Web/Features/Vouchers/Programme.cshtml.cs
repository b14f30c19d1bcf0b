using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>创新券项目: a programme's terms for everyone, and after a lottery its seed, rule and ranked table so anyone can check the draw.</summary>
[AllowAnonymous]
public sealed class VoucherProgrammeModel(VoucherProgrammes programmes) : PageModel
{
    public VoucherProgrammeDto Programme { get; private set; } = null!;
    public VoucherDrawDto? Draw { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await programmes.GetAsync(id, ct) is not { } programme)
        {
            return NotFound();
        }
        Programme = programme;
        if (programme.Allocation == VoucherAllocation.Lottery && programme.LotteryDrawnAt is not null)
        {
            Draw = await programmes.DrawOfAsync(id, ct);
        }
        return Page();
    }
}

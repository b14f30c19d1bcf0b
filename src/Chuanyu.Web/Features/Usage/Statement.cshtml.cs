using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Usage;

/// <summary>
/// The monthly usage statement (机时费用月结单) of an organisation the caller administers: as the side that used
/// instruments, or as the side that provided them; shown as a table and downloadable as .xlsx.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class StatementModel(UsageStatements statements, AppDbContext db, CurrentUser me, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Organization { get; set; }
    [BindProperty(SupportsGet = true)] public string? Month { get; set; }
    [BindProperty(SupportsGet = true)] public StatementSide Side { get; set; }

    /// <summary>The organisations whose statements the caller may read as an organisation admin or resource manager.</summary>
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];
    public UsageStatementDto? Statement { get; private set; }
    public string? Error { get; private set; }

    public string XlsxUrl => $"/api/v1/organizations/{Organization}/usage-statement.xlsx?month={Uri.EscapeDataString(Month ?? "")}&side={Side}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var ids = me.Grants.Where(g => g.OrganizationId is not null && g.Role is PlatformRole.OrgAdmin or PlatformRole.ResourceManager)
            .Select(g => g.OrganizationId!.Value).Distinct().ToList();
        Organizations = (await db.Organizations.AsNoTracking().Where(o => ids.Contains(o.Id)).OrderBy(o => o.Name)
            .Select(o => new { o.Id, o.Name }).ToListAsync(ct)).Select(o => (o.Id, o.Name)).ToList();
        Month ??= clock.GetUtcNow().ToOffset(Display.ChinaStandardTime).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        Organization ??= Organizations.Count > 0 ? Organizations[0].Id : null;
        if (Organization is not { } id)
        {
            return Page();
        }
        var (statement, result) = await statements.GetAsync(id, Month, Side, ct);
        switch (result)
        {
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
        }
        Statement = statement;
        Error = result.FailureMessage;
        return Page();
    }
}

using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Usage;

/// <summary>
/// The monthly usage statement (机时费用月结单) of an organisation the caller administers: as the side that used
/// instruments, or as the side that provided them; shown as a table and downloadable as .xlsx.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class StatementModel(UsageStatements statements, OrganizationDirectory organizations, TimeProvider clock, LinkGenerator links) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Organization { get; set; }
    [BindProperty(SupportsGet = true)] public string? Month { get; set; }
    [BindProperty(SupportsGet = true)] public StatementSide Side { get; set; }

    /// <summary>The organisations whose statements the caller may read as an organisation admin or resource manager.</summary>
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];
    public UsageStatementDto? Statement { get; private set; }
    public string? Error { get; private set; }

    public string XlsxUrl => links.EndpointPath(HttpContext, UsageApi.StatementXlsxEndpoint, new { id = Organization, month = Month, side = Side });

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Organizations = await organizations.ChoicesAsync([.. organizations.OrganizationIdsWhereIHold(PlatformRole.OrgAdmin, PlatformRole.ResourceManager)], ct);
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

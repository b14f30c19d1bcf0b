using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>技术合同登记统计, public: aggregates only (no party), filtered by years, region and type, as SVG charts, tables and Excel.</summary>
[AllowAnonymous]
public sealed class ContractStatisticsModel(ContractStatistics statistics) : PageModel
{
    [BindProperty(SupportsGet = true)] public int? FromYear { get; set; }
    [BindProperty(SupportsGet = true)] public int? ToYear { get; set; }
    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public ContractType? Type { get; set; }

    public ContractStatisticsDto? Statistics { get; private set; }
    public FieldErrors Errors { get; private set; } = new();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var (s, result) = await statistics.GetAsync(new ContractStatsQuery(FromYear, ToYear, Region, Type), ct);
        if (s is null)
        {
            Errors = result is ServiceResult.Invalid i ? i.Errors : new FieldErrors();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Statistics = s;
        (FromYear, ToYear) = (s.FromYear, s.ToYear);
    }
}

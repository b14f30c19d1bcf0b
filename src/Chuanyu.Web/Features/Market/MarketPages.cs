using System.Globalization;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Market;

/// <summary>What the market's pages share: how money, codes and a status are shown, and how a form's lists are read.</summary>
public static class MarketPages
{
    public static readonly IReadOnlyList<string> Regions = ["500000", "510000"];

    public static string RegionKey(string code) => $"Search.Region.{code}";

    /// <summary>"10–50", "10", or null for 面议 (the page says 面议 itself); amounts in 万元.</summary>
    public static string? Money(decimal? min, decimal? max, bool negotiable)
    {
        if (negotiable || (min is null && max is null))
        {
            return null;
        }
        static string F(decimal v) => v.ToString("0.####", CultureInfo.InvariantCulture);
        return min is { } a && max is { } b ? (a == b ? F(a) : $"{F(a)}–{F(b)}") : F((min ?? max)!.Value);
    }

    public static string StatusBadge(MarketStatus s) => s switch
    {
        MarketStatus.Published => "text-bg-success",
        MarketStatus.PendingReview => "text-bg-warning",
        MarketStatus.Draft => "text-bg-secondary",
        _ => "text-bg-light border",
    };

    public static string Discipline(string code) => $"{code} {Experts.DisciplineCodes.Label(code)}";

    /// <summary>A list typed in one box: split at commas, 、, semicolons, spaces or new lines.</summary>
    public static List<string> Split(string? text) =>
        (text ?? "").Split([',', '，', '、', ';', '；', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>A list typed in one box where names may hold spaces: split at commas, 、, semicolons or new lines.</summary>
    public static List<string> SplitNames(string? text) =>
        (text ?? "").Split([',', '，', '、', ';', '；', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>A refused action on a page: 404 and 403 as such, field errors merged, anything else as the failure text.</summary>
    public static IActionResult? Refused(PageModel page, ServiceResult result, FieldErrors errors, Action<string> failure)
    {
        switch (result)
        {
            case ServiceResult.NotFound:
                return page.NotFound();
            case ServiceResult.Forbidden:
                return page.StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid { Errors: var invalid }:
                foreach (var (field, reasons) in invalid)
                {
                    Array.ForEach(reasons, r => errors.Add(field, r));
                }
                page.Response.StatusCode = StatusCodes.Status400BadRequest;
                return null;
            default:
                failure(result.FailureMessage ?? "");
                page.Response.StatusCode = result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
                return null;
        }
    }
}

/// <summary>The public list of results or demands: filters in the query string, paging, sorting.</summary>
public abstract class MarketListModel(MarketService market) : PageModel
{
    protected MarketService Market => market;

    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public string? Discipline { get; set; }
    [BindProperty(SupportsGet = true)] public string? Industry { get; set; }
    [BindProperty(SupportsGet = true)] public int? MinTrl { get; set; }
    [BindProperty(SupportsGet = true)] public MaturityStage? Stage { get; set; }
    [BindProperty(SupportsGet = true)] public TransferModes? Mode { get; set; }
    [BindProperty(SupportsGet = true)] public decimal? PriceMin { get; set; }
    [BindProperty(SupportsGet = true)] public decimal? PriceMax { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public MarketSort Sort { get; set; }

    public const int PageSize = 20;
    public PagedList<MarketListItem> List { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager { get; private set; } = null!;
    public FieldErrors Errors { get; private set; } = new();

    /// <summary>The details page of a row.</summary>
    public abstract string DetailsPage { get; }

    public abstract bool IsDemands { get; }

    protected abstract Task<PagedList<MarketListItem>> LoadAsync(MarketQuery q, int page, CancellationToken ct);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var page = Pager.RequestedPage(Request);
        var q = new MarketQuery(Region, Discipline, Industry, MinTrl, Stage, Mode, PriceMin, PriceMax, Q, Sort: Sort);
        Errors = MarketService.QueryErrors(q);
        if (Errors.Count == 0)
        {
            List = await LoadAsync(q, Math.Min(page, Paging.MaxPage), ct);
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Pager = new Pager(List.PageNumber, PageSize, List.Total, Request);
    }
}

/// <summary>The facts results and demands share, as the partial _MarketFacts shows them.</summary>
public sealed record MarketFactsView(
    string OrganizationName, string RegionCode, IReadOnlyList<string> DisciplineCodes, IReadOnlyList<string> IndustryCodes, int Trl, MaturityStage Stage,
    IReadOnlyList<TransferModes> Modes, decimal? PriceMin, decimal? PriceMax, bool Negotiable, IReadOnlyList<string> Keywords, MarketStatus Status,
    DateTimeOffset? ExpiresAt, bool IsDemand)
{
    public static MarketFactsView Of(AchievementDto a) => new(a.OrganizationName, a.RegionCode, a.DisciplineCodes, a.IndustryCodes, a.Trl, a.Stage, a.Modes,
        a.PriceMin, a.PriceMax, a.Negotiable, a.Keywords, a.Status, a.ExpiresAt, false);

    public static MarketFactsView Of(DemandDto d) => new(d.OrganizationName, d.RegionCode, d.DisciplineCodes, d.IndustryCodes, d.Trl, d.Stage, d.Modes,
        d.BudgetMin, d.BudgetMax, d.Negotiable, d.Keywords, d.Status, d.ExpiresAt, true);
}

/// <summary>One text field of a market form (the partial _MarketField): form name, error field, label key, value.</summary>
public sealed record MarketFieldView(string Name, string Field, string LabelKey, string? Value, FieldErrors Errors, int Max, int Rows = 0, string? HelpKey = null,
    string InputMode = "text");

/// <summary>What both edit pages share: the organisations to choose from, the errors, the failure.</summary>
public sealed record MarketFormFrame(IReadOnlyList<(Guid Id, string Name)> Organizations, Guid? Chosen, FieldErrors Errors, string? Failure, bool IsNew);

/// <summary>The maturity and modes of a market form (the partial _MarketMaturity).</summary>
public sealed record MarketMaturityView(int? Trl, MaturityStage? Stage, IReadOnlyList<TransferModes> Modes, FieldErrors Errors, bool IsDemand);

/// <summary>A price or budget range of a market form (the partial _MarketMoney); <see cref="Prefix"/> is "price" or "budget".</summary>
public sealed record MarketMoneyView(decimal? Min, decimal? Max, bool Negotiable, FieldErrors Errors, string Prefix);

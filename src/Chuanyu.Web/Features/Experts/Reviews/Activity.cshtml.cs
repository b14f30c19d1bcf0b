using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// One review activity for its region's administrators: the rules of the panel, the items with their applicants and
/// named persons, the exclusions on request, the draw (with a confirmation), the panel — sealed for everyone but the
/// owner until the review opens — and the close that reveals the seeds.
/// </summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed partial class ReviewActivityModel(ReviewActivities activities, ReviewDraws draws, ExpertPool pool, OrganizationDirectory organizations,
    IStringLocalizer<SharedResource> l, TimeProvider clock, ReviewScores scores) : PageModel
{
    public ReviewActivityDto Activity { get; private set; } = null!;
    public IReadOnlyList<ReviewItemDto> Items { get; private set; } = [];
    public IReadOnlyList<ReviewExclusionDto> Exclusions { get; private set; } = [];
    public ReviewPanelDto Panel { get; private set; } = null!;
    public IReadOnlyList<OrganizationRef> Applicants { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    [BindProperty] public string? ItemTitle { get; set; }
    [BindProperty] public Guid? ApplicantId { get; set; }

    /// <summary>Named persons, one a line: name, then the ID number.</summary>
    [BindProperty] public string? Persons { get; set; }

    [BindProperty] public Guid? ExclusionItemId { get; set; }
    [BindProperty] public string? ExclusionExpert { get; set; }
    [BindProperty] public ExclusionSource? ExclusionSource { get; set; }
    [BindProperty] public string? ExclusionReason { get; set; }
    [BindProperty] public string? CancelReason { get; set; }

    public bool CanCancel => ReviewDraws.Cancellable(Activity.Status, Activity.ReviewStartsAt, clock.GetUtcNow());

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await activities.GetAsync(id, ct) is not { } a)
        {
            return false;
        }
        Activity = a;
        Items = await activities.ItemsAsync(id, ct) ?? [];
        Exclusions = await activities.ExclusionsAsync(id, ct) ?? [];
        Panel = (await draws.PanelAsync(id, ct))!;
        await LoadScoresAsync(id, ct);
        Failure ??= TempData["Failure"] as string;
        if (a.Status == ReviewActivityStatus.Draft)
        {
            Applicants = await organizations.Organizations().Where(o => o.Status == OrganizationStatus.Verified)
                .OrderBy(o => EF.Functions.Collate(o.Name, Data.ChineseCollation.Name)).Take(500).ToListAsync(ct);
        }
        return true;
    }

    private async Task<IActionResult> ShowAsync(Guid id, ServiceResult result, CancellationToken ct)
    {
        if (PageResults.Refused(this, result, out var errors, out var failure) is { } answer)
        {
            return answer;
        }
        (Errors, Failure) = (errors, failure);
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostItemAsync(Guid id, CancellationToken ct)
    {
        var persons = new List<ReviewPersonInput>();
        foreach (var line in (Persons ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split([' ', '\t', ',', '，', '、'], StringSplitOptions.RemoveEmptyEntries);
            persons.Add(new ReviewPersonInput(parts.Length > 0 ? parts[0] : null, parts.Length > 1 ? parts[^1] : null));
        }
        var (_, result) = await activities.AddItemAsync(id, new ReviewItemInput(ItemTitle, ApplicantId, persons), ct);
        return result is ServiceResult.Ok ? Done(id, l["Reviews.ItemAdded"]) : await ShowAsync(id, result, ct);
    }

    public async Task<IActionResult> OnPostRemoveItemAsync(Guid id, Guid itemId, CancellationToken ct) =>
        PageResults.Done(this, await activities.RemoveItemAsync(id, itemId, ct), l["Reviews.ItemRemoved"], new { id });

    public async Task<IActionResult> OnPostExclusionAsync(Guid id, CancellationToken ct)
    {
        var expertId = await pool.FindForExclusionAsync(ExclusionExpert, ct);
        var result = await activities.AddExclusionAsync(id, new ReviewExclusionInput(ExclusionItemId, expertId, ExclusionSource, ExclusionReason), ct);
        return result is ServiceResult.Ok ? Done(id, l["Reviews.ExclusionAdded"]) : await ShowAsync(id, result, ct);
    }

    public async Task<IActionResult> OnPostRemoveExclusionAsync(Guid id, Guid exclusionId, CancellationToken ct) =>
        PageResults.Done(this, await activities.RemoveExclusionAsync(id, exclusionId, ct), l["Reviews.ExclusionRemoved"], new { id });

    public async Task<IActionResult> OnPostDrawAsync(Guid id, CancellationToken ct) =>
        PageResults.Done(this, await draws.DrawAsync(id, ct), l["Reviews.Drawn"], new { id });

    public async Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken ct) =>
        PageResults.Done(this, await draws.CloseAsync(id, ct), l["Reviews.Closed"], new { id });

    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct)
    {
        var result = await draws.CancelAsync(id, CancelReason, ct);
        return result is ServiceResult.Ok ? Done(id, l["Reviews.Cancelled"]) : await ShowAsync(id, result, ct);
    }

    private RedirectToPageResult Done(Guid id, string message)
    {
        TempData["Message"] = message;
        return RedirectToPage(new { id });
    }

    /// <summary>The label of an avoidance rule's count (the names the draw records).</summary>
    public string Excluded(IReadOnlyDictionary<string, int> counts) => ReviewLabels.Exclusions(l, counts);
}

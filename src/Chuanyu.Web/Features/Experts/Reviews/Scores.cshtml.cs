using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// 评审打分: an accepted panel member scores each item on each criterion, with a comment, or declares a conflict on it,
/// during the review window. Someone else's seat, or a seat not accepted, is 404.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class ReviewScoresModel(ReviewScores scores, IStringLocalizer<SharedResource> l) : PageModel
{
    public ScoreSheetDto Sheet { get; private set; } = null!;
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }
    public Guid? FailedItem { get; private set; }

    /// <summary>What the member typed for the failed item, shown again as typed.</summary>
    public IReadOnlyList<int?> TypedScores { get; private set; } = [];

    public string? TypedComment { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid seatId, CancellationToken ct) => await LoadAsync(seatId, ct) ? Page() : NotFound();

    private async Task<bool> LoadAsync(Guid seatId, CancellationToken ct)
    {
        if (await scores.SheetAsync(seatId, ct) is not { } sheet)
        {
            return false;
        }
        Sheet = sheet;
        return true;
    }

    public async Task<IActionResult> OnPostAsync(Guid seatId, Guid itemId, List<int?>? itemScores, string? comment, bool conflict, int? version, CancellationToken ct)
    {
        var result = await scores.ScoreAsync(seatId, itemId, new ItemScoreInput(itemScores ?? [], comment, conflict, version), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["Reviews.Scoring.ScoreSaved"].Value;
            return RedirectToPage(null, null, new { seatId }, "item-" + itemId.ToString("N"));
        }
        if (PageResults.Refused(this, result, out var errors, out var failure) is { } refused)
        {
            return refused;
        }
        (Errors, Failure, FailedItem, TypedScores, TypedComment) = (errors, failure, itemId, itemScores ?? [], comment);
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return await LoadAsync(seatId, ct) ? Page() : NotFound();
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.Experts;

/// <summary>A criterion's row in the form; a row left empty is ignored.</summary>
public sealed class ReviewCriterionForm
{
    public string? Name { get; set; }
    public int? MaxScore { get; set; }
    public decimal? Weight { get; set; }

    public bool IsEmpty => string.IsNullOrWhiteSpace(Name) && MaxScore is null && Weight is null;
}

/// <summary>The activity page's scoring part: criteria (editable in a draft), results with their export, and the members' ratings and no-shows.</summary>
public sealed partial class ReviewActivityModel
{
    /// <summary>Empty rows offered under the criteria of a draft.</summary>
    public const int BlankCriterionRows = 3;

    public ReviewCriteriaDto Criteria { get; private set; } = null!;
    public ReviewResultsDto Results { get; private set; } = null!;
    public IReadOnlyList<PanelMemberDto> Members { get; private set; } = [];

    /// <summary>The review has started: members may be rated and marked absent.</summary>
    public bool ReviewStarted { get; private set; }

    public Guid? FailedSeat { get; private set; }

    [BindProperty] public List<ReviewCriterionForm> CriterionRows { get; set; } = [];

    private async Task LoadScoresAsync(Guid id, CancellationToken ct)
    {
        Criteria = (await scores.CriteriaAsync(id, ct))!;
        Results = (await scores.ResultsAsync(id, ct))!;
        Members = await scores.MembersAsync(id, ct) ?? [];
        ReviewStarted = scores.HasStarted(Activity.Status, Activity.ReviewStartsAt);
        if (CriterionRows.Count == 0 && Criteria.Editable)
        {
            CriterionRows = (Criteria.Implied ? [] : Criteria.Criteria.Select(c => new ReviewCriterionForm { Name = c.Name, MaxScore = c.MaxScore, Weight = c.Weight }))
                .Concat(Enumerable.Range(0, BlankCriterionRows).Select(_ => new ReviewCriterionForm())).ToList();
        }
    }

    public async Task<IActionResult> OnPostCriteriaAsync(Guid id, int? version, CancellationToken ct)
    {
        var rows = CriterionRows.Where(r => !r.IsEmpty).Select(r => new ReviewCriterionInput(r.Name, r.MaxScore, r.Weight)).ToList();
        var result = await scores.SetCriteriaAsync(id, new ReviewCriteriaInput(rows, version), ct);
        if (result is ServiceResult.Ok)
        {
            return Done(id, l["Reviews.Scoring.CriteriaSaved"]);
        }
        // The errors name rows of the list without the empty ones: show that list again.
        CriterionRows = [.. CriterionRows.Where(r => !r.IsEmpty), .. Enumerable.Range(0, BlankCriterionRows).Select(_ => new ReviewCriterionForm())];
        return await ShowAsync(id, result, ct);
    }

    public async Task<IActionResult> OnPostRatingAsync(Guid id, Guid seatId, int? rating, string? note, CancellationToken ct)
    {
        var result = await scores.RateAsync(id, seatId, new PerformanceRatingInput(rating, note), ct);
        FailedSeat = seatId;
        return result is ServiceResult.Ok ? Done(id, l["Reviews.Scoring.RatingSaved"]) : await ShowAsync(id, result, ct);
    }

    public async Task<IActionResult> OnPostNoShowAsync(Guid id, Guid seatId, bool absent, bool explained, string? reason, CancellationToken ct)
    {
        var result = await scores.MarkNoShowAsync(id, seatId, new NoShowInput(absent, explained, reason), ct);
        FailedSeat = seatId;
        return result is ServiceResult.Ok ? Done(id, l["Reviews.Scoring.NoShowSaved"]) : await ShowAsync(id, result, ct);
    }

    /// <summary>A rating's label: 5 优秀 … 1 差.</summary>
    public static string RatingLabel(int rating) => new Message($"ReviewScores.Rating.{rating}").ToString();
}

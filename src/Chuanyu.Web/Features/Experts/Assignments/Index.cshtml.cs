using Chuanyu.Web.Features.Signatures;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Experts;

/// <summary>The options of a bulk assignment as the start form holds them (numbers as typed).</summary>
public sealed class AssignmentForm
{
    public string? PerProposal { get; set; }
    public string? MaxLoad { get; set; }
    public List<string> PoolRegions { get; set; } = [];
    public string? PoolDisciplines { get; set; }
    public bool Randomized { get; set; }
    public string? MaxPairProbability { get; set; }

    public (AssignmentOptions? Options, FieldErrors Errors) ToOptions()
    {
        var errors = new FieldErrors();
        var k = FormValues.Number(PerProposal, "perProposal", errors, new Message("Assignments.NumberInvalid"));
        var load = FormValues.Number(MaxLoad, "maxLoad", errors, new Message("Assignments.NumberInvalid"));
        var q = Randomized ? FormValues.Number(MaxPairProbability, "maxPairProbability", errors, new Message("Assignments.ProbabilityRange")) : null;
        return errors.Count > 0 ? (null, errors) : (new AssignmentOptions(Whole(k), Whole(load), PoolRegions, PoolDisciplines, Randomized, (double?)q), errors);
    }

    private static int? Whole(decimal? n) => n is { } v && v == decimal.Truncate(v) && v is >= 0 and <= int.MaxValue ? (int)v : -1;
}

/// <summary>批量分配: the bulk assignment runs of the administrator's region and the form that starts one with an uploaded call.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
[RejectOversizedUpload(AssignmentRuns.MaxFileBytes + (64 << 10))]
public sealed class AssignmentRunsModel(AssignmentRuns runs) : PageModel
{
    public const int PageSize = 20;

    /// <summary>Rows of the error table; the count above it says how many there are in all.</summary>
    public const int MaxShownErrors = 1_000;

    [BindProperty] public AssignmentForm Form { get; set; } = new();
    [BindProperty] public IFormFile? Upload { get; set; }

    public PagedList<AssignmentRunDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);
    public FieldErrors Errors { get; private set; } = new();
    public AssignmentUpload? Refused { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Form = new AssignmentForm { PerProposal = "3", MaxLoad = "10", MaxPairProbability = "0.5", PoolRegions = [.. ExpertPages.Regions] };
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var (options, errors) = Form.ToOptions();
        Errors = errors;
        if (Upload is null || Upload.Length == 0)
        {
            Errors.Add("upload", new Message("Experts.ImportFileMissing"));
        }
        else if (Upload.Length > AssignmentRuns.MaxFileBytes)
        {
            Errors.Add("upload", new Message("Experts.ImportTooLarge", AssignmentRuns.MaxFileBytes >> 20));
        }
        if (Errors.Count == 0)
        {
            await using var content = Upload!.OpenReadStream();
            var (upload, result) = await runs.StartAsync(content, Upload.FileName, options!, ct);
            if (upload?.Run is { } run)
            {
                return RedirectToPage("/Experts/Assignments/Details", new { id = run.Id });
            }
            if (upload is null)
            {
                if (PageResults.Refused(this, result, out var invalid, out _) is { } answer)
                {
                    return answer;
                }
                Errors = invalid;
            }
            else if (upload.FileProblem is { } problem)
            {
                Errors.Add("upload", problem);
            }
            else
            {
                Refused = upload;
            }
        }
        Response.StatusCode = Refused is null ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) => Items = await runs.ListAsync(Pager.RequestedPage(Request), PageSize, ct);
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// 需求匹配专家: a signed-in person (an enterprise writing a technology demand, an administrator) pastes the demand's
/// text, optionally its field and a region, and gets the experts who can serve it with the reasons and the keywords
/// taken from the text (<see cref="ExpertMatching"/>). A POST form (the text can be long), no JavaScript needed.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class ExpertMatchModel(ExpertMatching matching) : PageModel
{
    public const int Limit = 20;

    [BindProperty] public string? Text { get; set; }
    [BindProperty] public string? Discipline { get; set; }
    [BindProperty] public string? Region { get; set; }

    public FieldErrors Errors { get; private set; } = new();
    public ExpertMatchResult? Result { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostAsync(CancellationToken ct)
    {
        var (result, outcome) = await matching.MatchAsync(Text, Discipline, Region, Limit, ct);
        if (outcome is ServiceResult.Invalid invalid)
        {
            Errors = invalid.Errors;
            return;
        }
        Result = result;
    }
}

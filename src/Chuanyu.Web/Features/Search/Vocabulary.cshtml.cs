using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// 检索词表 / 同义词维护: the system administrator lists and searches the vocabulary, adds, changes and removes pairs
/// (removal after ticking a confirmation), imports a file with the report of every bad row, and follows the reindex.
/// </summary>
[Authorize(Policy = Policies.SystemAdmin)]
public sealed class VocabularyModel(VocabularyService vocabulary, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 50;

    public sealed class InputModel
    {
        public Guid? Id { get; set; }
        public int? Version { get; set; }
        public string? Term { get; set; }
        public string? Expansion { get; set; }
        public string? Source { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public PagedList<VocabularyEntryDto> Entries { get; private set; } = new(0, 1, PageSize, []);
    public VocabularyReindexStatus Reindex { get; private set; } = new(0, 0, false, false, 0, 0);
    public VocabularyImportResult? Imported { get; private set; }
    public string? Problem { get; private set; }
    public FieldErrors Errors { get; private set; } = new();
    public int Pages => Math.Max(1, (Entries.Total + PageSize - 1) / PageSize);

    public async Task<IActionResult> OnGetAsync(Guid? edit, CancellationToken ct)
    {
        if (edit is { } id && await vocabulary.GetAsync(id, ct) is { } entry)
        {
            Input = new InputModel { Id = entry.Id, Version = entry.Version, Term = entry.Term, Expansion = entry.Expansion, Source = entry.Source };
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        var input = new VocabularyInput(Input.Term, Input.Expansion, Input.Source, Input.Version);
        var (entry, result) = Input.Id is { } id ? await vocabulary.UpdateAsync(id, input, ct) : await vocabulary.CreateAsync(input, ct);
        if (entry is not null)
        {
            TempData["Message"] = l["Vocabulary.Saved", entry.Term, entry.Expansion].Value;
            return RedirectToPage(new { q = Q });
        }
        if (result is ServiceResult.Invalid invalid)
        {
            Errors = invalid.Errors;
        }
        else
        {
            Problem = result is ServiceResult.NotFound ? l["Error.NotFound"].Value : result.FailureMessage;
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, int version, bool confirm, CancellationToken ct)
    {
        if (!confirm)
        {
            Problem = l["Vocabulary.ConfirmFirst"].Value;
            await LoadAsync(ct);
            return Page();
        }
        var result = await vocabulary.DeleteAsync(id, version, ct);
        TempData["Message"] = result is ServiceResult.Ok ? l["Vocabulary.Deleted"].Value : result is ServiceResult.NotFound ? l["Error.NotFound"].Value : result.FailureMessage;
        return RedirectToPage(new { q = Q });
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null)
        {
            Problem = new Message("Vocabulary.ImportFileMissing").ToString();
        }
        else
        {
            await using var content = file.OpenReadStream();
            Imported = await vocabulary.ImportAsync(content, file.Length, file.FileName, ct);
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        PageNumber = Math.Clamp(PageNumber, 1, Paging.MaxPage);
        Entries = await vocabulary.ListAsync(Q, PageNumber, PageSize, ct);
        Reindex = await vocabulary.ReindexStatusAsync(ct);
    }
}

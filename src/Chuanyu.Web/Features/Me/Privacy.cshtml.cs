using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.UserCentre;

[Authorize(Policy = Policies.SignedIn)]
public sealed class PrivacyModel(PersonalDataService data, SignInManager<AppUser> signIn, IStringLocalizer<SharedResource> l) : PageModel
{
    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Converters = { new JsonStringEnumConverter() },
    };

    public string? DeleteError { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostExportAsync(CancellationToken ct)
    {
        var export = await data.ExportAsync(ct);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(export, ExportJson);
        return File(bytes, "application/json; charset=utf-8", $"chuanyu-personal-data-{export.Watermark.ExportedAt.ToOffset(TimeSpan.FromHours(8)):yyyyMMdd-HHmmss}.json");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? confirmEmail, CancellationToken ct)
    {
        var result = await data.DeleteAccountAsync(confirmEmail, ct);
        if (result is ServiceResult.Ok)
        {
            await signIn.SignOutAsync();
            TempData["Message"] = l["Privacy.Deleted"].Value;
            return RedirectToPage("/Index");
        }
        DeleteError = result.FailureMessage;
        return Page();
    }
}

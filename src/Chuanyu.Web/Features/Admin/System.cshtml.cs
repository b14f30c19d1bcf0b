using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Admin;

/// <summary>The system administrator's configuration: self-registration open or closed, and a notice on every page.</summary>
[Authorize(Policy = Policies.SystemAdmin)]
public sealed class SystemModel(SystemSettingsStore store, AppDbContext db, AuditLog audit, CurrentUser me, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public SystemSettings Settings { get; set; } = new();

    public Infrastructure.FieldErrors Errors { get; private set; } = new();

    public void OnGet() => Settings = store.Current;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Errors = await store.SaveAsync(Settings, db, audit, me, ct);
        if (Errors.Count > 0)
        {
            return Page();
        }
        TempData["Message"] = l["Settings.Saved"].Value;
        return RedirectToPage();
    }
}

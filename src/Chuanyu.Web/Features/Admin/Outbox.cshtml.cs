using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Admin;

/// <summary>Development only: with no mail server, this is where password-reset links can be read.</summary>
[Authorize(Policy = Policies.SystemAdmin)]
public sealed class OutboxModel(AppDbContext db, IHostEnvironment env) : PageModel
{
    public IReadOnlyList<OutboxMessage> Messages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!env.IsDevelopment())
        {
            return NotFound();
        }
        Messages = await db.Outbox.AsNoTracking().OrderByDescending(m => m.CreatedAt).Take(50).ToListAsync(ct);
        return Page();
    }
}

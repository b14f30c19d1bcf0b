using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Admin;

/// <summary>The audit chain: verified from the first row on every visit, newest rows first.</summary>
public sealed class AuditModel(AppDbContext db) : PageModel
{
    private const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public AuditVerification Verification { get; private set; } = new(true, 0, null, null);
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public int Total { get; private set; }
    public Pager Pager => new(PageNumber, PageSize, Total, Request);

    public async Task OnGetAsync(CancellationToken ct)
    {
        PageNumber = Math.Max(1, PageNumber);
        Verification = await AuditLog.VerifyAsync(db, ct);
        Total = await db.AuditEntries.CountAsync(ct);
        Entries = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Seq)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
    }
}

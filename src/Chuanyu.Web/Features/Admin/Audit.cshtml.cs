using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Admin;

/// <summary>
/// The audit chain for the audit administrator: verified from the first row on every visit, searchable by time,
/// person, action, object, outcome and address (each search is itself audited), and exported signed.
/// </summary>
[Authorize(Policy = Policies.AuditAdmin)]
public sealed class AuditModel(AppDbContext db, AuditSearch search, AuditExporter exporter, DocumentSigner signer, LinkGenerator links) : PageModel
{
    private const int PageSize = AuditSearch.DefaultPageSize;

    public int PageNumber { get; private set; } = 1;

    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "actor")]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? ActionFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "target")]
    public string? Target { get; set; }

    [BindProperty(SupportsGet = true, Name = "outcome")]
    public string? Outcome { get; set; }

    [BindProperty(SupportsGet = true, Name = "ip")]
    public string? Ip { get; set; }

    public AuditVerification Verification { get; private set; } = new(true, 0, null, null);
    public IReadOnlyList<AuditEntryDto> Entries { get; private set; } = [];
    public IReadOnlyList<string> Actions { get; private set; } = [];
    public int Total { get; private set; }
    public FieldErrors Errors { get; private set; } = new();
    public Pager Pager => new(PageNumber, PageSize, Total, Request);

    public bool CanSign => signer.CanSign;
    public string? UnsignedReason => signer.UnavailableReason;
    public int MaxExportRows => exporter.MaxRows;
    public bool TooManyToExport => Total > exporter.MaxRows;

    private AuditQuery Query => new(From, To, Actor, ActionFilter, Target, Outcome, Ip);

    public bool Filtered => Query.Describe() != AuditQuery.None.Describe();

    /// <summary>The export link for the current filters: the zip with the file, its .sig and a note on verifying.</summary>
    public string ExportUrl(string format)
    {
        var query = new QueryBuilder { { "format", format }, { "bundle", "zip" } };
        foreach (var (name, value) in new[] { ("from", From), ("to", To), ("actor", Actor), ("action", ActionFilter), ("target", Target), ("outcome", Outcome), ("ip", Ip) })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Add(name, value.Trim());
            }
        }
        return links.EndpointPath(HttpContext, AuditApi.ExportEndpoint) + query.ToQueryString();
    }

    // "page" is also the Razor Pages route value (the page's path), which model binding prefers over the query
    // string; [FromQuery] reads the pager's ?page=.
    public async Task OnGetAsync([FromQuery(Name = "page")] int? page, CancellationToken ct)
    {
        PageNumber = Math.Clamp(page ?? 1, 1, AuditSearch.MaxPage);
        Verification = await AuditLog.VerifyAsync(db, ct);
        Actions = await search.ActionsAsync(ct);
        Errors = AuditSearch.Validate(Query, out var filter);
        if (Errors.Count > 0)
        {
            return;
        }
        var result = await search.SearchAsync(filter!, PageNumber, PageSize, ct);
        Total = result.Total;
        Entries = result.Items;
    }
}

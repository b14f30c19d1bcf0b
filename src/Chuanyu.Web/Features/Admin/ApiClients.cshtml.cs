using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.ApiClients;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Admin;

/// <summary>
/// The security administrator registers and revokes the systems that call the platform with signed requests.
/// A new client's secret is rendered in the POST's own response (no redirect): it must not travel through TempData
/// or any other storage, so it is shown once and never again.
/// </summary>
[Authorize(Policy = Policies.SecurityAdmin)]
public sealed class ApiClientsModel(AppDbContext db, ApiClientService clients, IStringLocalizer<SharedResource> l) : PageModel
{
    public sealed class InputModel
    {
        public string? Name { get; set; }

        /// <summary>The owning organisation by its 统一社会信用代码: what an administrator has at hand, unlike an id.</summary>
        public string? CreditCode { get; set; }
        public List<string> Scopes { get; set; } = [];
    }

    [BindProperty] public InputModel Input { get; set; } = new();

    public IReadOnlyList<ApiClientDto> Clients { get; private set; } = [];
    public CreatedApiClient? Created { get; private set; }
    public string? RevokeProblem { get; private set; }
    private FieldErrors _errors = new();

    public string? Error(string field) => _errors.Message(field);

    public string Invalid(string field) => _errors.CssFor(field);

    public async Task OnGetAsync(CancellationToken ct) => Clients = await clients.ListAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        Guid? organizationId = null;
        var organizationMissing = false;
        if (!string.IsNullOrWhiteSpace(Input.CreditCode))
        {
            var code = CreditCode.Normalize(Input.CreditCode);
            organizationId = await db.Organizations.Where(o => o.CreditCode == code).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
            organizationMissing = organizationId is null;
        }
        var input = new ApiClientInput(Input.Name, organizationId, Input.Scopes);
        _errors = await clients.ValidateAsync(input, ct);
        if (organizationMissing)
        {
            _errors.Add("organizationId", new Message("ApiClients.NoSuchOrganization"));
        }
        else if (_errors.Count == 0)
        {
            var (created, errors) = await clients.CreateAsync(input, ct);
            _errors = errors;
            if (created is not null)
            {
                Created = created;
                Input = new InputModel();
                Response.Headers.CacheControl = "no-store";
            }
        }
        Clients = await clients.ListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, bool confirm, CancellationToken ct)
    {
        if (!confirm)
        {
            // The confirmation step without script: nothing happens until the box is ticked.
            RevokeProblem = l["ApiClients.ConfirmFirst"].Value;
            Clients = await clients.ListAsync(ct);
            return Page();
        }
        var result = await clients.RevokeAsync(id, ct);
        TempData["Message"] = result is ServiceResult.NotFound ? l["Error.NotFound"].Value : l["ApiClients.Revoked"].Value;
        return RedirectToPage();
    }
}

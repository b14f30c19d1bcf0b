using System.ComponentModel;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>The technology-based SME (科技型中小企业) declaration of an organisation (issue 15): declared by its administrator, decided by its region's.</summary>
public static class SmeDeclarationApi
{
    public static RouteGroupBuilder MapSmeDeclarationApi(this RouteGroupBuilder api)
    {
        var sme = api.MapGroup("/organizations/{id:guid}/sme-declaration").WithTags("Organizations");
        sme.MapGet("/", async (Guid id, int? year, SmeDeclarationService service, CancellationToken ct) => ApiResults.Respond(await service.GetAsync(id, year, ct)))
            .AllowAnonymous()
            .WithSummary("The organisation's technology-based SME declaration for a year (the latest when no year is given): status for anyone who may see the organisation; number, note and legal representative (ID number masked) for its members and its region's administrators.");
        sme.MapPut("/", async (Guid id, SmeDeclarationInput input, SmeDeclarationService service, CancellationToken ct) => ApiResults.Respond(await service.DeclareAsync(id, input, ct)))
            .RequireAuthorization(Policies.SignedIn)
            .WithSummary("Declare (again) for a year, by the organisation's administrator; verified enterprises only (422 otherwise). The year's declaration becomes Declared.");
        sme.MapPost("/decision", async (Guid id, SmeDecisionInput input, SmeDeclarationService service, CancellationToken ct) => ApiResults.ToHttp(await service.DecideAsync(id, input, ct)))
            .RequireAuthorization(Policies.AnyRegionAdmin)
            .WithSummary("Confirm a declared declaration, reject it, or revoke a confirmed one (confirm: false, with a note); by an administrator of the organisation's region.");
        api.MapGet("/sme-declarations", ListAsync).RequireAuthorization(Policies.AnyRegionAdmin).WithTags("Organizations")
            .WithSummary("The declarations of the caller's regions, newest first, by status and region.");
        return api;
    }

    private static async Task<IResult> ListAsync(SmeDeclarationService service, SmeDeclarationStatus? status, string? region,
        [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default)
    {
        if (Paging.Check(page, pageSize) is { } badPage)
        {
            return badPage;
        }
        return ApiResults.Respond(await service.ListAsync(status, region, page, pageSize, ct));
    }
}

using System.ComponentModel;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Vouchers;

public sealed record VoucherVersionInput(int? Version);

public sealed record VoucherBudgetInput(long? BudgetFen, int? Version);

public sealed record VoucherDrawInput(string? Seed, int? Version);

/// <summary>Voucher programmes, their lottery, applications and providers over HTTP (the redemptions are in <c>VouchersApi</c>).</summary>
public static class VoucherProgrammesApi
{
    public const string ProgrammeEndpoint = "GetVoucherProgramme";
    public const string ApplicationEndpoint = "GetVoucherApplication";
    public const string ProviderEndpoint = "GetVoucherProvider";

    public static IServiceCollection AddVoucherProgrammes(this IServiceCollection services)
    {
        services.AddScoped<VoucherProgrammes>();
        services.AddScoped<VoucherApplications>();
        services.AddScoped<VoucherProviders>();
        services.AddScoped<ISearchFilterSource, VoucherSearchFilter>();
        return services;
    }

    public static IEndpointRouteBuilder MapVoucherProgrammesApi(this IEndpointRouteBuilder app)
    {
        var programmes = app.MapGroup("/api/v1/voucher-programmes").WithTags("Vouchers").RequireAuthorization(Policies.SignedIn);
        programmes.MapGet("/", async (VoucherProgrammes service, string? region, int? year, VoucherProgrammeStatus? status,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListAsync(region, year, status, page, pageSize, ct)))
            .AllowAnonymous().WithSummary("Voucher programmes of both regions (drafts only to their region's administrators).");
        programmes.MapGet("/{id:guid}", async (Guid id, VoucherProgrammes service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } p ? Results.Ok(p) : Results.NotFound())
            .AllowAnonymous().WithName(ProgrammeEndpoint).WithSummary("One programme with its terms and the budget not yet issued.");
        programmes.MapPost("/", async (VoucherProgrammeInput input, string? region, VoucherProgrammes service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await service.CreateAsync(region, input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, ProgrammeEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("A region administrator creates a draft programme of their region (money in fen; ratio as ratioNum/ratioDen).");
        programmes.MapPut("/{id:guid}", async (Guid id, VoucherProgrammeInput input, VoucherProgrammes service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.UpdateAsync(id, input, ct))).WithSummary("Edit a draft programme (`version`: the one read).");
        programmes.MapPost("/{id:guid}/open", async (Guid id, VoucherVersionInput? input, VoucherProgrammes service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.SetStatusAsync(id, VoucherProgrammeStatus.Open, input?.Version, ct))).WithSummary("Open a funded draft for applications.");
        programmes.MapPost("/{id:guid}/close", async (Guid id, VoucherVersionInput? input, VoucherProgrammes service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.SetStatusAsync(id, VoucherProgrammeStatus.Closed, input?.Version, ct))).WithSummary("Close an open programme: no more applications.");
        programmes.MapPost("/{id:guid}/budget", async (Guid id, VoucherBudgetInput input, VoucherProgrammes service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.SetBudgetAsync(id, input.BudgetFen, input.Version, ct)))
            .WithSummary("Set the budget in fen: the ledger's Fund or Defund; a cut below what is already issued is a 409.");
        programmes.MapPost("/{id:guid}/draw", async (Guid id, VoucherDrawInput input, VoucherProgrammes service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.DrawAsync(id, input.Seed, input.Version, ct)))
            .WithSummary("Draw the lottery after the application window with a public seed (6–128 printable ASCII characters), once.");
        programmes.MapGet("/{id:guid}/draw", async (Guid id, VoucherProgrammes service, CancellationToken ct) =>
                await service.DrawOfAsync(id, ct) is { } d ? Results.Ok(d) : Results.NotFound())
            .AllowAnonymous().WithSummary("The draw: seed, rule and every ranked application with its hash, so anyone can recompute it.");
        programmes.MapPost("/{id:guid}/applications", async (Guid id, VoucherApplicationInput input, VoucherApplications service, LinkGenerator links,
                HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await service.ApplyAsync(id, input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, ApplicationEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("An enterprise's administrator applies (SME confirmed for the programme's year, inside the window).");

        var applications = app.MapGroup("/api/v1/voucher-applications").WithTags("Vouchers").RequireAuthorization(Policies.SignedIn);
        applications.MapGet("/", async (VoucherApplications service, Guid? programmeId, VoucherApplicationStatus? status, bool? mine,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListAsync(programmeId, status, mine ?? false, page, pageSize, ct)))
            .WithSummary("Applications: the caller's organisations' own and, for region administrators, those of their region's programmes.");
        applications.MapGet("/{id:guid}", async (Guid id, VoucherApplications service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } a ? Results.Ok(a) : Results.NotFound())
            .WithName(ApplicationEndpoint).WithSummary("One application with the codes of the vouchers it was issued.");
        applications.MapPost("/{id:guid}/decision", async (Guid id, VoucherApplicationDecision input, VoucherApplications service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.DecideAsync(id, input, ct)))
            .WithSummary("The issuing region approves (vouchers issued in the same transaction) or rejects with a reason.");
        applications.MapPost("/{id:guid}/withdraw", async (Guid id, VoucherApplications service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.WithdrawAsync(id, ct))).WithSummary("The enterprise withdraws an application not yet decided.");

        var providers = app.MapGroup("/api/v1/voucher-providers").WithTags("Vouchers").RequireAuthorization(Policies.SignedIn);
        providers.MapGet("/", async (VoucherProviders service, string? region, VoucherProviderStatus? status, VoucherServiceCategory? category,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListAsync(region, status, category, page, pageSize, ct)))
            .AllowAnonymous().WithSummary("Voucher service providers: approved ones to everyone; registrations to their organisation and region.");
        providers.MapGet("/{id:guid}", async (Guid id, VoucherProviders service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } p ? Results.Ok(p) : Results.NotFound())
            .AllowAnonymous().WithName(ProviderEndpoint).WithSummary("One provider.");
        providers.MapPost("/", async (VoucherProviderInput input, VoucherProviders service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (registered, result) = await service.RegisterAsync(input, ct);
                return registered is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, ProviderEndpoint, new { id = registered.Id }), registered);
            })
            .WithSummary("An organisation's administrator registers it as a voucher service provider in its region.");
        providers.MapPost("/{id:guid}/decision", async (Guid id, VoucherProviderDecision input, VoucherProviders service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.DecideAsync(id, input, ct)))
            .WithSummary("The region's administrator approves, rejects (note) or suspends (note) a provider.");
        return app;
    }
}

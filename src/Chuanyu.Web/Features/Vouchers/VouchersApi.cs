using System.ComponentModel;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>Innovation vouchers (科技创新券) over HTTP: my vouchers, redemptions and their decisions, the ledger check.</summary>
public static class VouchersApi
{
    /// <summary>Endpoint names (WithName): links and Location headers are generated from them, not typed.</summary>
    public const string RedemptionEndpoint = "GetVoucherRedemption";

    public static IServiceCollection AddVouchers(this IServiceCollection services, bool runInBackground)
    {
        services.AddScoped<VoucherLedger>();
        services.AddScoped<VoucherFunding>();
        services.AddScoped<VoucherIssuing>();
        services.AddScoped<VoucherRedemptions>();
        services.AddScoped<VoucherReversals>();
        services.AddScoped<VoucherHoldings>();
        services.AddScoped<VoucherDirectory>();
        services.AddScoped<VoucherInvariants>();
        services.AddScoped<VoucherJobs>();
        services.AddPlatformCommand<VouchersCheckCommand>();
        services.AddPlatformCommand<VouchersExpireCommand>();
        if (runInBackground)
        {
            services.AddHostedService<VoucherJobsService>();
        }
        return services;
    }

    public static IEndpointRouteBuilder MapVouchersApi(this IEndpointRouteBuilder app)
    {
        var vouchers = app.MapGroup("/api/v1/vouchers").WithTags("Vouchers").RequireAuthorization(Policies.SignedIn);
        vouchers.MapGet("/", async (VoucherHoldings holdings, CancellationToken ct) => Results.Ok(await holdings.MineAsync(ct)))
            .WithSummary("The vouchers of the caller's organisations, with their balances.");
        vouchers.MapGet("/estimate", async (Guid resourceId, VoucherServiceCategory category, long feeFen, VoucherHoldings holdings, CancellationToken ct) =>
                Results.Ok(await holdings.EstimateAsync(resourceId, category, feeFen, ct)))
            .WithSummary("What the best voucher the caller holds would pay for a fee at a resource (category InstrumentUse or Testing), and what is left to pay.");
        vouchers.MapGet("/{code}", async (string code, VoucherHoldings holdings, CancellationToken ct) =>
                await holdings.GetAsync(code, ct) is { } v ? Results.Ok(v) : Results.NotFound())
            .WithSummary("One voucher for the members of its holder: balance and ledger entries (anyone else: 404).");
        vouchers.MapPost("/{code}/redemptions", async (string code, RedemptionInput input, VoucherRedemptions service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await service.RedeemAsync(code, input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, RedemptionEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("Use a voucher on a finished booking or service order: bookingId | serviceOrderId, eligibleFeeFen?, scienceProjectNo?, invoiceNumber (reimbursement mode); 201 with the number, the subsidy and the share.");

        var redemptions = app.MapGroup("/api/v1/voucher-redemptions").WithTags("Vouchers").RequireAuthorization(Policies.SignedIn);
        redemptions.MapGet("/", async (VoucherRedemptions service, VoucherRedemptionStatus? status,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListAsync(status, page, pageSize, ct)))
            .WithSummary("Redemptions of the caller's organisations (holder or provider) and, for a region's admin, those the region issued.");
        redemptions.MapGet("/{id:guid}", async (Guid id, VoucherRedemptions service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } r ? Results.Ok(r) : Results.NotFound())
            .WithName(RedemptionEndpoint).WithSummary("One redemption, for its holder, its provider and the admins of either region.");
        redemptions.MapPost("/{id:guid}/submit", SubmitAsync)
            .DisableAntiforgery() // checked in Uploads.ReadFormAsync for cookie callers
            .WithMetadata(new RequestSizeLimitAttribute(VoucherRedemptions.MaxProofRequestBytes))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Submit a reserved redemption (multipart: invoiceNumber, file = proof of payment, PDF or image up to 10 MB).");
        redemptions.MapPost("/{id:guid}/withdraw", async (Guid id, VoucherRedemptions service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.WithdrawAsync(id, ct))).WithSummary("The holder withdraws a reserved redemption; the subsidy returns to the voucher.");
        redemptions.MapPost("/{id:guid}/return", async (Guid id, RedemptionReasonInput? input, VoucherRedemptions service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.ReturnAsync(id, input?.Reason, ct))).WithSummary("The issuing region returns a submitted redemption for correction (reason required).");
        redemptions.MapPost("/{id:guid}/decision", async (Guid id, RedemptionDecisionInput input, VoucherRedemptions service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.DecideAsync(id, input, ct)))
            .WithSummary("The issuing region approves (approvedFen ≤ subsidy, projectConfirmed) or rejects (reason) a submitted redemption.");

        app.MapGet("/api/v1/voucher-ledger/check", async (VoucherInvariants invariants, CurrentUser me, CancellationToken ct) =>
            {
                // The audit administrator reads every programme; a region's administrator the programmes the region issued.
                var (allowed, region) = VoucherInvariants.ScopeOf(me);
                return allowed ? Results.Ok(await invariants.CheckAsync(region, ct)) : Results.Forbid();
            })
            .RequireAuthorization(Policies.VoucherLedgerReader).WithTags("Vouchers")
            .WithSummary("The ledger's invariants: intact, or the offenders of each rule (a region's admin: the region's programmes; the audit admin: all).");
        return app;
    }

    private static async Task<IResult> SubmitAsync(Guid id, HttpRequest request, VoucherRedemptions service, IAntiforgery antiforgery, CancellationToken ct)
    {
        var tooLarge = ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "Vouchers.ProofTooLarge",
            new Message("Vouchers.ProofTooLarge", VoucherRedemptions.MaxProofBytes / 1024 / 1024), titleCode: "payloadTooLarge");
        var (form, refused) = await Uploads.ReadFormAsync(request, antiforgery, VoucherRedemptions.MaxProofRequestBytes, tooLarge, ct);
        if (form is null)
        {
            return refused!;
        }
        var file = form.Files.GetFile("file");
        await using var content = file?.OpenReadStream();
        return ApiResults.ToHttp(await service.SubmitAsync(id, form["invoiceNumber"], file?.FileName, content, file?.Length ?? 0, ct));
    }
}

public sealed record RedemptionReasonInput(string? Reason);

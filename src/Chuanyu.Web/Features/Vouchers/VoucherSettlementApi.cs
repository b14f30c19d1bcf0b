using System.ComponentModel;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>Payout batches, revocation, the settlement between the regions and the suspicious patterns over HTTP (docs/vouchers.md).</summary>
public static class VoucherSettlementApi
{
    public const string PayoutEndpoint = "GetVoucherPayout";
    public const string PayoutExportEndpoint = "ExportVoucherPayout";
    public const string SettlementExportEndpoint = "ExportVoucherSettlement";

    public static IServiceCollection AddVoucherSettlement(this IServiceCollection services)
    {
        services.AddScoped<VoucherExports>();
        services.AddScoped<VoucherPayouts>();
        services.AddScoped<VoucherRevocations>();
        services.AddScoped<VoucherSettlements>();
        services.AddScoped<VoucherAlerts>();
        return services;
    }

    public static IEndpointRouteBuilder MapVoucherSettlementApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/vouchers/{code}/revoke", async (string code, VoucherRevokeInput input, VoucherRevocations service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.RevokeAsync(code, input, ct)))
            .RequireAuthorization(Policies.AnyRegionAdmin).WithTags("Vouchers")
            .WithSummary("The issuing region's administrator revokes an active voucher (reason required); its balance returns to the programme's budget.");

        var payouts = app.MapGroup("/api/v1/voucher-payouts").WithTags("Vouchers").RequireAuthorization(Policies.AnyRegionAdmin);
        payouts.MapPost("/", async (PayoutBatchInput? input, VoucherPayouts service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await service.CreateAsync(input ?? new PayoutBatchInput(), ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, PayoutEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("A batch of the issuing region's approved redemptions not yet in a batch (regionCode? when the caller runs several; payeeOrganizationId? for one payee).");
        payouts.MapGet("/", async (VoucherPayouts service, VoucherPayoutStatus? status,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListAsync(status, page, pageSize, ct)))
            .WithSummary("The payout batches of the regions the caller administers, newest first.");
        payouts.MapGet("/{id:guid}", async (Guid id, VoucherPayouts service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } b ? Results.Ok(b) : Results.NotFound())
            .WithName(PayoutEndpoint).WithSummary("One batch with its redemptions (the issuing region's administrators).");
        payouts.MapGet("/{id:guid}/export", async (Guid id, string? bundle, VoucherPayouts service, VoucherExports exports, TimeProvider clock, HttpContext context,
                CancellationToken ct) =>
            {
                if (!SignedBundle.TryParse(bundle, out var zip))
                {
                    return BundleInvalid();
                }
                var (file, result) = await service.ExportAsync(id, ct);
                return file is null ? ApiResults.ToHttp(result) : await exports.ToHttpAsync(file, zip, context, clock);
            })
            .WithName(PayoutExportEndpoint)
            .WithSummary("The batch as .xlsx signed with the platform's document signature (X-Chuanyu-Signature; SHA-256 in X-Chuanyu-File-Sha256); an open batch becomes Exported. bundle=zip: the file, its .sig and a note in one zip.")
            .Produces(StatusCodes.Status200OK, contentType: XlsxStream.ContentType, additionalContentTypes: [SignedBundle.ContentType]);
        payouts.MapPost("/{id:guid}/paid", async (Guid id, PayoutPaidInput input, VoucherPayouts service, CancellationToken ct) =>
                ApiResults.ToHttp(await service.MarkPaidAsync(id, input, ct)))
            .WithSummary("The bank paid the exported batch (bankReference): each redemption's approved amount is posted Payable → PaidOut and it becomes Paid.");

        var settlements = app.MapGroup("/api/v1/voucher-settlements").WithTags("Vouchers").RequireAuthorization(Policies.AnyRegionAdmin);
        settlements.MapGet("/", async (string? quarter, VoucherSettlements service, TimeProvider clock, CancellationToken ct) =>
            {
                if (quarter is null)
                {
                    return Results.Ok(await service.ListAsync(SettlementQuarter.Of(clock.GetUtcNow()).Previous, ct));
                }
                return SettlementQuarter.TryParse(quarter, out var q) ? Results.Ok(await service.ListAsync(q, ct)) : QuarterInvalid();
            })
            .WithSummary("The statements of a quarter (quarter=2026Q3; default: the last ended one) for the pairs of regions the caller administers.");
        var pair = settlements.MapGroup("/{quarter}/{issuer}-{provider}");
        pair.MapGet("/", async (string quarter, string issuer, string provider, VoucherSettlements service, CancellationToken ct) =>
                !SettlementQuarter.TryParse(quarter, out var q) ? QuarterInvalid()
                : await service.GetAsync(q, issuer, provider, ct) is { } s ? Results.Ok(s) : Results.NotFound())
            .WithSummary("One pair's statement (issuing region → provider region): redeemed, approved, paid, reversed, outstanding, count; frozen once confirmed.");
        pair.MapGet("/redemptions", async (string quarter, string issuer, string provider, Guid? after, VoucherSettlements service, CancellationToken ct) =>
                !SettlementQuarter.TryParse(quarter, out var q) ? QuarterInvalid()
                : await service.RedemptionsAsync(q, issuer, provider, after, ct) is { } page ? Results.Ok(page) : Results.NotFound())
            .WithSummary("The redemptions with flows in the quarter, 50 a page; pass the answer's next as after= for the following page.");
        pair.MapGet("/export", async (string quarter, string issuer, string provider, string? bundle, VoucherSettlements service, VoucherExports exports,
                TimeProvider clock, HttpContext context, CancellationToken ct) =>
            {
                if (!SettlementQuarter.TryParse(quarter, out var q))
                {
                    return QuarterInvalid();
                }
                if (!SignedBundle.TryParse(bundle, out var zip))
                {
                    return BundleInvalid();
                }
                var (file, result) = await service.ExportAsync(q, issuer, provider, ct);
                return file is null ? ApiResults.ToHttp(result) : await exports.ToHttpAsync(file, zip, context, clock);
            })
            .WithName(SettlementExportEndpoint)
            .WithSummary("The statement as .xlsx (a summary sheet and a detail sheet) signed with the platform's document signature (X-Chuanyu-Signature; SHA-256 in X-Chuanyu-File-Sha256). bundle=zip: the file, its .sig and a note in one zip.")
            .Produces(StatusCodes.Status200OK, contentType: XlsxStream.ContentType, additionalContentTypes: [SignedBundle.ContentType]);
        pair.MapPost("/confirm", async (string quarter, string issuer, string provider, SettlementConfirmInput input, VoucherSettlements service, CancellationToken ct) =>
                !SettlementQuarter.TryParse(quarter, out var q) ? QuarterInvalid() : ApiResults.ToHttp(await service.ConfirmAsync(q, issuer, provider, input, ct)))
            .WithSummary("An administrator of a region of the pair confirms the exported statement by its SHA-256 (fileSha256), after the quarter ended; both → Settled.");

        app.MapGet("/api/v1/voucher-alerts", async (VoucherAlerts alerts, CancellationToken ct) => Results.Ok(await alerts.FindAsync(ct)))
            .RequireAuthorization(Policies.AnyRegionAdmin).WithTags("Vouchers")
            .WithSummary("Suspicious patterns over the last 180 days of the redemptions the caller's regions issued (listed, not refused).");
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem BundleInvalid()
    {
        var errors = new FieldErrors();
        errors.Add("bundle", SignedBundle.Invalid);
        return ApiProblem.Validation(errors);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem QuarterInvalid()
    {
        var errors = new FieldErrors();
        errors.Add("quarter", new Message("VoucherSettlement.QuarterInvalid"));
        return ApiProblem.Validation(errors);
    }
}

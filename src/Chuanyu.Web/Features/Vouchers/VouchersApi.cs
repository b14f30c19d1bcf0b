using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>Innovation vouchers (科技创新券) over HTTP: my vouchers, redemptions and their decisions, the ledger check.</summary>
public static class VouchersApi
{
    public static IServiceCollection AddVouchers(this IServiceCollection services)
    {
        services.AddScoped<VoucherLedger>();
        services.AddScoped<VoucherFunding>();
        services.AddScoped<VoucherIssuing>();
        return services;
    }

    public static IEndpointRouteBuilder MapVouchersApi(this IEndpointRouteBuilder app)
    {
        _ = app.MapGroup("/api/v1/vouchers").WithTags("Vouchers").RequireAuthorization(Policies.SignedIn);
        return app;
    }
}

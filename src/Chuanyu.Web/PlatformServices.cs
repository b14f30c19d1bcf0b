using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Admin;
using Chuanyu.Web.Features.ApiClients;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Contracts;
using Chuanyu.Web.Features.Deals;
using Chuanyu.Web.Features.Evaluation;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Features.MarketEvents;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Features.ServiceOrders;
using Chuanyu.Web.Features.Signatures;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;

namespace Chuanyu.Web;

/// <summary>
/// Every service of the platform in one list: Program.cs and the in-process benchmarks (bench/Chuanyu.Bench) build from
/// it, so a feature added here is present in both (a bench with its own list fell behind once and could not start).
/// </summary>
public static class PlatformServices
{
    /// <summary>The services; <c>background</c> says whether the periodic jobs run (false for a command or a benchmark).</summary>
    public static IServiceCollection AddPlatform(this IServiceCollection services, IConfiguration configuration, bool background)
    {
        services.AddPlatformUi();
        services.AddProblemHandling();
        services.AddWebHardening(configuration);
        services.AddDatabase(configuration);
        services.AddSharedDataProtection();
        services.AddAccounts(configuration);
        services.AddAuditRetention(runInBackground: background);
        services.AddApiClients();
        services.AddCatalog();
        services.AddBooking(runInBackground: background);
        services.AddServiceOrders();
        services.AddEvaluation(runInBackground: background);
        services.AddUsage();
        services.AddSearch();
        services.AddSearchVocabulary(runInBackground: background);
        services.AddResourcePhotos();
        services.AddResourceImport();
        services.AddAuditAdministration();
        services.AddSignatures(configuration);
        services.AddSeeding();
        services.AddVouchers(runInBackground: background);
        services.AddVoucherProgrammes();
        // payouts, settlement, alerts
        services.AddVoucherSettlement();
        services.AddExperts();
        services.AddContracts();
        services.AddDeals();
        services.AddMarketEvents();
        // research results and technology demands (issue 17)
        services.AddMarket(configuration);
        return services;
    }
}

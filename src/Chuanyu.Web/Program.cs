using Chuanyu.Web;
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

var command = args.Length > 0 && Commands.Names.Contains(args[0]) ? args[0] : null;
// A command's own operands (a backup file path, seed's "--resources 1000") are not configuration; only --key=value switches are.
var builder = WebApplication.CreateBuilder(command is null ? args : [.. args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))]);

builder.Services.AddPlatform(builder.Configuration, background: command is null);

var app = builder.Build();

if (command is not null)
{
    return await Commands.RunAsync(app, command, args);
}

await app.PrepareDatabaseAsync();

app.UseForwardedHeaders();
// First, so that everything after it (error pages and problems included) speaks the request's language.
app.UseRequestLocalization();
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}
// The API answers errors with ProblemDetails; pages with the HTML error page.
app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseExceptionHandler().UseStatusCodePages());
app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), page => page
    .UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/Error", StatusCodeSelector = ProblemExceptionHandler.StatusCodeFor })
    .UseStatusCodePagesWithReExecute("/Error", "?code={0}"));
app.UseStaticFiles();
app.UseRouting();
app.UseRequestSizeLimit();
app.UseRequestCharsetCheck();
app.UseRateLimiter();
app.UseAuthentication();
app.UseApiAntiforgery();
app.UseMiddleware<CurrentUserMiddleware>();
app.UseAuthorization();
app.UseAntiforgery();

app.MapPlatformEndpoints();
// Every API endpoint sits in one root group: its conventions (the control-character check, InputText.cs) reach all of them.
var api = app.MapGroup("").CheckInputText();
api.MapAccountsApi();
api.MapAdminApi();
api.MapCatalogApi();
api.MapBookingApi();
api.MapServiceOrderApi();
api.MapEvaluationApi();
api.MapUsageApi();
api.MapSearchApi();
api.MapSearchVocabularyApi();
api.MapPhotoApi();
api.MapResourceImportApi();
api.MapApiClientsApi();
api.MapAuditApi();
api.MapSignaturesApi();
// vouchers
api.MapVouchersApi();
api.MapVoucherProgrammesApi();
// vsettle: payouts, settlement, alerts
api.MapVoucherSettlementApi();
// experts: the pool's profiles
api.MapExpertsApi();
api.MapContractsApi();
api.MapDealsApi();
api.MapMarketEventsApi();
// market: research results and technology demands (issue 17)
api.MapMarketApi();
app.MapRazorPages();

await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

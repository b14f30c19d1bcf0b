using System.Globalization;
using Chuanyu.Web.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chuanyu.Web.Infrastructure;

public static class PlatformSetup
{
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    /// <summary>The language switch's endpoint name: pages link to it through LinkGenerator, not by a typed path.</summary>
    public const string CultureEndpoint = "SwitchCulture";

    /// <summary>The API description's endpoint name (the footer links to it).</summary>
    public const string OpenApiEndpoint = "OpenApiDocument";

    public static IServiceCollection AddPlatformUi(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddOptions<Crypto.CryptoOptions>().BindConfiguration("Crypto");
        services.AddSingleton<Crypto.FieldProtector>();
        // Enums travel as their names ("Verified", "RegionAdmin"): readable, and stable when members are added.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddSingleton(TimeProvider.System);
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        // Emit Chinese as characters, not &#x...; entities: a third of the bytes, and readable page source.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            o.FallBackToParentUICultures = true;
            // Pages: Chinese unless the person chose English with the switch (a cookie); the browser's language is not
            // consulted, because a government platform in China speaks Chinese first. The API: the cookie when a page
            // calls it, else the client's Accept-Language (a program asks for its language explicitly).
            o.RequestCultureProviders =
            [
                new CookieRequestCultureProvider(),
                new ApiAcceptLanguageProvider(),
            ];
        });
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Features";
                // Who may open a page is said on its PageModel ([AllowAnonymous] or [Authorize(Policy = ...)]), not here:
                // a page that says nothing falls under the fallback policy (a signed-in person, AccountsSetup). Policies
                // on one page combine with AND, so each admin page names its own policy instead of one for the folder.
                // Control and bidi characters in any bound text refuse the request before a handler runs (InputText.cs).
                o.Conventions.ConfigureFilter(new InputTextPageFilter());
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "川渝科技资源共享服务平台 API";
            doc.Info.Description = "Sichuan–Chongqing S&T Resource Sharing Service Platform. Errors are RFC 9457 ProblemDetails.";
            doc.Info.Version = "v1";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        return services;
    }

    public static WebApplication MapPlatformEndpoints(this WebApplication app)
    {
        // Public: load balancers probe these without credentials; the API description is what integrators read first.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous().WithName(OpenApiEndpoint);
        // The language switch: a plain link, so it works without JavaScript.
        app.MapGet("/culture/{name}", (string name, string? returnUrl, HttpContext context) =>
        {
            var culture = Cultures.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? Cultures[0];
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
            return Results.LocalRedirect(returnUrl is not null && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
        }).AllowAnonymous().ExcludeFromDescription().WithName(CultureEndpoint);
        return app;
    }

    /// <summary>Migrates (when configured), runs each feature's <see cref="IDatabasePreparation"/> (the reference data among them), then each <see cref="ISampleData"/> (the demo data, in development).</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var options = scope.ServiceProvider.GetRequiredService<DatabaseOptions>();
        if (scope.ServiceProvider.GetRequiredService<DatabaseConnection>() is { Provider: DatabaseProvider.Sqlite } sqlite)
        {
            // Where the data lives, said once at start: a relative Database:DataDirectory follows the working directory.
            app.Logger.LogInformation("SQLite database: {File}", Path.GetFullPath(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(sqlite.ConnectionString).DataSource));
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        if (options.MigrateOnStartup)
        {
            await scope.ServiceProvider.GetRequiredService<MigrationRunner>().MigrateAsync();
        }
        var migrated = watch.Elapsed;
        await scope.ServiceProvider.PrepareDataAsync();
        var prepared = watch.Elapsed;
        foreach (var sample in scope.ServiceProvider.GetServices<ISampleData>())
        {
            await sample.SeedAsync(scope.ServiceProvider, CancellationToken.None);
        }
        // What start-up costs, once per start: the test suite starts a host per test class and reads this line.
        app.Logger.LogInformation("Database prepared in {Seconds:0.000} s: migrations {Migrate:0.000} s, preparations {Prepare:0.000} s, sample data {Sample:0.000} s",
            watch.Elapsed.TotalSeconds, migrated.TotalSeconds, (prepared - migrated).TotalSeconds, (watch.Elapsed - prepared).TotalSeconds);
    }
}

/// <summary>
/// Data added once the database is prepared, at start-up and before a command that prepares the database (never by
/// <c>migrate</c>); each one decides itself whether it applies. The demo data (<c>Seeding/DemoData</c>, registered by
/// <c>AddSeeding</c>) is one: the kernel names none of them.
/// </summary>
public interface ISampleData
{
    Task SeedAsync(IServiceProvider services, CancellationToken ct);
}

/// <summary>/readyz: the database answers and every migration script is applied.</summary>
public sealed class DatabaseReadyCheck(MigrationRunner migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await migrations.IsUpToDateAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("database schema is not migrated");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("database unreachable");
        }
    }
}

/// <summary>Accept-Language, for API requests only (pages follow the language switch).</summary>
public sealed class ApiAcceptLanguageProvider : AcceptLanguageHeaderRequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
        httpContext.Request.Path.StartsWithSegments("/api") ? base.DetermineProviderCultureResult(httpContext) : NullProviderCultureResult;
}

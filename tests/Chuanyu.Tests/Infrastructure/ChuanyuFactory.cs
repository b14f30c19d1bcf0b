using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Web.Data;
using Chuanyu.Web.Seeding;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// The real host on a fresh database of the selected engine, migrated by the real runner and seeded with the demo
/// data (which is what the tests sign in as). One factory per test class; tests create their own rows with unique
/// names, so none depends on another's data or on order.
/// </summary>
public class ChuanyuFactory : WebApplicationFactory<Program>
{
    private readonly bool _ownsDatabase;
    private readonly IReadOnlyDictionary<string, string> _settings;

    public ChuanyuFactory() : this(null, null)
    {
    }

    /// <summary>A second instance of the platform on another factory's database, as behind a load balancer.</summary>
    public static ChuanyuFactory OnSameDatabase(TestDatabase shared, IReadOnlyDictionary<string, string>? settings = null) => new(shared, settings);

    private ChuanyuFactory(TestDatabase? shared, IReadOnlyDictionary<string, string>? settings, bool template = false)
    {
        _ownsDatabase = shared is null;
        _settings = settings ?? new Dictionary<string, string>();
        _template = template;
        Database = shared ?? new TestDatabase(createNow: false);
    }

    private readonly bool _template;

    /// <summary>The host that seeds the <see cref="SeededTemplate"/>: a plain factory on the template's database, which it leaves in place.</summary>
    internal static ChuanyuFactory ForTemplate(TestDatabase database) => new(database, null, template: true);

    public TestDatabase Database { get; }

    protected virtual string EnvironmentName => "Development";

    /// <summary>Tests sign in far more often than a person; the per-IP limit has its own tests with a low value.</summary>
    protected virtual int CredentialRequestsPerMinutePerIp => 100_000;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("Database:Provider", Database.Provider);
        builder.UseSetting($"ConnectionStrings:{Database.Provider}", Database.PlannedConnectionString);
        builder.UseSetting("Demo:Seed", "true");
        builder.UseSetting("Security:CredentialRequestsPerMinutePerIp", CredentialRequestsPerMinutePerIp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // No background purge in tests; the retention tests run the job themselves.
        builder.UseSetting("Audit:RetentionIntervalHours", "0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (HostTimings.On)
        {
            builder.ConfigureLogging(l => l.AddProvider(new HostTimings.Provider()).AddFilter("Chuanyu.Web.Seeding", LogLevel.Debug));
        }
    }

    /// <summary>
    /// The first host on <see cref="Database"/> creates it: a copy of the seeded template when the host is configured
    /// exactly like the template's (decided from its finished service collection, so a test's own clock, logger or
    /// setting is seen), else empty. The template is built here, before this host builds, when there is none.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        if (!_template && !Database.Created)
        {
            SeededTemplate.EnsureFresh();
        }
        builder.ConfigureServices((context, services) =>
        {
            var fingerprint = SeededTemplate.Fingerprint(context, services);
            if (_template)
            {
                SeededTemplate.Record(fingerprint);
                Database.Create(null);
            }
            else
            {
                Database.Create(db => SeededTemplate.TryCopyTo(db, fingerprint));
            }
        });
        var host = base.CreateHost(builder);
        HostTimings.Write($"host {GetType().Name} started in {watch.Elapsed.TotalSeconds:0.000} s");
        return host;
    }

    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> work)
    {
        using var scope = Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>A client signed in through <c>POST /api/v1/auth/login</c>, as an integrating system would.</summary>
    public async Task<HttpClient> ApiClientAsync(string email, string password = DemoData.Password)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDatabase)
        {
            Database.Dispose();
        }
    }
}

public static class Demo
{
    public const string SystemAdmin = "sysadmin@chuanyu.demo";
    public const string SecurityAdmin = "secadmin@chuanyu.demo";
    public const string AuditAdmin = "auditadmin@chuanyu.demo";
    public const string ChongqingAdmin = "cq.admin@chuanyu.demo";
    public const string SichuanAdmin = "sc.admin@chuanyu.demo";
    public const string CquOrgAdmin = "cqu.admin@chuanyu.demo";
    public const string CquInstrumentManager = "cqu.instrument@chuanyu.demo";
    public const string ScuResearcher = "scu.researcher@chuanyu.demo";
    public const string Engineer = "engineer@chuanyu.demo";
}

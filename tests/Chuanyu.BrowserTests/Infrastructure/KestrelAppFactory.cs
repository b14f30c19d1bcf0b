using Chuanyu.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.BrowserTests.Infrastructure;

/// <summary>
/// The real application on Kestrel (not the in-memory TestServer), so a real browser can reach it: a free loopback
/// port picked by the kernel, a fresh database of the engine chosen by <c>CHUANYU_TEST_DB</c>, migrated by the real
/// runner and seeded with the demo data, in the Development environment (as <c>ChuanyuFactory</c> sets it up).
/// </summary>
public sealed class KestrelAppFactory : WebApplicationFactory<Program>
{
    private bool _databaseDisposed;

    public KestrelAppFactory()
    {
        UseKestrel(0);
    }

    public TestDatabase Database { get; } = new();

    /// <summary>Starts the host (migration and seeding run before it listens) and returns the bound address.</summary>
    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("Kestrel reported no http address.");
        return new Uri(address);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", Database.Provider);
        builder.UseSetting($"ConnectionStrings:{Database.Provider}", Database.ConnectionString);
        builder.UseSetting("Demo:Seed", "true");
        // One app serves every browser test, all from 127.0.0.1, and they sign in far more often than a person (the
        // accessibility walk alone signs in seven roles); the per-IP limit has its own tests with a low value.
        builder.UseSetting("Security:CredentialRequestsPerMinutePerIp", "100000");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && !_databaseDisposed)
        {
            _databaseDisposed = true;
            Database.Dispose();
        }
    }
}

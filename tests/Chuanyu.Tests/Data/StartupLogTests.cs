using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Chuanyu.Tests.Data;

/// <summary>
/// Issue 21, point 5: a start of the platform (migrate, seed the demo, run the demo evaluation) and a first sign-in log
/// no warning an operator would have to look into, and the Data Protection keys are stored encrypted with the
/// platform's data key, not as plain XML.
/// </summary>
public sealed class StartupLogTests : IDisposable
{
    private readonly ChuanyuFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task StartAndFirstSignIn_LogNoWarning_AndTheKeyRingIsEncrypted()
    {
        var log = new LogSink();
        var host = log.Attach(_factory);
        var client = host.CreateClient();

        var signIn = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = Demo.Engineer, password = DemoData.Password });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);

        var warnings = log.Entries.Where(e => e.Level >= LogLevel.Warning).ToList();
        Assert.True(warnings.Count == 0, $"{warnings.Count} warnings logged, first: {warnings.FirstOrDefault()}");

        var keys = await host.Services.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync());
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<platformEncrypted", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
    }
}

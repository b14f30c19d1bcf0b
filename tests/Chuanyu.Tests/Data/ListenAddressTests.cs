using Chuanyu.Tests.Infrastructure;

namespace Chuanyu.Tests.Data;

/// <summary>
/// The platform listens where the operator says: <c>ASPNETCORE_URLS</c> (what container platforms set) or <c>--urls</c>.
/// Nothing in the shipped configuration may pin an address over them. Only a real process shows this, so the built
/// platform is started as a deployment starts it: from its own folder's configuration, Production, its own database.
/// </summary>
public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("--urls")]
    public async Task ThePublishedPlatform_ListensWhereTheOperatorSays(string how)
    {
        // The address is the question, not the engine: the same SQLite file whichever engine the suite runs on.
        var port = PlatformProcess.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var build = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "chuanyu-urls-" + Guid.NewGuid().ToString("N"))).FullName;
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // The build's appsettings.json is read, as when a deployment is started from elsewhere.
            ["ASPNETCORE_CONTENTROOT"] = build,
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(folder, "chuanyu.db")}",
        };
        string[] arguments = [];
        if (how == "ASPNETCORE_URLS")
        {
            environment["ASPNETCORE_URLS"] = url;
        }
        else
        {
            arguments = ["--urls", url];
        }
        try
        {
            await using var platform = PlatformProcess.Start(arguments, environment, workingDirectory: folder);
            Assert.True(await platform.AnswersAsync(new Uri($"{url}/healthz")), $"nothing answered at {url}/healthz:\n{platform.Output}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

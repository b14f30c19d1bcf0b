using Chuanyu.Tests.Infrastructure;

namespace Chuanyu.Tests.Data;

/// <summary>
/// A relative <c>Database:DataDirectory</c> follows the working directory, so two deployments of one build started from
/// two folders keep two databases, and nothing is written among the build's own files.
/// </summary>
public sealed class DataDirectoryTests
{
    [Fact]
    public async Task TheSameBuild_StartedFromTwoFolders_KeepsTwoDatabases_AndNoneInItsOwnFolder()
    {
        if (TestDatabase.UsePostgres)
        {
            return; // the data folder is SQLite's; the PostgreSQL run covers nothing more here
        }
        var build = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;
        var ownData = Path.Combine(build, "data", "chuanyu.db");
        var existedBefore = File.Exists(ownData);
        var root = Path.Combine(Path.GetTempPath(), "chuanyu-datadir-" + Guid.NewGuid().ToString("N"));
        var first = Directory.CreateDirectory(Path.Combine(root, "first")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(root, "second")).FullName;
        try
        {
            foreach (var folder in new[] { first, second })
            {
                var (exit, output) = await ProcessRunner.RunAsync("dotnet", [typeof(Program).Assembly.Location, "migrate"], new Dictionary<string, string>
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    // As a deployment started from another folder sets it, so that the build's wwwroot is served.
                    ["ASPNETCORE_CONTENTROOT"] = build,
                    ["Database__Provider"] = "Sqlite",
                    ["Database__DataDirectory"] = "data",
                }, workingDirectory: folder);
                Assert.True(exit == 0, output);
                Assert.True(File.Exists(Path.Combine(folder, "data", "chuanyu.db")), $"no database under {folder}: {output}");
            }
            Assert.Equal(existedBefore, File.Exists(ownData));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }
}

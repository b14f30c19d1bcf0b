using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Data;

/// <summary>The operator commands, run as an operator runs them: the built app as a separate process.</summary>
public sealed class CommandTests
{
    private static Task<(int ExitCode, string Output)> RunAsync(TestDatabase database, string command) =>
        ProcessRunner.RunPlatformAsync(database.Provider, database.ConnectionString, command);

    private static Task<(int ExitCode, string Output)> RunAsync(string provider, string connectionString, string command) =>
        ProcessRunner.RunPlatformAsync(provider, connectionString, command);

    [Fact]
    public async Task Migrate_SqlitePathInAFolderThatDoesNotExistYet_CreatesIt()
    {
        // SQLite only: the embedded engine is the one whose file location an operator configures.
        var root = Path.Combine(Path.GetTempPath(), "chuanyu-tests", Guid.NewGuid().ToString("N"));
        var file = Path.Combine(root, "not", "yet", "there.db");
        try
        {
            var (exit, output) = await RunAsync("Sqlite", $"Data Source={file}", "migrate");
            Assert.True(exit == 0, output);
            Assert.True(File.Exists(file));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Migrate_ThenVerifyAudit_ReportsIntactThenTheTamperedRow()
    {
        using var factory = new ChuanyuFactory();
        var database = factory.Database;

        var (migrateExit, migrateOut) = await RunAsync(database, "migrate");
        Assert.Equal(0, migrateExit);
        Assert.Contains("Applied migrations: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13", migrateOut, StringComparison.Ordinal);
        var (againExit, againOut) = await RunAsync(database, "migrate");
        Assert.Equal(0, againExit);
        Assert.Contains("up to date", againOut, StringComparison.Ordinal);

        // The host on the same database records sign-ins in the chain.
        await factory.ApiClientAsync(Demo.AuditAdmin);
        await factory.ApiClientAsync(Demo.Engineer);
        var (okExit, okOut) = await RunAsync(database, "verify-audit");
        Assert.Equal(0, okExit);
        Assert.Contains("Audit chain intact", okOut, StringComparison.Ordinal);

        var victim = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "auth.login").MinAsync(e => e.Seq));
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE audit_entries SET outcome = 'Failure' WHERE seq = {victim}"));
        var (badExit, badOut) = await RunAsync(database, "verify-audit");
        Assert.Equal(1, badExit);
        Assert.Contains($"BROKEN at row {victim}", badOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAdmin_MakesASeparatedAdministratorWithAnInitialPassword_AndRefusesOtherRoles()
    {
        using var factory = new ChuanyuFactory();
        _ = factory.Services; // migrated and seeded
        var email = $"first-sec-{Guid.NewGuid():N}@example.cn";
        var (exit, output) = await ProcessRunner.RunPlatformAsync(factory.Database.Provider, factory.Database.ConnectionString, "create-admin", email, "SecurityAdmin", "首任", "安全管理员");
        Assert.True(exit == 0, output);
        var password = System.Text.RegularExpressions.Regex.Match(output, @"first sign-in, then enrol TOTP\): (\S+)").Groups[1].Value;
        Assert.True(password.Length >= 16, output);

        var user = await factory.WithDbAsync(db => db.Users.FirstAsync(u => u.Email == email));
        Assert.True(user.MustChangePassword);
        Assert.Equal("首任 安全管理员", user.DisplayName);
        Assert.True(await factory.WithDbAsync(db => db.RoleGrants.AnyAsync(g => g.UserId == user.Id && g.Role == Web.Infrastructure.PlatformRole.SecurityAdmin)));
        await factory.ApiClientAsync(email, password); // the printed password signs in (and must then be changed)

        var (badExit, badOutput) = await ProcessRunner.RunPlatformAsync(factory.Database.Provider, factory.Database.ConnectionString, "create-admin", $"x-{Guid.NewGuid():N}@example.cn", "RegionAdmin", "某人");
        Assert.Equal(2, badExit);
        Assert.Contains("usage", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCommandName_IsThePlatformsOwn_OrRegisteredByExactlyOneFeature()
    {
        // Program tells a command from the host's arguments by Commands.Names before DI exists; the features register the rest.
        using var factory = new ChuanyuFactory();
        using var scope = factory.Services.CreateScope();
        var registered = scope.ServiceProvider.GetServices<IPlatformCommand>().Select(c => c.Name).ToList();
        Assert.Equal(registered.Count, registered.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(registered.Intersect(Commands.PlatformNames, StringComparer.Ordinal));
        Assert.Equal(Commands.Names.Order(StringComparer.Ordinal), Commands.PlatformNames.Concat(registered).Order(StringComparer.Ordinal));
    }
}

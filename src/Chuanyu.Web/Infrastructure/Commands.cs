using Chuanyu.Web.Data;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Operator commands run with the same configuration as the host:
/// <c>dotnet run --project src/Chuanyu.Web -- migrate | verify-audit | schema-script</c>.
/// </summary>
public static class Commands
{
    public static readonly string[] Names = ["migrate", "verify-audit", "schema-script"];

    public static async Task<int> RunAsync(WebApplication app, string command)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        switch (command)
        {
            case "migrate":
                var applied = await services.GetRequiredService<MigrationRunner>().MigrateAsync();
                await ReferenceData.EnsureAsync(services.GetRequiredService<AppDbContext>());
                Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied migrations: {string.Join(", ", applied)}");
                return 0;
            case "verify-audit":
                var result = await AuditLog.VerifyAsync(services.GetRequiredService<AppDbContext>());
                Console.WriteLine(result.Intact
                    ? $"Audit chain intact: {result.RowsChecked} rows verified."
                    : $"Audit chain BROKEN at row {result.FirstBrokenSeq}: {result.Problem} ({result.RowsChecked} rows verified before it).");
                return result.Intact ? 0 : 1;
            case "schema-script":
                // The DDL that EF would create for the current model: the starting point of a new migration script.
                Console.WriteLine(Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GenerateCreateScript(
                    services.GetRequiredService<AppDbContext>().Database));
                return 0;
            default:
                return 2;
        }
    }
}

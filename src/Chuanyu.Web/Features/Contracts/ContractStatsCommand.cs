using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>
/// <c>contracts-stats --rebuild</c>: recomputes the statistics' aggregates from the registered contracts in one transaction
/// (after a restore, a bulk load, or to prove the maintained figures right). Exit 0 done, 2 usage error.
/// </summary>
internal sealed class ContractStatsCommand : IPlatformCommand
{
    public string Name => "contracts-stats";

    public async Task<int> RunAsync(PlatformCommandContext context, string[] args)
    {
        if (args is not [_, "--rebuild"])
        {
            Console.Error.WriteLine("usage: contracts-stats --rebuild");
            return 2;
        }
        await context.PrepareDatabaseAsync();
        var db = context.Services.GetRequiredService<AppDbContext>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var rows = await ContractStatsWriter.RebuildAsync(db, CancellationToken.None);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Rebuilt the contract statistics: {rows:N0} aggregate rows in {started.Elapsed.TotalSeconds:F1} s."));
        await context.Services.GetRequiredService<AuditLog>().RecordAsync("contracts.stats-rebuild", null, detail: $"{rows} aggregate rows", actorName: "console");
        return 0;
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// <c>reindex</c> (registered by <see cref="SearchApi.AddSearch"/>).
/// Rewrites the search text of every indexed record with the current analyser and synonym table (docs/deployment.md).
/// </summary>
public sealed class ReindexCommand : IPlatformCommand
{
    public string Name => "reindex";

    public async Task<int> RunAsync(PlatformCommandContext context, string[] args)
    {
        await context.PrepareDatabaseAsync(); // migrated (where configured) so the stamp's row exists
        var services = context.Services;
        var started = System.Diagnostics.Stopwatch.StartNew();
        Console.WriteLine("Rewriting the search text of every indexed record …");
        var (rows, changed) = await SearchIndexer.ReindexTextAsync(services.GetRequiredService<AppDbContext>(), services.GetServices<ISearchSource>(),
            services.GetRequiredService<ISearchBackend>(), Console.WriteLine, CancellationToken.None);
        Console.WriteLine($"Reindexed: {rows} rows read, {changed} rewritten in {started.Elapsed.TotalSeconds:0.0} s; searches now ask for abbreviations alone.");
        return 0;
    }
}

/// <summary>At start-up and on <c>migrate</c>: an empty index is stamped with the current synonym table (<see cref="SearchIndexer.StampSynonymsIfEmptyAsync"/>).</summary>
public sealed class SearchIndexPreparation(IEnumerable<ISearchSource> sources) : IDatabasePreparation
{
    public async Task PrepareAsync(AppDbContext db, CancellationToken ct)
    {
        await SearchIndexer.StampSynonymsIfEmptyAsync(db, ct);
        await SearchIndexer.IndexMissingAsync(db, sources, ct);
    }
}

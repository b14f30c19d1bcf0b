using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// Rewrites the search text after a vocabulary change, run by one instance at a time (lease <see cref="LeaseName"/>):
/// when the vocabulary's version is ahead of the one the index was last rewritten for, it waits <see cref="Settle"/>
/// (every instance has reloaded its analyzer by then, so none writes rows with the old pairs any more), reads the
/// vocabulary, and rewrites the text of every indexed record whose analysed text changes
/// (<see cref="SearchIndexer.ReindexTextAsync"/>, a batch per transaction: searches go on and read the index as it is),
/// writing its progress to counters after each batch. At the end the index is stamped with the analyzer's stamp, so
/// searches ask for abbreviations alone again. A change made meanwhile is picked up by the next run.
/// </summary>
public sealed class VocabularyReindex(AppDbContext db, SearchVocabulary vocabulary, JobLeases leases, IEnumerable<ISearchSource> sources, ISearchBackend backend,
    TimeProvider clock, ILogger<VocabularyReindex> logger)
{
    public const string LeaseName = "search-vocabulary-reindex";

    /// <summary>The wait before rewriting: twice the interval at which instances look for a new vocabulary.</summary>
    public static readonly TimeSpan Settle = SearchVocabulary.CheckInterval * 2;

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Runs one reindex when one is due and this instance gets the lease; false when there was nothing to do.</summary>
    public async Task<bool> RunAsync(CancellationToken ct)
    {
        if (await SearchVocabulary.CounterAsync(db, SearchVocabulary.VersionCounter, ct) <= await SearchVocabulary.CounterAsync(db, SearchVocabulary.ReindexedCounter, ct)
            || !await leases.TryAcquireAsync(LeaseName, leases.Holder, Lease, ct))
        {
            return false;
        }
        try
        {
            await Task.Delay(Settle, clock, ct);
            await vocabulary.ReloadAsync(db, ct);
            var target = vocabulary.Version;
            var analyzer = vocabulary.Analyzer;
            var total = await db.Set<SearchEntry>().LongCountAsync(ct);
            await SetAsync(SearchVocabulary.ReindexTotalCounter, total, ct);
            await SetAsync(SearchVocabulary.ReindexDoneCounter, 0, ct);
            logger.LogInformation("Vocabulary version {Version}: rewriting the search text of {Rows} indexed records", target, total);
            var (rows, changed) = await SearchIndexer.ReindexTextAsync(db, sources, backend, m => logger.LogInformation("{Progress}", m), ct,
                analyzer: analyzer, optimize: false, progress: async (read, token) =>
                {
                    await SetAsync(SearchVocabulary.ReindexDoneCounter, read, token);
                    await leases.TryAcquireAsync(LeaseName, leases.Holder, Lease, token);
                });
            await SetAsync(SearchVocabulary.ReindexDoneCounter, rows, ct);
            await db.Database.ExecuteSqlAsync(
                $"UPDATE platform_counters SET value = {target} WHERE name = {SearchVocabulary.ReindexedCounter} AND value < {target}", ct);
            logger.LogInformation("Vocabulary version {Version}: {Rows} records read, {Changed} rewritten", target, rows, changed);
            return true;
        }
        finally
        {
            await leases.ReleaseAsync(LeaseName, leases.Holder, CancellationToken.None);
        }
    }

    private Task<int> SetAsync(string counter, long value, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"UPDATE platform_counters SET value = {value} WHERE name = {counter}", ct);
}

/// <summary>
/// Two loops: every second this instance looks for a new vocabulary (<see cref="SearchVocabulary.EnsureCurrentAsync"/>);
/// every <c>Search:VocabularyReindexPollSeconds</c> (default 2) it runs the reindex when one is due and no other instance runs it.
/// </summary>
public sealed class VocabularyBackgroundService(SearchVocabulary vocabulary, IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock,
    ILogger<VocabularyBackgroundService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(
            PeriodicLoop.RunAsync(SearchVocabulary.CheckInterval, clock, ct => vocabulary.EnsureCurrentAsync(ct), logger, "Reading the search vocabulary failed", stoppingToken),
            PeriodicLoop.RunAsync(TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Search:VocabularyReindexPollSeconds", 2))), clock, async ct =>
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<VocabularyReindex>().RunAsync(ct);
            }, logger, "The vocabulary reindex failed", stoppingToken));
}

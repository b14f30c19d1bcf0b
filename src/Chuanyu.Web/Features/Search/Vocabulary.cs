using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// One pair of the search vocabulary (检索词表): a term people type (an abbreviation, an acronym, a short form) and an
/// expansion that records write out, with where the pair comes from (a standard, a manufacturer, a textbook).
/// </summary>
public sealed class VocabularyEntry
{
    public Guid Id { get; set; }
    public string Term { get; set; } = "";
    public string Expansion { get; set; } = "";
    public string Source { get; set; } = "";

    /// <summary>Who last changed the pair; null for the pairs seeded from the reference file.</summary>
    public Guid? UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: an update names the version it read.</summary>
    public int Version { get; set; }
}

internal sealed class VocabularyEntryConfiguration : IEntityTypeConfiguration<VocabularyEntry>
{
    public void Configure(EntityTypeBuilder<VocabularyEntry> b)
    {
        b.ToTable("search_vocabulary");
        b.HasKey(x => x.Id);
        b.Property(x => x.Term).HasMaxLength(VocabularyRules.MaxTermLength);
        b.Property(x => x.Expansion).HasMaxLength(VocabularyRules.MaxExpansionLength);
        b.Property(x => x.Source).HasMaxLength(VocabularyRules.MaxSourceLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => new { x.Term, x.Expansion }).IsUnique();
    }
}

/// <summary>
/// The analyzer of this host, built from the vocabulary in the database (one per host, a singleton). Every change of
/// the vocabulary bumps the counter <see cref="VersionCounter"/> in its transaction; each instance reads that counter
/// at most once every <see cref="CheckInterval"/> (<see cref="VocabularyBackgroundService"/>) and reloads the pairs when
/// it moved, so the others follow a change within seconds, and the instance that made it at once. Until the first load
/// (at start-up, <see cref="VocabularyPreparation"/>) the host uses the seed table (<see cref="ChineseAnalyzer.Default"/>).
/// </summary>
public sealed class SearchVocabulary(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    public const string VersionCounter = "search_vocabulary_version";

    /// <summary>The vocabulary version the background reindex last finished for.</summary>
    public const string ReindexedCounter = "search_reindex_version";

    /// <summary>Rows in the index when the running (or last) reindex began, and rows it has read since.</summary>
    public const string ReindexTotalCounter = "search_reindex_total";
    public const string ReindexDoneCounter = "search_reindex_done";

    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private ChineseAnalyzer _analyzer = ChineseAnalyzer.Default;
    private long _version = -1;
    private long _checkedAtTicks = DateTimeOffset.MinValue.UtcTicks;

    public ChineseAnalyzer Analyzer => Volatile.Read(ref _analyzer);

    public void Dispose() => _loading.Dispose();

    /// <summary>The vocabulary version the analyzer was built from (-1 before the first load).</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The analyzer of the host whose context this is (the seed table for a context built without a host).</summary>
    public static ChineseAnalyzer AnalyzerOf(DbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService<SearchVocabulary>()?.Analyzer
        ?? ChineseAnalyzer.Default;

    /// <summary>Reads the version counter when it was last read a second ago or more, and reloads when it moved.</summary>
    public async Task EnsureCurrentAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (now - Interlocked.Read(ref _checkedAtTicks) < CheckInterval.Ticks)
        {
            return;
        }
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (await CounterAsync(db, VersionCounter, ct) != Version)
        {
            await ReloadAsync(db, ct);
        }
        Interlocked.Exchange(ref _checkedAtTicks, now);
    }

    /// <summary>Reads the version, then every pair (a change committed in between is read again at the next check).</summary>
    public async Task ReloadAsync(AppDbContext db, CancellationToken ct)
    {
        await _loading.WaitAsync(ct);
        try
        {
            var version = await CounterAsync(db, VersionCounter, ct);
            var pairs = await db.Set<VocabularyEntry>().AsNoTracking().OrderBy(e => e.Term).ThenBy(e => e.Expansion)
                .Select(e => new { e.Term, e.Expansion }).ToListAsync(ct);
            var analyzer = new ChineseAnalyzer(ChineseAnalyzer.FromPairs(pairs.Select(p => (p.Term, p.Expansion))));
            // Keep the seed's instance while the content is the same: its stamp is what a new index is written with.
            Volatile.Write(ref _analyzer, analyzer.SynonymsStamp == ChineseAnalyzer.Default.SynonymsStamp ? ChineseAnalyzer.Default : analyzer);
            Interlocked.Exchange(ref _version, version);
        }
        finally
        {
            _loading.Release();
        }
    }

    public static async Task<long> CounterAsync(AppDbContext db, string name, CancellationToken ct) =>
        await db.Set<PlatformCounter>().AsNoTracking().Where(c => c.Name == name).Select(c => c.Value).FirstOrDefaultAsync(ct);
}

/// <summary>
/// At start-up and on <c>migrate</c>: seeds an empty vocabulary once from <c>Data/Reference/search-synonyms.csv</c>
/// (the version counter goes from 0 to 1 in the same transaction, so two instances starting together seed it once and a
/// vocabulary emptied by its administrators stays empty), then loads this host's analyzer and stamps an empty index.
/// An index that already holds rows when the seed arrives (an upgrade) was written with the old file: the seed leaves it
/// to the background reindex.
/// </summary>
public sealed class VocabularyPreparation(SearchVocabulary vocabulary, TimeProvider clock) : IDatabasePreparation
{
    public async Task PrepareAsync(AppDbContext db, CancellationToken ct)
    {
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (await db.Database.ExecuteSqlAsync($"UPDATE platform_counters SET value = 1 WHERE name = {SearchVocabulary.VersionCounter} AND value = 0", ct) == 1)
            {
                var now = clock.GetUtcNow();
                var seen = new HashSet<(string, string)>();
                foreach (var (term, expansion, source) in SeedPairs())
                {
                    if (seen.Add((term, expansion)))
                    {
                        db.Add(new VocabularyEntry { Id = Guid.CreateVersion7(), Term = term, Expansion = expansion, Source = source, UpdatedAt = now, Version = 1 });
                    }
                }
                await db.SaveChangesAsync(ct);
                var indexed = await db.Set<SearchEntry>().AnyAsync(ct);
                await db.Database.ExecuteSqlAsync($"UPDATE platform_counters SET value = {(indexed ? 0 : 1)} WHERE name = {SearchVocabulary.ReindexedCounter}", ct);
            }
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        await vocabulary.ReloadAsync(db, ct);
        await SearchIndexer.StampSynonymsIfEmptyAsync(db, ct);
    }

    /// <summary>The rows of the embedded seed file: term, expansion, source.</summary>
    public static List<(string Term, string Expansion, string Source)> SeedPairs()
    {
        using var stream = typeof(ChineseAnalyzer).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.search-synonyms.csv")
            ?? throw new InvalidOperationException("search-synonyms.csv is not embedded.");
        using var reader = new StreamReader(stream);
        return ChineseAnalyzer.ReadPairs(reader);
    }
}

/// <summary>
/// The checks of a vocabulary pair, with the field and the reason: term, expansion and source present and short
/// enough, something searchable in the term and the expansion, no term mapped to itself, no pair twice, and no cycle
/// (A → B and B → A, or a longer chain back to the start). For a self-map and a cycle, terms are compared as the index
/// sees them: normalised (full-width to half-width, lower case) and without spaces or punctuation ("LC-MS" and "lcms"
/// are one term); for a duplicate, normalised only (<see cref="SamePair"/>).
/// </summary>
public static class VocabularyRules
{
    public const int MaxTermLength = 50;
    public const int MaxExpansionLength = 100;
    public const int MaxSourceLength = 200;

    public sealed record Pair(Guid Id, string Term, string Expansion);

    /// <summary>The field errors of one pair against the others (<paramref name="others"/> must not hold the pair itself).</summary>
    public static FieldErrors Check(string? term, string? expansion, string? source, IReadOnlyCollection<Pair> others)
    {
        var errors = new FieldErrors();
        var t = Text(errors, "term", term, MaxTermLength);
        var e = Text(errors, "expansion", expansion, MaxExpansionLength);
        if (string.IsNullOrWhiteSpace(source))
        {
            errors.Add("source", new Message("Vocabulary.SourceRequired"));
        }
        else if (source.Trim().Length > MaxSourceLength)
        {
            errors.Add("source", new Message("Vocabulary.TooLong", MaxSourceLength));
        }
        if (t is null || e is null)
        {
            return errors;
        }
        if (t == e)
        {
            errors.Add("expansion", new Message("Vocabulary.SelfMap"));
            return errors;
        }
        var keyed = others.Select(o => (Term: ChineseAnalyzer.CompactForm(o.Term), Expansion: ChineseAnalyzer.CompactForm(o.Expansion), o)).ToList();
        if (others.FirstOrDefault(o => SamePair(o.Term, o.Expansion, term!, expansion!)) is { } same)
        {
            errors.Add("term", new Message("Vocabulary.Duplicate", same.Term, same.Expansion));
            return errors;
        }
        // A cycle: the expansion leads back to the term through the other pairs.
        if (PathBetween(e, t, keyed.Select(o => (o.Term, o.Expansion))) is { } path)
        {
            errors.Add("expansion", new Message("Vocabulary.Cycle", string.Join(" → ", [term!.Trim(), .. path.Select(p => Spelled(p, others))])));
        }
        return errors;
    }

    /// <summary>
    /// Whether two pairs are one: the same once normalised (case, full-width forms, spaces around). Punctuation counts
    /// here: "色谱-质谱联用仪" and "色谱质谱联用仪" ask the index different things (two runs or one).
    /// </summary>
    public static bool SamePair(string term, string expansion, string otherTerm, string otherExpansion) =>
        Key(term) == Key(otherTerm) && Key(expansion) == Key(otherExpansion);

    private static string Key(string text) => ChineseAnalyzer.Normalize(text.Trim());

    /// <summary>The compact form of a required text, or null with the reason added.</summary>
    private static string? Text(FieldErrors errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, new Message("Vocabulary.Required"));
            return null;
        }
        if (value.Trim().Length > max)
        {
            errors.Add(field, new Message("Vocabulary.TooLong", max));
            return null;
        }
        var compact = ChineseAnalyzer.CompactForm(value);
        if (compact.Length == 0)
        {
            errors.Add(field, new Message("Vocabulary.NothingSearchable"));
            return null;
        }
        return compact;
    }

    /// <summary>The nodes from <paramref name="from"/> to <paramref name="to"/> (both included), or null when there is no path.</summary>
    private static List<string>? PathBetween(string from, string to, IEnumerable<(string Term, string Expansion)> edges)
    {
        var next = edges.ToLookup(x => x.Term, x => x.Expansion, StringComparer.Ordinal);
        var previous = new Dictionary<string, string?>(StringComparer.Ordinal) { [from] = null };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            if (node == to)
            {
                var path = new List<string>();
                for (string? n = node; n is not null; n = previous[n])
                {
                    path.Add(n);
                }
                path.Reverse();
                return path;
            }
            foreach (var n in next[node])
            {
                if (previous.TryAdd(n, node))
                {
                    queue.Enqueue(n);
                }
            }
        }
        return null;
    }

    /// <summary>A compact node as one of the pairs writes it.</summary>
    private static string Spelled(string compact, IReadOnlyCollection<Pair> pairs) =>
        pairs.Select(p => p.Term).Concat(pairs.Select(p => p.Expansion)).FirstOrDefault(s => ChineseAnalyzer.CompactForm(s) == compact) ?? compact;
}

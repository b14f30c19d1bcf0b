using System.Globalization;
using System.Text;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// One searchable record in the narrow search table (<c>resource_search</c>): the facet values as integers, the
/// analysed text, and the filter tokens. The full-text index (SQLite FTS5 / PostgreSQL GIN) is built over it by the
/// database itself (triggers / a generated column), so the index changes in the transaction that changes this row.
/// </summary>
public sealed class SearchEntry
{
    /// <summary>((1000 − quality) &lt;&lt; 32) | doc id: ascending key order is best-first, and the key is unique.</summary>
    public long SearchKey { get; set; }
    public int Kind { get; set; }
    public int Region { get; set; }
    public int District { get; set; }

    /// <summary>The level-1 instrument class as a number (010000 → 10000); 0 when none.</summary>
    public int Category { get; set; }
    public int Flags { get; set; }
    public int PriceBucket { get; set; }
    public int DocId { get; set; }
    public int Quality { get; set; }

    /// <summary>The index version of the save that last wrote this row (instances refresh their facet cache from it).</summary>
    public long Version { get; set; }
    /// <summary>The record this row indexes (a resource, an organisation, …; its type is <see cref="Kind"/>).</summary>
    public Guid RecordId { get; set; }
    public Guid OrganizationId { get; set; }

    /// <summary>The indexed text, in its own table so that reading facet values never reads text.</summary>
    public SearchText Text { get; set; } = null!;

    public static long KeyOf(int quality, int docId) => ((long)(SearchIndexer.MaxQuality - quality) << 32) | (uint)docId;

    /// <summary>A tier is one quality and one block of 2^14 = 16,384 doc ids.</summary>
    public const int TierShift = 14;

    /// <summary>The sample blocks hold 2^13 = 8,192 doc ids each.</summary>
    public const int SampleShift = 13;

    /// <summary>
    /// The tier of a key, (1000 − quality) &lt;&lt; 18 | doc id &gt;&gt; 14: tiers in ascending order are keys in ascending
    /// order, so PostgreSQL can search the best tiers first and stop (its GIN index cannot return matches in key order).
    /// </summary>
    public static long TierOf(long searchKey) => searchKey >> TierShift;

    /// <summary>The quality rank of a key or of a tier (1000 − quality: ascending is best first).</summary>
    public static long RankOfTier(long tier) => tier >> (32 - TierShift);

    /// <summary>The sample block of a doc id (its block of 8,192 doc ids, whatever its quality).</summary>
    public static int SampleBlockOf(int docId) => docId >> SampleShift;
}

/// <summary>The analysed text of a search row: the full-text index (FTS5 external content / GIN) is built over this table.</summary>
public sealed class SearchText
{
    public long SearchKey { get; set; }

    /// <summary>Analysed name, English name and model (weighted higher by the ranking).</summary>
    public string Title { get; set; } = "";

    /// <summary>Analysed manufacturer, organisation, class names, keywords, functions, fields, indicators.</summary>
    public string Body { get; set; } = "";

    /// <summary>The filter values as tokens no text can produce (区500000, 类0, …), so the index applies filters itself.</summary>
    public string Filters { get; set; } = "";
}

[Flags]
public enum SearchMarks
{
    None = 0,
    Cma = 1,
    Cnas = 2,
    LargeInstrument = 4,

    /// <summary>Published but shared internally only: found only by the owner's members and the region's administrators.</summary>
    InternalOnly = 64,
}

/// <summary>A named counter incremented atomically in the database (one UPDATE … RETURNING), e.g. search doc ids.</summary>
public sealed class PlatformCounter
{
    public string Name { get; set; } = "";
    public long Value { get; set; }
}

internal sealed class SearchEntryConfiguration : IEntityTypeConfiguration<SearchEntry>
{
    public void Configure(EntityTypeBuilder<SearchEntry> b)
    {
        b.ToTable("resource_search");
        b.HasKey(x => x.SearchKey);
        b.Property(x => x.SearchKey).ValueGeneratedNever();
        b.HasIndex(x => x.RecordId).IsUnique();
        b.HasIndex(x => x.DocId).IsUnique();
        b.HasIndex(x => x.Version);
        b.HasOne(x => x.Text).WithOne().HasForeignKey<SearchText>(t => t.SearchKey).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SearchTextConfiguration : IEntityTypeConfiguration<SearchText>
{
    public void Configure(EntityTypeBuilder<SearchText> b)
    {
        b.ToTable("resource_search_text");
        b.HasKey(x => x.SearchKey);
        b.Property(x => x.SearchKey).ValueGeneratedNever();
    }
}

internal sealed class PlatformCounterConfiguration : IEntityTypeConfiguration<PlatformCounter>
{
    public void Configure(EntityTypeBuilder<PlatformCounter> b)
    {
        b.ToTable("platform_counters");
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(50);
    }
}

/// <summary>
/// Keeps <c>resource_search</c> in step with the catalogue: called by <see cref="SearchIndexInterceptor"/> before every
/// save, it looks at the resources, fees and certifications about to change and adds, updates or removes their search
/// rows in the same save (so in the same transaction). Only published records are searchable.
/// </summary>
public static class SearchIndexer
{
    public const int MaxQuality = 1000;

    /// <summary>Source text beyond this many characters per field is not indexed: keeps rows narrow; names are short anyway.</summary>
    public const int MaxIndexedFieldLength = 300;

    public const string DocCounter = "resource_search_doc";

    /// <summary>Bumped once by every save that changes the index; writers queue on this row, so versions commit in order.</summary>
    public const string VersionCounter = "resource_search_version";

    /// <summary>The stamp of the synonym table every row of the index was written with, or 0 (migration 0011).</summary>
    public const string SynonymsCounter = "resource_search_synonyms";

    /// <summary>An empty index holds no row of an older synonym table: stamp it with the host's vocabulary (idempotent, at start-up).</summary>
    public static Task StampSynonymsIfEmptyAsync(AppDbContext db, CancellationToken ct = default)
    {
        var stamp = SearchVocabulary.AnalyzerOf(db).SynonymsStamp;
        return db.Database.ExecuteSqlAsync(
            $"UPDATE platform_counters SET value = {stamp} WHERE name = {SynonymsCounter} AND value <> {stamp} AND NOT EXISTS (SELECT 1 FROM resource_search)", ct);
    }

    /// <summary>
    /// Rewrites the analysed title and body of every indexed record with the current analyser and synonym table (only
    /// the rows whose text changes are written, a batch per transaction), then stamps the index so searches ask for
    /// abbreviations alone (<see cref="ChineseAnalyzer.IndexedQuery"/>). Filters, keys and facets do not change.
    /// Run it after an upgrade that brings a new synonym table, once every instance runs the new version; a change of the
    /// vocabulary runs it in the background (<see cref="VocabularyReindex"/>: <paramref name="progress"/> hears the rows
    /// read after each batch, and the FTS5 merge is left to the engine's own merging).
    /// </summary>
    public static async Task<(int Rows, int Changed)> ReindexTextAsync(AppDbContext db, IEnumerable<ISearchSource> sources, ISearchBackend backend,
        Action<string> log, CancellationToken ct, int batchSize = 2_000, ChineseAnalyzer? analyzer = null, Func<int, CancellationToken, Task>? progress = null,
        bool optimize = true)
    {
        var from = sources.ToList();
        analyzer ??= SearchVocabulary.AnalyzerOf(db);
        var stamp = analyzer.SynonymsStamp;
        var after = long.MinValue;
        int rows = 0, changed = 0;
        while (true)
        {
            var batch = await (
                from s in db.Set<SearchEntry>().AsNoTracking()
                where s.SearchKey > after
                orderby s.SearchKey
                select new { s.SearchKey, s.RecordId, s.Text.Title, s.Text.Body })
                .Take(batchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }
            var documents = await DocumentsAsync(db, from, batch.Select(b => b.RecordId).ToList(), ct);
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                // One prepared statement per batch: most rows of a large catalogue change, and EF's per-call overhead
                // dominated (about 250 rows/s).
                await using var update = db.Database.GetDbConnection().CreateCommand();
                update.Transaction = tx.GetDbTransaction();
                update.CommandText = "UPDATE resource_search_text SET title = @title, body = @body WHERE search_key = @key";
                var pTitle = update.CreateParameter();
                pTitle.ParameterName = "@title";
                var pBody = update.CreateParameter();
                pBody.ParameterName = "@body";
                var pKey = update.CreateParameter();
                pKey.ParameterName = "@key";
                update.Parameters.Add(pTitle);
                update.Parameters.Add(pBody);
                update.Parameters.Add(pKey);
                foreach (var row in batch)
                {
                    if (!documents.TryGetValue(row.RecordId, out var document))
                    {
                        continue; // no longer searchable: the next save of the record removes its row
                    }
                    var title = TitleText(document, analyzer);
                    var body = BodyText(document, analyzer);
                    if (title != row.Title || body != row.Body)
                    {
                        pTitle.Value = title;
                        pBody.Value = body;
                        pKey.Value = row.SearchKey;
                        await update.ExecuteNonQueryAsync(ct);
                        changed++;
                    }
                }
                await tx.CommitAsync(ct);
            }
            rows += batch.Count;
            after = batch[^1].SearchKey;
            if (progress is not null)
            {
                await progress(rows, ct);
            }
            if (rows / 100_000 != (rows - batch.Count) / 100_000)
            {
                log($"  {rows:N0} rows read, {changed:N0} rewritten …");
            }
        }
        if (changed > 0 && optimize)
        {
            await backend.AfterTextRewriteAsync(db, log, ct);
        }
        if (await db.Database.ExecuteSqlAsync($"UPDATE platform_counters SET value = {stamp} WHERE name = {SynonymsCounter}", ct) != 1)
        {
            throw new InvalidOperationException($"The counter {SynonymsCounter} is missing: apply migration 0011 first.");
        }
        return (rows, changed);
    }

    /// <summary>Whether the pending changes of <paramref name="db"/> touch what the index holds (no database access).</summary>
    public static bool HasIndexedChanges(AppDbContext db, IEnumerable<ISearchSource> sources) => Collect(db, sources).Any;

    /// <summary>What the pending changes do to the index, as the sources see them.</summary>
    private static SearchChanges Collect(AppDbContext db, IEnumerable<ISearchSource> sources)
    {
        var changes = new SearchChanges();
        var list = sources as IReadOnlyList<ISearchSource> ?? sources.ToList();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            foreach (var source in list)
            {
                source.Collect(entry, changes);
            }
        }
        return changes;
    }

    /// <summary>The documents of some records from every source, by id (records that are not searchable have none).</summary>
    private static async Task<Dictionary<Guid, SearchDocument>> DocumentsAsync(AppDbContext db, IReadOnlyList<ISearchSource> sources,
        IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var documents = new Dictionary<Guid, SearchDocument>();
        foreach (var source in sources)
        {
            foreach (var d in await source.DocumentsAsync(db, ids, ct))
            {
                documents[d.Id] = d;
            }
        }
        return documents;
    }

    /// <summary>
    /// Adds, updates or removes the search rows of the records whose pending changes touch the index (as the sources
    /// note them: for the catalogue, resources, fees, certifications and organisation names), as part of the same save
    /// (<see cref="SearchIndexInterceptor"/>).
    /// </summary>
    public static async Task StageAsync(AppDbContext db, IEnumerable<ISearchSource> sources, CancellationToken ct)
    {
        var list = sources as IReadOnlyList<ISearchSource> ?? sources.ToList();
        await ApplyAsync(db, list, Collect(db, list), ct);
    }

    /// <summary>The mask of the type codes whose records are all indexed (<see cref="IndexMissingAsync"/>), created when first needed.</summary>
    public const string TypesCounter = "resource_search_types";

    /// <summary>
    /// Indexes the searchable records of a type that has no rows yet (a type added to an existing database: the
    /// organisations after migration 0016), a batch of 1,000 per save, at start-up. It runs for the types not yet marked
    /// done in <see cref="TypesCounter"/>, so a restart does not look through a million records again (an anti-join of
    /// every resource against the index costs seconds there).
    /// </summary>
    public static async Task<int> IndexMissingAsync(AppDbContext db, IEnumerable<ISearchSource> sources, CancellationToken ct)
    {
        var list = sources.ToList();
        static long MaskOf(ISearchSource source) => source.Types.Aggregate(0L, (m, t) => m | (1L << t.Code));
        var registered = list.Aggregate(0L, (m, s) => m | MaskOf(s));
        var marked = await db.Set<PlatformCounter>().AsNoTracking().Where(c => c.Name == TypesCounter).Select(c => (long?)c.Value).FirstOrDefaultAsync(ct);
        if (marked == registered)
        {
            return 0;
        }
        var done = 0;
        foreach (var source in list.Where(s => (MaskOf(s) & ~(marked ?? 0)) != 0))
        {
            while (true)
            {
                var missing = await source.MissingAsync(db, db.Set<SearchEntry>().Select(e => e.RecordId), 1_000, ct);
                if (missing.Count == 0)
                {
                    break;
                }
                var changes = new SearchChanges();
                changes.Affected.UnionWith(missing);
                changes.Added.UnionWith(missing);
                await ApplyAsync(db, list, changes, ct);
                var written = db.ChangeTracker.Entries<SearchEntry>().Count(e => e.State == EntityState.Added);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                done += written;
                if (written == 0)
                {
                    break; // the source calls them missing but gives no document: do not loop
                }
            }
        }
        if (marked is null)
        {
            db.Add(new PlatformCounter { Name = TypesCounter, Value = registered });
        }
        else
        {
            db.Attach(new PlatformCounter { Name = TypesCounter, Value = marked.Value }).Property(c => c.Value).CurrentValue = registered;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance starting at the same moment marked it.
        }
        db.ChangeTracker.Clear();
        return done;
    }

    private static async Task ApplyAsync(AppDbContext db, IReadOnlyList<ISearchSource> list, SearchChanges changes, CancellationToken ct)
    {
        var affected = changes.Affected;
        var deleted = changes.Deleted;
        // An owner's name is indexed with every one of its records: a renamed organisation's records are indexed again.
        foreach (var chunk in changes.Owners.Chunk(100))
        {
            affected.UnionWith(await db.Set<SearchEntry>().AsNoTracking().Where(e => chunk.Contains(e.OrganizationId)).Select(e => e.RecordId).ToListAsync(ct));
        }
        affected.ExceptWith(deleted);
        if (affected.Count == 0 && deleted.Count == 0)
        {
            return;
        }

        // Existing search rows, for records that may have one (a record being added has none).
        var existing = db.ChangeTracker.Entries<SearchEntry>().Where(e => e.State != EntityState.Deleted).Select(e => e.Entity)
            .ToDictionary(e => e.RecordId);
        var toLoad = affected.Concat(deleted).Where(id => !changes.Added.Contains(id) && !existing.ContainsKey(id)).ToList();
        foreach (var chunk in toLoad.Chunk(500))
        {
            foreach (var e in await db.Set<SearchEntry>().Include(e => e.Text).Where(e => chunk.Contains(e.RecordId)).ToListAsync(ct))
            {
                existing[e.RecordId] = e;
            }
        }
        foreach (var id in deleted)
        {
            if (existing.TryGetValue(id, out var gone))
            {
                db.Remove(gone);
            }
        }

        // Records no longer searchable (a draft, a retired record) lose their row.
        var documents = affected.Count == 0 ? [] : await DocumentsAsync(db, list, affected, ct);
        foreach (var id in affected.Where(id => !documents.ContainsKey(id)))
        {
            if (existing.TryGetValue(id, out var stale))
            {
                db.Remove(stale);
            }
        }
        if (documents.Count == 0)
        {
            return;
        }

        var needIds = documents.Keys.Count(id => !existing.ContainsKey(id));
        var nextDoc = needIds == 0 ? 0 : await ReserveDocIdsAsync(db, needIds, ct);
        var version = await NextVersionAsync(db, ct);
        var analyzer = SearchVocabulary.AnalyzerOf(db);
        foreach (var d in documents.Values)
        {
            var fresh = Build(d, existing.TryGetValue(d.Id, out var old) ? old.DocId : nextDoc++, analyzer);
            fresh.Version = version;
            if (old is null)
            {
                db.Add(fresh);
            }
            else if (old.SearchKey == fresh.SearchKey)
            {
                if (old.Text is null)
                {
                    await db.Entry(old).Reference(e => e.Text).LoadAsync(ct);
                }
                db.Entry(old).CurrentValues.SetValues(fresh);
                db.Entry(old.Text!).CurrentValues.SetValues(fresh.Text);
            }
            else
            {
                // The key is the primary key (and the FTS rowid): a new quality means a new row.
                db.Remove(old);
                db.Add(fresh);
            }
        }
    }

    /// <summary>Reserves <paramref name="count"/> consecutive doc ids; returns the first. One atomic statement on both engines.</summary>
    public static async Task<int> ReserveDocIdsAsync(AppDbContext db, int count, CancellationToken ct)
    {
        var last = await AddToCounterAsync(db, DocCounter, count, ct);
        return last <= int.MaxValue ? (int)(last - count + 1) : throw new InvalidOperationException("The search document counter is exhausted.");
    }

    /// <summary>The next index version (one atomic UPDATE … RETURNING; the row stays locked until the save commits).</summary>
    public static Task<long> NextVersionAsync(AppDbContext db, CancellationToken ct) => AddToCounterAsync(db, VersionCounter, 1, ct);

    /// <summary>Adds to a named counter in one atomic statement on both engines and returns the new value.</summary>
    private static async Task<long> AddToCounterAsync(AppDbContext db, string name, int amount, CancellationToken ct)
    {
        var value = await db.Database.SqlQuery<long>($"UPDATE platform_counters SET value = value + {amount} WHERE name = {name} RETURNING value AS \"Value\"")
            .ToListAsync(ct);
        return value.Count == 1 ? value[0] : throw new InvalidOperationException($"The counter {name} is missing.");
    }

    /// <summary>The analysed title of a document: its raw title with the abbreviations of the expansions it holds (the host's vocabulary, or the seed table).</summary>
    public static string TitleText(SearchDocument d, ChineseAnalyzer? analyzer = null) => (analyzer ?? ChineseAnalyzer.Default).IndexTextWithSynonyms(d.Title);

    /// <summary>The analysed body of a document.</summary>
    public static string BodyText(SearchDocument d, ChineseAnalyzer? analyzer = null) => (analyzer ?? ChineseAnalyzer.Default).IndexTextWithSynonyms(d.Body);

    /// <summary>The search row of a document (pure: the same document and vocabulary always give the same row).</summary>
    public static SearchEntry Build(SearchDocument d, int docId, ChineseAnalyzer? analyzer = null)
    {
        var quality = Math.Clamp(d.Quality, 0, MaxQuality);
        var flags = d.Flags;
        var priceBucket = PriceBuckets.Of(d.MinPriceFen);
        var key = SearchEntry.KeyOf(quality, docId);
        var tier = SearchEntry.TierOf(key);
        var filters = new StringBuilder();
        filters.Append(FilterTokens.Kind(d.Kind)).Append(' ')
            .Append(FilterTokens.Region(d.RegionCode)).Append(' ')
            .Append(FilterTokens.District(d.DistrictCode)).Append(' ')
            .Append(FilterTokens.Price(priceBucket)).Append(' ')
            .Append(FilterTokens.Organization(d.OrganizationId)).Append(' ')
            .Append(FilterTokens.Rank(SearchEntry.RankOfTier(tier))).Append(' ')
            .Append(FilterTokens.Tier(tier)).Append(' ')
            .Append(FilterTokens.Sample(SearchEntry.SampleBlockOf(docId)));
        if (d.Category != 0)
        {
            filters.Append(' ').Append(FilterTokens.Category(d.Category));
        }
        if ((flags & SearchMarks.Cma) != 0)
        {
            filters.Append(' ').Append(FilterTokens.Certification(CertificationType.Cma));
        }
        if ((flags & SearchMarks.Cnas) != 0)
        {
            filters.Append(' ').Append(FilterTokens.Certification(CertificationType.Cnas));
        }
        foreach (var mark in d.Marks)
        {
            filters.Append(' ').Append(FilterTokens.Mark(mark));
        }
        return new SearchEntry
        {
            SearchKey = key,
            Kind = d.Kind,
            Region = int.Parse(d.RegionCode, CultureInfo.InvariantCulture),
            District = int.Parse(d.DistrictCode, CultureInfo.InvariantCulture),
            Category = d.Category,
            Flags = (int)flags,
            PriceBucket = priceBucket,
            DocId = docId,
            Quality = quality,
            RecordId = d.Id,
            OrganizationId = d.OrganizationId,
            Text = new SearchText
            {
                SearchKey = key,
                Title = TitleText(d, analyzer),
                Body = BodyText(d, analyzer),
                Filters = filters.ToString(),
            },
        };
    }

    /// <summary>Source text beyond <see cref="MaxIndexedFieldLength"/> characters is not indexed (for the sources' longer fields).</summary>
    public static string? Cut(string? s) => s is null || s.Length <= MaxIndexedFieldLength ? s : s[..MaxIndexedFieldLength];
}

/// <summary>
/// Filter values as index tokens. Each starts with a CJK character followed by Latin letters or digits, which the
/// analyser never emits (it splits CJK from Latin), so no text can match a filter token.
/// </summary>
public static class FilterTokens
{
    public static string Kind(int kind) => "类" + kind.ToString(CultureInfo.InvariantCulture);
    public static string Region(string code) => "区" + code;
    public static string District(string code) => "县" + code;
    public static string Category(int category) => "别" + category.ToString("D6", CultureInfo.InvariantCulture);
    public static string Price(int bucket) => "价" + bucket.ToString(CultureInfo.InvariantCulture);
    public static string Organization(Guid id) => "机" + id.ToString("N");
    public static string Certification(CertificationType type) => "证" + type.ToString().ToLowerInvariant();

    /// <summary>Every row of one quality rank (<see cref="SearchEntry.RankOfTier"/>).</summary>
    public static string Rank(long rank) => "层" + rank.ToString(CultureInfo.InvariantCulture);

    /// <summary>The rows of one tier: a quality rank and a block of 16,384 doc ids ("x" keeps it one FTS5 token).</summary>
    public static string Tier(long tier) => "层" + SearchEntry.RankOfTier(tier).ToString(CultureInfo.InvariantCulture) + "x"
        + (tier & ((1L << (32 - SearchEntry.TierShift)) - 1)).ToString(CultureInfo.InvariantCulture);

    /// <summary>An owner's filter value (<see cref="SearchDocument.Marks"/>); only lower-case Latin letters and digits keep it one token.</summary>
    public static string Mark(string value) => "\u6807" + value; // 标 (mark), as an escape: a token prefix, not a label

    /// <summary>The rows of one sample block of 8,192 doc ids.</summary>
    public static string Sample(int block) => "块" + block.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Price ranges of the cheapest fee, as the search facet shows them.</summary>
public static class PriceBuckets
{
    public const int None = 0;
    public const int Free = 1;
    public const int UpTo100 = 2;
    public const int UpTo500 = 3;
    public const int UpTo2000 = 4;
    public const int Above2000 = 5;

    /// <summary>The API names, in bucket order.</summary>
    public static readonly string[] Names = ["none", "free", "0-100", "100-500", "500-2000", "2000+"];

    public static int Of(long? minFen) => minFen switch
    {
        null => None,
        0 => Free,
        <= 100_00 => UpTo100,
        <= 500_00 => UpTo500,
        <= 2000_00 => UpTo2000,
        _ => Above2000,
    };

    public static int? Parse(string? name)
    {
        var i = Array.IndexOf(Names, name);
        return i < 0 ? null : i;
    }
}

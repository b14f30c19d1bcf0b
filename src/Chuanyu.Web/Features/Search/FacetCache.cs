using System.Data.Common;
using System.Globalization;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// The facet values of every search row, in arrays indexed by doc id (about 20 bytes a row: 20 MB for a million), so a
/// search reads only keys from the full-text index and counts, filters for visibility and facets in memory — reading
/// the rows themselves cost 4–10 µs a match (docs/search-design.md). It is a cache of the database, not state: every
/// search first reads the index version (one row) and, when it moved, loads just the rows written since
/// (<c>resource_search.version</c>, indexed). Writers take versions under the counter row's lock, so they commit in
/// version order and no change is skipped; another instance sees a change at its next search. Rows deleted from the
/// index keep stale values here, which is harmless: a search only looks up doc ids the index returned.
/// </summary>
public sealed class FacetCache(ISearchBackend backend) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _loading = new(1, 1);
    private Columns _columns = new(0);
    private long _version = -1;

    /// <summary>The facet values of one row.</summary>
    public readonly record struct Row(int Kind, int Region, int District, int Category, int Flags, int Price, Guid Organization, int Quality = 0);

    /// <summary>
    /// The tiers of the index (<see cref="SearchEntry.TierOf"/>) in ascending order with their number of rows, the rows in
    /// all, and the sample blocks (8,192 doc ids each, all qualities) at 5/8, 1/8, 3/8 and 7/8 of the rows, with
    /// their rows. Doc ids follow the order records were indexed in, not their content or quality, so the matches in
    /// sample blocks estimate a large total and its facets without bias, where the best tiers would not.
    /// <para><c>KindRows[kind]</c> and <c>SampleKindRows[kind]</c> count the rows of one kind only: kinds described less
    /// fully sit in lower tiers (no innovation platform ranks above 560), so a search filtered by kind walks the tiers
    /// that hold that kind and judges the density among its rows.</para>
    /// </summary>
    public sealed record TierTable(long[] Ids, int[] Rows, long Total, int[] SampleBlocks, int[] SampleRows, int[][] KindRows, int[][] SampleKindRows)
    {
        public static readonly TierTable Empty = new([], [], 0, [], [], [], []);

        /// <summary>Rows per tier, of one kind or of all.</summary>
        public int[] RowsOf(int? kind) => kind is { } k && k >= 0 && k < KindRows.Length ? KindRows[k] : Rows;

        /// <summary>Rows in the first <paramref name="blocks"/> sample blocks, of one kind or of all.</summary>
        public long SampleRowsOf(int? kind, int blocks) =>
            (kind is { } k && k >= 0 && k < SampleKindRows.Length ? SampleKindRows[k] : SampleRows).Take(blocks).Sum(r => (long)r);
    }

    /// <summary>Kinds counted per tier (a later kind beyond these is planned with the rows of all kinds).</summary>
    private const int Kinds = 16;

    private sealed class Columns(int capacity)
    {
        public byte[] Kind = new byte[capacity];
        public int[] Region = new int[capacity];
        public int[] District = new int[capacity];
        public int[] Category = new int[capacity];
        public byte[] Flags = new byte[capacity];
        public byte[] Price = new byte[capacity];
        public int[] Organization = new int[capacity];
        public short[] Quality = new short[capacity];
        public bool[] Known = new bool[capacity];
        public List<Guid> Organizations = [];
        public Dictionary<Guid, int> OrganizationIndex = [];

        public int Capacity => Known.Length;

        public Columns Grow(int needed)
        {
            var size = Math.Max(needed, Math.Max(1024, Capacity * 2));
            var c = new Columns(size) { Organizations = Organizations, OrganizationIndex = OrganizationIndex };
            Kind.CopyTo(c.Kind, 0);
            Region.CopyTo(c.Region, 0);
            District.CopyTo(c.District, 0);
            Category.CopyTo(c.Category, 0);
            Flags.CopyTo(c.Flags, 0);
            Price.CopyTo(c.Price, 0);
            Organization.CopyTo(c.Organization, 0);
            Quality.CopyTo(c.Quality, 0);
            Known.CopyTo(c.Known, 0);
            return c;
        }
    }

    public long Version => Interlocked.Read(ref _version);

    private long _synonymsStamp;

    /// <summary>The synonym table every row of the index was written with, as of the last sync (0: not known to be one).</summary>
    public long SynonymsStamp => Interlocked.Read(ref _synonymsStamp);

    private Dictionary<int, double> _kindShare = [];
    private Dictionary<int, double> _regionShare = [];
    private TierTable _tiers = TierTable.Empty;

    /// <summary>A search samples at most this many blocks (32,768 doc ids).</summary>
    public const int MaxSampleBlocks = 4;
    private long _computedAt;

    /// <summary>The tiers as of the last sync (rows removed from the index since the cache loaded them still count).</summary>
    public TierTable Tiers => Volatile.Read(ref _tiers);

    /// <summary>The share of indexed rows with this kind (0–1), as of the last sync: lets a search skip a filter token that would match most rows.</summary>
    public double ShareOfKind(int kind) => Volatile.Read(ref _kindShare).GetValueOrDefault(kind);

    public double ShareOfRegion(int region) => Volatile.Read(ref _regionShare).GetValueOrDefault(region);

    public void Dispose() => _loading.Dispose();

    /// <summary>Brings the cache up to the database's index version (a no-op read of two counters when nothing changed).</summary>
    public async Task SyncAsync(DbConnection connection, CancellationToken ct)
    {
        long current = 0;
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"SELECT name, value FROM platform_counters WHERE name IN ('{SearchIndexer.VersionCounter}', '{SearchIndexer.SynonymsCounter}')";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetString(0) == SearchIndexer.VersionCounter)
                {
                    current = reader.GetInt64(1);
                }
                else
                {
                    Interlocked.Exchange(ref _synonymsStamp, reader.GetInt64(1));
                }
            }
        }
        if (current <= Version)
        {
            return;
        }
        await _loading.WaitAsync(ct);
        try
        {
            var from = Version;
            if (current <= from)
            {
                return;
            }
            var loaded = await LoadAsync(connection, from < 0 ? "" : " WHERE version > " + from.ToString(CultureInfo.InvariantCulture), ct);
            // The shares and tiers only steer plans and estimates: a pass over every row (tens of ms at a million) is
            // worth it after a large change or once a minute, not after every save.
            if (from < 0 || loaded > Tiers.Total / 1000 || Environment.TickCount64 - _computedAt > 60_000)
            {
                ComputeStatistics();
                _computedAt = Environment.TickCount64;
            }
            // Rows written by saves up to `current` are committed (versions commit in order), so this is now complete.
            Interlocked.Exchange(ref _version, current);
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Reads the facet values of the <c>resource_search</c> rows matching <paramref name="where"/> (our own SQL, no user text) into the cache.</summary>
    public async Task<int> LoadAsync(DbConnection connection, string where, CancellationToken ct)
    {
        var count = 0;
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT doc_id, kind, region, district, category, flags, price_bucket, organization_id, quality FROM resource_search" + where;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Set(reader.GetInt32(0), new Row(reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6),
                backend.ReadGuid(reader, 7), reader.GetInt32(8)));
            count++;
        }
        return count;
    }

    /// <summary>Counts a row under <paramref name="key"/>: per kind, and in all in the last slot.</summary>
    private static void CountByKind<TKey>(IDictionary<TKey, int[]> counts, TKey key, byte kind)
        where TKey : notnull
    {
        if (!counts.TryGetValue(key, out var byKind))
        {
            counts[key] = byKind = new int[Kinds + 1];
        }
        if (kind < Kinds)
        {
            byKind[kind]++;
        }
        byKind[Kinds]++;
    }

    private void ComputeStatistics()
    {
        var c = Volatile.Read(ref _columns);
        var kinds = new Dictionary<int, double>();
        var regions = new Dictionary<int, double>();
        var tiers = new Dictionary<long, int[]>();
        var blockRows = new SortedDictionary<int, int[]>();
        var total = 0;
        for (var i = 0; i < c.Capacity; i++)
        {
            if (c.Known[i])
            {
                total++;
                kinds[c.Kind[i]] = kinds.GetValueOrDefault(c.Kind[i]) + 1;
                regions[c.Region[i]] = regions.GetValueOrDefault(c.Region[i]) + 1;
                var tier = SearchEntry.TierOf(SearchEntry.KeyOf(c.Quality[i], i));
                CountByKind(tiers, tier, c.Kind[i]);
                CountByKind(blockRows, SearchEntry.SampleBlockOf(i), c.Kind[i]);
            }
        }
        var ids = tiers.Keys.Order().ToArray();
        // The blocks holding the docs at 5/8, 1/8, 3/8 and 7/8 of the rows (the first alone answers most searches): spread
        // over the whole index rather than side by side, so a stretch of records indexed together (one organisation's
        // import, one generator run) weighs no more in the estimate than elsewhere. Measured at 1M rows: contiguous blocks
        // around the median overestimated every mid-sized result (+1 to +32 %, docs/search-design.md).
        var samples = new List<int>();
        foreach (var quantile in new[] { 5, 1, 3, 7 })
        {
            var seen = 0;
            foreach (var (block, rows) in blockRows)
            {
                seen += rows[Kinds];
                if (seen * 8L >= (long)total * quantile)
                {
                    if (!samples.Contains(block))
                    {
                        samples.Add(block);
                    }
                    break;
                }
            }
        }
        foreach (var block in blockRows.Keys.Where(b => !samples.Contains(b)).Take(Math.Max(0, Math.Min(MaxSampleBlocks, blockRows.Count) - samples.Count)))
        {
            samples.Add(block);
        }
        var samplesArray = samples.Take(MaxSampleBlocks).ToArray();

        Volatile.Write(ref _tiers, new TierTable(ids, ids.Select(t => tiers[t][Kinds]).ToArray(), total, samplesArray, samplesArray.Select(b => blockRows[b][Kinds]).ToArray(),
            Enumerable.Range(0, Kinds).Select(k => ids.Select(t => tiers[t][k]).ToArray()).ToArray(),
            Enumerable.Range(0, Kinds).Select(k => samplesArray.Select(b => blockRows[b][k]).ToArray()).ToArray()));
        foreach (var k in kinds.Keys.ToList())
        {
            kinds[k] /= Math.Max(total, 1);
        }
        foreach (var r in regions.Keys.ToList())
        {
            regions[r] /= Math.Max(total, 1);
        }
        Volatile.Write(ref _kindShare, kinds);
        Volatile.Write(ref _regionShare, regions);
    }

    /// <summary>The values of a doc id, or false when the cache has not seen it (written after the last sync).</summary>
    public bool TryGet(int docId, out Row row)
    {
        var c = Volatile.Read(ref _columns);
        if ((uint)docId >= (uint)c.Capacity || !c.Known[docId])
        {
            row = default;
            return false;
        }
        row = new Row(c.Kind[docId], c.Region[docId], c.District[docId], c.Category[docId], c.Flags[docId], c.Price[docId], c.Organizations[c.Organization[docId]], c.Quality[docId]);
        return true;
    }

    public void Set(int docId, Row row)
    {
        lock (_gate)
        {
            var c = _columns;
            if (docId >= c.Capacity)
            {
                c = c.Grow(docId + 1);
            }
            if (!c.OrganizationIndex.TryGetValue(row.Organization, out var org))
            {
                org = c.Organizations.Count;
                c.Organizations.Add(row.Organization);
                c.OrganizationIndex[row.Organization] = org;
            }
            c.Kind[docId] = (byte)row.Kind;
            c.Region[docId] = row.Region;
            c.District[docId] = row.District;
            c.Category[docId] = row.Category;
            c.Flags[docId] = (byte)row.Flags;
            c.Price[docId] = (byte)row.Price;
            c.Organization[docId] = org;
            c.Quality[docId] = (short)row.Quality;
            c.Known[docId] = true;
            Volatile.Write(ref _columns, c);
        }
    }
}

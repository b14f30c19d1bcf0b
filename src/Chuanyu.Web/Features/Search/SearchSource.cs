using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// A record as the index holds it, as the feature that owns the record describes it: the facet values, the static
/// quality, and the raw text it is found by (<see cref="Title"/> weighs more). Search analyses the text, makes the
/// filter tokens and keys, and writes the row (<see cref="SearchIndexer.Build"/>).
/// </summary>
public sealed record SearchDocument
{
    public required Guid Id { get; init; }
    public required Guid OrganizationId { get; init; }

    /// <summary>The record's type (<see cref="SearchType.Code"/>): a resource kind, an organisation, ….</summary>
    public required int Kind { get; init; }

    /// <summary>GB/T 2260 codes of the region and the district.</summary>
    public required string RegionCode { get; init; }
    public required string DistrictCode { get; init; }

    /// <summary>The level-1 class as a number (010000 → 10000); 0 when none.</summary>
    public int Category { get; init; }
    public SearchMarks Flags { get; init; }

    /// <summary>The cheapest fee, for the price facet; null when there is none.</summary>
    public long? MinPriceFen { get; init; }

    /// <summary>0–<see cref="SearchIndexer.MaxQuality"/>: the order in which matches leave the index.</summary>
    public int Quality { get; init; }
    public string Title { get; init; } = "";
    public string Body { get; init; } = "";

    /// <summary>
    /// The owner's own filter values (lower-case Latin letters and digits, e.g. <c>trl6</c>): indexed as
    /// <see cref="FilterTokens.Mark"/> tokens, so an internal query can ask the index for records holding one of a set
    /// (<see cref="SearchService.MatchingIdsAsync"/>'s <c>marks</c>) instead of filtering after the text. Not shown anywhere.
    /// </summary>
    public IReadOnlyList<string> Marks { get; init; } = [];
}

/// <summary>
/// A type of record the search finds, as its source registers it: the name the API and the page use (<c>type=</c>),
/// the code the index holds (0–63, unique across sources: resource kinds 0–9, organisations 20; experts, research results,
/// demands, challenges and policies take theirs when their features land), the label (a message key) and the page that
/// shows one record (its route takes <c>id</c>).
/// </summary>
public sealed record SearchType(string Name, int Code, string LabelKey, string Page)
{
    /// <summary>Codes are bits of a filter mask.</summary>
    public const int MaxCode = 63;
}

/// <summary>What a hit shows of its record, as its source reads it for the page of hits (public fields only).</summary>
public sealed record SearchRecordView(
    Guid Id, int Code, string Title, string? Model, string? Summary, string RegionCode, string DistrictCode, Guid OrganizationId,
    string OrganizationName, bool IsLargeInstrument = false);

/// <summary>What the pending changes of one save do to the index, as the sources note them (<see cref="ISearchSource.Collect"/>).</summary>
public sealed class SearchChanges
{
    /// <summary>Documents to build again (or to remove, when their record is no longer searchable).</summary>
    public HashSet<Guid> Affected { get; } = [];

    /// <summary>Affected documents whose records are being added: they have no row yet.</summary>
    public HashSet<Guid> Added { get; } = [];

    /// <summary>Documents whose records are being deleted.</summary>
    public HashSet<Guid> Deleted { get; } = [];

    /// <summary>Organisations all of whose documents change (their name is indexed with every one).</summary>
    public HashSet<Guid> Owners { get; } = [];

    public bool Any => Affected.Count > 0 || Deleted.Count > 0 || Owners.Count > 0;
}

/// <summary>
/// A feature whose records are found by the search: it says which pending changes touch the index, what a record's
/// document is, and which set-based writes would leave the index stale. Search's interceptor and bypass guard work on
/// this interface and name no other feature's entity; the owning feature implements it and registers it with
/// <see cref="SearchSources.AddSearchSource{T}"/> (Catalog, for its resources). A source is a singleton and holds no
/// state: it is given the context being saved.
/// </summary>
public interface ISearchSource
{
    /// <summary>The types of record this source's documents are (their <see cref="SearchDocument.Kind"/> codes).</summary>
    IReadOnlyList<SearchType> Types { get; }

    /// <summary>
    /// Searchable records that have no row in the index (<paramref name="indexed"/>: the ids it holds), at most
    /// <paramref name="limit"/>: a type added to an existing database is indexed at start-up.
    /// </summary>
    Task<IReadOnlyList<Guid>> MissingAsync(AppDbContext db, IQueryable<Guid> indexed, int limit, CancellationToken ct);

    /// <summary>What the hits of these records show (records that are gone or not this source's are left out).</summary>
    Task<IReadOnlyList<SearchRecordView>> ViewsAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct);

    /// <summary>Notes what one pending change (an entry of the change tracker) does to the index; most entries do nothing.</summary>
    void Collect(EntityEntry entry, SearchChanges changes);

    /// <summary>
    /// The documents of the records with these ids as the pending save will leave them (tracked changes included).
    /// Records that are not searchable (drafts, retired), and ids that are not this source's, are left out.
    /// </summary>
    Task<IReadOnlyList<SearchDocument>> DocumentsAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct);

    /// <summary>
    /// Whether a set-based write (<c>ExecuteUpdate</c>, or <c>ExecuteDelete</c> when <paramref name="deleting"/>) of
    /// <paramref name="entity"/> setting <paramref name="members"/> (none known: all of them) changes what documents hold.
    /// </summary>
    bool WouldStale(Type entity, bool deleting, IReadOnlySet<string> members);
}

/// <summary>Every registered type, by name (case-insensitive) and by code; a singleton built from the sources.</summary>
public sealed class SearchTypes
{
    private readonly Dictionary<string, SearchType> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, (SearchType Type, ISearchSource Source)> _byCode = [];

    public SearchTypes(IEnumerable<ISearchSource> sources)
    {
        foreach (var source in sources)
        {
            foreach (var type in source.Types)
            {
                if (type.Code is < 0 or > SearchType.MaxCode || !_byCode.TryAdd(type.Code, (type, source)) || !_byName.TryAdd(type.Name, type))
                {
                    throw new InvalidOperationException($"Search type {type.Name} ({type.Code}) is out of range or registered twice.");
                }
            }
        }
        All = [.. _byCode.Values.Select(v => v.Type).OrderBy(t => t.Code)];
    }

    /// <summary>In code order (the catalogue's kinds first).</summary>
    public IReadOnlyList<SearchType> All { get; }

    public SearchType? Find(string name) => _byName.GetValueOrDefault(name);

    public SearchType? Of(int code) => _byCode.TryGetValue(code, out var t) ? t.Type : null;

    public ISearchSource? SourceOf(int code) => _byCode.TryGetValue(code, out var t) ? t.Source : null;
}

public static class SearchSources
{
    /// <summary>Makes a feature's records searchable: the index follows every save of them (<see cref="SearchIndexInterceptor"/>).</summary>
    public static IServiceCollection AddSearchSource<T>(this IServiceCollection services) where T : class, ISearchSource
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISearchSource, T>());
        return services;
    }
}

/// <summary>
/// What a named restriction allows for the caller: records of these organisations, of these types (a mask of
/// <see cref="SearchType.Code"/> bits). Empty sets allow nothing.
/// </summary>
public sealed record SearchRestriction(IReadOnlySet<Guid> Organizations, long Types);

/// <summary>
/// A restriction a feature offers the search for the signed-in caller, chosen by name with <c>only=</c> (Vouchers:
/// <c>my-vouchers</c>, the providers that accept a voucher the caller's organisation holds). Search names no feature:
/// it asks the registered sources and applies the answer per match from the facet cache. Registered scoped, since
/// the answer depends on who asks.
/// </summary>
public interface ISearchFilterSource
{
    /// <summary>The value of <c>only=</c> (lower case, stable: clients keep it in links).</summary>
    string Name { get; }

    /// <summary>The label of the check box on the search page (a key of the shared resources).</summary>
    string LabelKey { get; }

    /// <summary>What the page says when the restriction allows nothing (a message key), e.g. "you hold no usable voucher".</summary>
    string EmptyKey { get; }

    Task<SearchRestriction> RestrictionAsync(CancellationToken ct);
}

using System.Linq.Expressions;
using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// How the search index stays current: every EF save of <see cref="AppDbContext"/> first stages the search rows of the
/// changes it carries that the search sources (<see cref="ISearchSource"/>: the catalogue's resources) say touch the
/// index (<see cref="SearchIndexer.StageAsync"/>), so they are written by the same save, in the same transaction.
/// Registered by <c>AddSearch</c> as an <see cref="IInterceptor"/>; the data layer adds every interceptor it finds in
/// DI to the context's options and names no feature, and this one names no other feature's entity.
/// <para>Staging reads the database (existing rows, the doc-id and version counters), so it is asynchronous. A
/// synchronous <c>SaveChanges</c> carrying catalogue changes is refused rather than blocking a thread on async work:
/// no caller does it (the one synchronous save, the Data Protection key store, never touches the catalogue).</para>
/// </summary>
public sealed class SearchIndexInterceptor(IEnumerable<ISearchSource> sources) : SaveChangesInterceptor
{
    private readonly ISearchSource[] _sources = [.. sources];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext db)
        {
            await SearchIndexer.StageAsync(db, _sources, cancellationToken);
        }
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is AppDbContext db && SearchIndexer.HasIndexedChanges(db, _sources))
        {
            throw new InvalidOperationException(
                "Resources, their fees and certifications, and organisation names are saved with SaveChangesAsync: the search index is "
                + "brought in step by the same save, which needs the database, and a synchronous save would have to block on it.");
        }
        return result;
    }
}

/// <summary>
/// The other half of keeping the index current: set-based writes (<c>ExecuteUpdate</c>/<c>ExecuteDelete</c>) bypass
/// <c>SaveChanges</c>, so one that would change what the index holds — as the search sources say
/// (<see cref="ISearchSource.WouldStale"/>: for the catalogue a resource's indexed values, its fees or certifications, an
/// organisation's name) — is refused when EF compiles it, with a message saying what to do instead (load and save the
/// entities, or write the search rows in the same transaction as the <c>seed</c> command does). Taking a resource row's
/// lock by setting its version to itself (photo uploads) changes nothing indexed and passes. Raw SQL cannot be seen
/// here; docs/search-design.md lists the raw writes there are and how each keeps the index current.
/// <para>The sources are the host's (<see cref="ISearchSource"/> singletons), found through the compiling context's
/// application service provider: the guard itself is one instance for every host (see <see cref="Instance"/>).</para>
/// </summary>
public sealed class SearchIndexBypassGuard : IQueryExpressionInterceptor
{
    /// <summary>
    /// The one instance (it holds no state): EF keys its internal service providers on the query-expression interceptors
    /// by instance, so a new one per host would build a new provider per host (and EF refuses more than twenty).
    /// </summary>
    public static readonly SearchIndexBypassGuard Instance = new();

    private SearchIndexBypassGuard()
    {
    }

    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData)
    {
        if (queryExpression is not MethodCallExpression { Method: { IsGenericMethod: true, Name: "ExecuteUpdate" or "ExecuteDelete" } method } call
            || method.DeclaringType?.Namespace != "Microsoft.EntityFrameworkCore")
        {
            return queryExpression;
        }
        var entity = method.GetGenericArguments()[0];
        var sources = SourcesOf(eventData.Context);
        if (sources.Count == 0)
        {
            return queryExpression;
        }
        var delete = method.Name == "ExecuteDelete";
        // Setters whose members cannot be seen (an empty set) count as touching everything.
        var members = delete ? new HashSet<string>(StringComparer.Ordinal) : MembersSet(call.Arguments[1], entity);
        if (sources.Any(s => s.WouldStale(entity, delete, members)))
        {
            throw new InvalidOperationException(
                $"{method.Name} on {entity.Name}{(members.Count == 0 ? "" : " (" + string.Join(", ", members.Order(StringComparer.Ordinal)) + ")")} would leave the search "
                + "index stale: it bypasses SaveChanges, which keeps the index current. Load and save the entities, or write their search rows "
                + "(SearchIndexer.Build) in the same transaction as the seed command does.");
        }
        return queryExpression;
    }

    /// <summary>The search sources of the host whose context compiles the query (none for a context built without one).</summary>
    private static List<ISearchSource> SourcesOf(DbContext? context) =>
        context?.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService<IEnumerable<ISearchSource>>()?.ToList()
        ?? [];

    /// <summary>The entity's members named anywhere in the setters (property selectors and values alike: a conservative superset).</summary>
    private static HashSet<string> MembersSet(Expression setters, Type entity)
    {
        var finder = new MemberFinder(entity);
        finder.Visit(setters);
        return finder.Members;
    }

    private sealed class MemberFinder(Type entity) : ExpressionVisitor
    {
        public HashSet<string> Members { get; } = new(StringComparer.Ordinal);

        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Expression is ParameterExpression p && p.Type == entity)
            {
                Members.Add(node.Member.Name);
            }
            return base.VisitMember(node);
        }

        // A setter's lambdas may be held as constants of the setters array.
        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is Expression inner)
            {
                Visit(inner);
            }
            return base.VisitConstant(node);
        }
    }
}

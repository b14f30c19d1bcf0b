using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// How the search index stays current: every EF save of <see cref="AppDbContext"/> first stages the search rows of the
/// catalogue changes it carries (<see cref="SearchIndexer.StageAsync"/>), so they are written by the same save, in the
/// same transaction. Registered by <c>AddSearch</c> as an <see cref="IInterceptor"/>; the data layer adds every
/// interceptor it finds in DI to the context's options and names no feature.
/// <para>Staging reads the database (existing rows, the doc-id and version counters), so it is asynchronous. A
/// synchronous <c>SaveChanges</c> carrying catalogue changes is refused rather than blocking a thread on async work:
/// no caller does it (the one synchronous save, the Data Protection key store, never touches the catalogue).</para>
/// </summary>
public sealed class SearchIndexInterceptor : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext db)
        {
            await SearchIndexer.StageAsync(db, cancellationToken);
        }
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is AppDbContext db && SearchIndexer.HasIndexedChanges(db))
        {
            throw new InvalidOperationException(
                "Resources, their fees and certifications, and organisation names are saved with SaveChangesAsync: the search index is "
                + "brought in step by the same save, which needs the database, and a synchronous save would have to block on it.");
        }
        return result;
    }
}

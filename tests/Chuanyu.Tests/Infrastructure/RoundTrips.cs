using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// What one request of a host asks of its database, step by step: every command EF runs (its SQL) and every transaction
/// begun, committed or rolled back. Attached to a host as an EF interceptor and a middleware in front of its pipeline,
/// which marks the request's own work (an async-local list), so the host's background jobs do not count; the once-a-second
/// reads the request itself pays (the session version, the settings) do, when they are due.
/// </summary>
/// <remarks>
/// On PostgreSQL each command and the COMMIT is one network round trip; Npgsql sends BEGIN with the transaction's first
/// command, so it costs none of its own. On SQLite every step is a call into the engine in the same process (BEGIN
/// IMMEDIATE takes the write lock).
/// </remarks>
public sealed class RoundTrips : IDbCommandInterceptor, IDbTransactionInterceptor
{
    public const string Begin = "BEGIN";
    public const string Commit = "COMMIT";
    public const string Rollback = "ROLLBACK";

    private readonly AsyncLocal<ConcurrentQueue<string>?> _current = new();
    private readonly ConcurrentQueue<Request> _requests = new();

    /// <summary>One request: its method, path and status, and the steps it ran in order.</summary>
    public sealed record Request(string Method, string Path, int Status, IReadOnlyList<string> Steps)
    {
        /// <summary>The steps that cross to PostgreSQL's server: all but BEGIN, which travels with the next command.</summary>
        public int NetworkRoundTrips => Steps.Count(s => s != Begin);

        public override string ToString() =>
            $"{Method} {Path} → {Status}, {Steps.Count} steps:\n" + string.Join("\n", Steps.Select((s, i) => $"  {i + 1}. {s}"));
    }

    public IReadOnlyCollection<Request> Requests => _requests;

    public void Clear() => _requests.Clear();

    /// <summary>The one request to <paramref name="path"/> with <paramref name="method"/> since the last <see cref="Clear"/>.</summary>
    public Request Of(string method, string path) =>
        _requests.Single(r => r.Method == method && string.Equals(r.Path, path, StringComparison.OrdinalIgnoreCase));

    /// <summary>The host of <paramref name="factory"/> with this recorder attached.</summary>
    public WebApplicationFactory<Program> Attach(WebApplicationFactory<Program> factory) =>
        factory.WithWebHostBuilder(b => b.ConfigureServices(s =>
        {
            s.AddSingleton<IInterceptor>(this);
            s.AddSingleton<IStartupFilter>(new Recorder(this));
        }));

    private void Record(string step) => _current.Value?.Enqueue(step);

    private static string Sql(DbCommand command) => command.CommandText.ReplaceLineEndings(" ").Trim();

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(Sql(command));
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(Sql(command));
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Record(Sql(command));
        return result;
    }

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(Sql(command));
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Record(Sql(command));
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(Sql(command));
        return ValueTask.FromResult(result);
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Record(Begin);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default)
    {
        Record(Begin);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Record(Commit);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Record(Commit);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Record(Rollback);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Record(Rollback);
        return Task.CompletedTask;
    }

    /// <summary>First in the pipeline: every request gets its own list of steps, kept when it ends.</summary>
    private sealed class Recorder(RoundTrips owner) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext context, RequestDelegate rest) =>
            {
                var steps = new ConcurrentQueue<string>();
                owner._current.Value = steps;
                try
                {
                    await rest(context);
                }
                finally
                {
                    owner._current.Value = null;
                    owner._requests.Enqueue(new Request(context.Request.Method, context.Request.Path, context.Response.StatusCode, [.. steps]));
                }
            });
            next(app);
        };
    }
}

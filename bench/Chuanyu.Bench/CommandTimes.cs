using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Chuanyu.Bench;

/// <summary>
/// Where an operation's time goes in the database: EF Core's diagnostic events (commands, transactions, savepoints,
/// connection opens) timed per kind ("INSERT review_draws", "SELECT experts", "TransactionCommitted") while a
/// <see cref="Scope"/> is open on the same async flow. A query's time is EF's: until its reader is open (the first rows);
/// reading the rest of a large result, while the server still produces it, falls into what is left of the operation's time.
/// </summary>
internal sealed partial class CommandTimes : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private static readonly AsyncLocal<Dictionary<string, (int Count, double Ms)>?> Current = new();
    private static readonly AsyncLocal<long> PendingSince = new();
    private static readonly List<IDisposable> Subscriptions = [];
    private static int listening;

    /// <summary>Subscribes once per process to EF Core's listener.</summary>
    public static void Listen()
    {
        if (Interlocked.Exchange(ref listening, 1) == 0)
        {
            Subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(new CommandTimes()));
        }
    }

    /// <summary>Collects the times of the commands run on this async flow until disposed.</summary>
    public static Scope Start()
    {
        Listen();
        var times = new Dictionary<string, (int Count, double Ms)>(StringComparer.Ordinal);
        Current.Value = times;
        return new Scope(times);
    }

    public sealed class Scope(Dictionary<string, (int Count, double Ms)> times) : IDisposable
    {
        public IReadOnlyDictionary<string, (int Count, double Ms)> Times => times;

        public double TotalMs => times.Values.Sum(t => t.Ms);

        public void Dispose() => Current.Value = null;
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (Subscriptions)
            {
                Subscriptions.Add(listener.Subscribe(this));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        if (Current.Value is not { } times)
        {
            return;
        }
        var name = e.Key[(e.Key.LastIndexOf('.') + 1)..];
        switch (e.Value)
        {
            case CommandExecutedEventData c:
                Add(times, Label(c.Command.CommandText), c.Duration.TotalMilliseconds);
                break;
            case CommandErrorEventData c:
                Add(times, "failed " + Label(c.Command.CommandText), c.Duration.TotalMilliseconds);
                break;
            case TransactionEndEventData t:
                Add(times, name, t.Duration.TotalMilliseconds);
                break;
            case ConnectionEndEventData c when name == "ConnectionOpened":
                Add(times, name, c.Duration.TotalMilliseconds);
                break;
            // Savepoints go through DbTransaction.Save/Release, not through a command: timed between EF's two events.
            case TransactionEventData when name is "CreatingTransactionSavepoint" or "ReleasingTransactionSavepoint":
                PendingSince.Value = Stopwatch.GetTimestamp();
                break;
            case TransactionEventData when name is "CreatedTransactionSavepoint" or "ReleasedTransactionSavepoint":
                Add(times, name.StartsWith("Created", StringComparison.Ordinal) ? "SAVEPOINT" : "RELEASE SAVEPOINT",
                    Stopwatch.GetElapsedTime(PendingSince.Value).TotalMilliseconds);
                break;
        }
    }

    private static void Add(Dictionary<string, (int Count, double Ms)> times, string label, double ms)
    {
        times.TryGetValue(label, out var t);
        times[label] = (t.Count + 1, t.Ms + ms);
    }

    /// <summary>The statement's verb and first table: "SELECT experts", "INSERT review_seats".</summary>
    internal static string Label(string sql)
    {
        var text = sql.TrimStart();
        var verb = Verb().Match(text);
        var table = Table().Match(text);
        var head = verb.Success ? verb.Value.ToUpperInvariant() : "?";
        return table.Success ? $"{head} {table.Groups[1].Value.Trim('"')}" : head;
    }

    [GeneratedRegex(@"^[A-Za-z_]+")]
    private static partial Regex Verb();

    [GeneratedRegex(@"\b(?:FROM|INTO|UPDATE)\s+(""?[A-Za-z_][A-Za-z0-9_]*""?)", RegexOptions.IgnoreCase)]
    private static partial Regex Table();

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}

using System.Reflection;
using System.Text;
using Chuanyu.Web.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// The demo database built once and copied for each test host (tests/Chuanyu.Tests/README.md): a plain
/// <see cref="ChuanyuFactory"/> host migrates and seeds it, stops, and every later host whose configuration and
/// services are exactly that host's (its <see cref="Fingerprint"/>) starts on a copy, where the migrations, the
/// preparations and the demo seed find their work done. A host configured otherwise (another clock, environment,
/// setting, logger or service) gets an empty database and prepares it itself, as before. The template is rebuilt
/// when it is older than <see cref="MaxAge"/> or from another day in China, so data seeded relative to "now" is no
/// older than a test class's own host can be.
/// </summary>
internal static class SeededTemplate
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private static readonly Lock Gate = new();
    private static TestDatabase? _database;
    private static string? _fingerprint;
    private static DateTimeOffset _builtAt;
    private static bool _exitHooked;

    /// <summary>Builds the template unless a fresh one exists. Called before a host builds, never inside a build.</summary>
    public static void EnsureFresh()
    {
        lock (Gate)
        {
            var now = DateTimeOffset.UtcNow;
            if (_database is not null && now - _builtAt < MaxAge && Day(now) == Day(_builtAt))
            {
                return;
            }
            var watch = System.Diagnostics.Stopwatch.StartNew();
            _database?.Dispose();
            _database = null;
            _fingerprint = null;
            var database = new TestDatabase(createNow: false, prefix: "chuanyu_tpl_");
            try
            {
                using (var factory = ChuanyuFactory.ForTemplate(database))
                {
                    _ = factory.Services;
                }
                database.Freeze();
            }
            catch
            {
                database.Dispose();
                throw;
            }
            if (_fingerprint is null)
            {
                database.Dispose();
                throw new InvalidOperationException("The template host did not report its configuration.");
            }
            _database = database;
            _builtAt = now;
            if (!_exitHooked)
            {
                _exitHooked = true;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Drop();
            }
            HostTimings.Write($"template built in {watch.Elapsed.TotalSeconds:0.000} s");
        }
    }

    /// <summary>
    /// The template host's fingerprint, reported while it builds: on the host's own thread while <see cref="EnsureFresh"/>
    /// holds the lock and waits for it, so without the lock (the wait orders the write before the read).
    /// </summary>
    public static void Record(string fingerprint) => Volatile.Write(ref _fingerprint, fingerprint);

    /// <summary>Makes <paramref name="target"/> a copy of the template when <paramref name="fingerprint"/> is the template's; false otherwise.</summary>
    public static bool TryCopyTo(TestDatabase target, string fingerprint)
    {
        lock (Gate)
        {
            if (_database is null || _fingerprint != fingerprint)
            {
                if (_fingerprint is not null)
                {
                    HostTimings.Write($"host not from the template: {FirstDifference(_fingerprint, fingerprint)}");
                }
                return false;
            }
            var watch = System.Diagnostics.Stopwatch.StartNew();
            target.CopyFrom(_database);
            HostTimings.Write($"copied the template in {watch.Elapsed.TotalSeconds:0.000} s");
            return true;
        }
    }

    /// <summary>
    /// What a host is, as far as its database's content can depend on it: its environment, every configuration value
    /// but the connection strings, and every service registration (type, lifetime, implementation).
    /// </summary>
    public static string Fingerprint(HostBuilderContext context, IServiceCollection services)
    {
        var text = new StringBuilder();
        text.Append(context.HostingEnvironment.EnvironmentName).Append('\n');
        foreach (var (key, value) in context.Configuration.AsEnumerable().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase))
            {
                text.Append(key).Append('=').Append(value).Append('\n');
            }
        }
        foreach (var d in services)
        {
            object? implementation = d.IsKeyedService
                ? d.KeyedImplementationType ?? d.KeyedImplementationInstance?.GetType() ?? (object?)d.KeyedImplementationFactory?.Method
                : d.ImplementationType ?? d.ImplementationInstance?.GetType() ?? (object?)d.ImplementationFactory?.Method;
            var name = implementation switch
            {
                Type t => t.FullName,
                MethodInfo m => m.DeclaringType?.FullName + "::" + m.Name,
                _ => "?",
            };
            text.Append(d.ServiceType.FullName).Append('|').Append(d.ServiceKey).Append('|').Append(d.Lifetime).Append('|').Append(name).Append('\n');
        }
        return text.ToString();
    }

    private static DateOnly Day(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Display.ChinaStandardTime).DateTime);

    private static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return $"line {i}: '{a[i]}' / '{b[i]}'";
            }
        }
        return $"{a.Length} / {b.Length} lines";
    }

    private static void Drop()
    {
        lock (Gate)
        {
            _database?.Dispose();
            _database = null;
        }
    }
}

using System.Reflection;
using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;
using NetArchTest.Rules;
using Xunit.Abstractions;

namespace Chuanyu.Tests.Architecture;

/// <summary>
/// The direction of dependencies (docs/architecture.md): Data and Infrastructure do not reference Features, and no
/// feature uses another feature's entities (its tables) — it asks that feature's public services. What breaks a rule
/// today is listed in <c>Architecture/known-violations.txt</c>, the debt to pay down: a type that breaks a rule and is
/// not listed fails the test, and so does a listed one that no longer breaks it (take its line out). To see the
/// current list, run the tests with <c>CHUANYU_PRINT_ARCHITECTURE=1</c> and read the test output.
/// </summary>
public sealed class DependencyRulesTests(ITestOutputHelper output)
{
    private const string Root = "Chuanyu.Web";
    private static readonly Assembly Web = typeof(AppDbContext).Assembly;

    /// <summary>Entity types by owning feature: the targets of the EF configurations and of the context's sets.</summary>
    private static Dictionary<string, List<Type>> EntitiesByFeature()
    {
        var configured = Web.GetTypes()
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEntityTypeConfiguration<>))
            .Select(i => i.GetGenericArguments()[0]);
        var sets = typeof(AppDbContext).GetProperties()
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(DbSet<>))
            .Select(p => p.PropertyType.GetGenericArguments()[0]);
        return configured.Concat(sets).Distinct()
            .Where(t => FeatureOf(t) is not null)
            .GroupBy(t => FeatureOf(t)!)
            .ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>Folders that are pages of the Accounts feature, split by who uses them (docs/architecture.md).</summary>
    private static readonly Dictionary<string, string> PartOf = new(StringComparer.Ordinal)
    {
        ["Organizations"] = "Accounts",
        ["UserCentre"] = "Accounts",
        ["Admin"] = "Accounts",
    };

    private static string? FolderOf(Type t) =>
        t.Namespace is { } ns && ns.StartsWith(Root + ".Features.", StringComparison.Ordinal) ? ns[(Root.Length + ".Features.".Length)..].Split('.')[0] : null;

    private static string? FeatureOf(Type t) => FolderOf(t) is { } folder ? PartOf.GetValueOrDefault(folder, folder) : null;

    private static IEnumerable<string> Features() =>
        Web.GetTypes().Select(FeatureOf).Where(f => f is not null).Select(f => f!).Distinct();

    private static string[] NamespacesOf(string feature) =>
        [.. PartOf.Where(p => p.Value == feature).Select(p => $"{Root}.Features.{p.Key}").Append($"{Root}.Features.{feature}")];

    /// <summary>Every rule broken today, one line per type: "rule: type".</summary>
    private static SortedSet<string> Violations()
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        void Add(string rule, TestResult result)
        {
            foreach (var type in result.FailingTypeNames ?? [])
            {
                // Compiler-generated nested types (closures, async state machines) count as their declaring type.
                var name = type.Split('+')[0].Split('/')[0];
                lines.Add($"{rule}: {name}");
            }
        }
        foreach (var layer in new[] { "Data", "Infrastructure" })
        {
            Add($"{layer} does not reference Features", Types.InAssembly(Web).That().ResideInNamespace($"{Root}.{layer}")
                .ShouldNot().HaveDependencyOn($"{Root}.Features").GetResult());
        }
        var entities = EntitiesByFeature();
        foreach (var feature in Features())
        {
            var others = entities.Where(e => e.Key != feature).SelectMany(e => e.Value).Select(t => t.FullName!).ToArray();
            if (others.Length == 0)
            {
                continue;
            }
            // EF configurations may name another feature's entity for a foreign key: a constraint, not a read.
            var namespaces = NamespacesOf(feature);
            Add($"{feature} uses no other feature's entities", Types.InAssembly(Web)
                .That().MeetCustomRule(new InNamespaces(namespaces)).And().DoNotImplementInterface(typeof(IEntityTypeConfiguration<>))
                .ShouldNot().HaveDependencyOnAny(others).GetResult());
        }
        return lines;
    }

    /// <summary>Types of any of the namespaces (a feature and the folders that belong to it).</summary>
    private sealed class InNamespaces(string[] namespaces) : ICustomRule
    {
        public bool MeetsRule(Mono.Cecil.TypeDefinition type) =>
            namespaces.Any(ns => type.Namespace == ns || type.Namespace.StartsWith(ns + ".", StringComparison.Ordinal)
                || (type.IsNested && type.DeclaringType is { } outer && MeetsRule(outer)));
    }

    private static SortedSet<string> Known()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Architecture", "known-violations.txt");
        return new SortedSet<string>(File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')), StringComparer.Ordinal);
    }

    [Fact]
    public void NoNewDependencyAgainstTheDirection_AndThePaidDebtIsStruckOff()
    {
        var now = Violations();
        if (Environment.GetEnvironmentVariable("CHUANYU_PRINT_ARCHITECTURE") == "1")
        {
            output.WriteLine(string.Join('\n', now));
        }
        var known = Known();
        var added = now.Except(known).ToList();
        var paid = known.Except(now).ToList();
        Assert.True(added.Count == 0,
            "a dependency against the direction (use the owning feature's public service, or the kernel in Infrastructure):\n" + string.Join('\n', added));
        Assert.True(paid.Count == 0, "no longer broken — take these lines out of Architecture/known-violations.txt:\n" + string.Join('\n', paid));
    }

    [Fact]
    public void TheRulesSeeDependencies_SoAnEmptyListMeansSomething()
    {
        // The checker finds a dependency that certainly exists (a Booking type on Catalog's public read contract), so a
        // clean result is not an artefact of an analysis that sees nothing.
        var result = Types.InAssembly(Web).That().ResideInNamespace($"{Root}.Features.Booking")
            .ShouldNot().HaveDependencyOn(typeof(Chuanyu.Web.Features.Catalog.CatalogDirectory).FullName!).GetResult();
        Assert.False(result.IsSuccessful);
        Assert.Contains("Catalog", string.Join(' ', EntitiesByFeature().Keys), StringComparison.Ordinal);
    }
}

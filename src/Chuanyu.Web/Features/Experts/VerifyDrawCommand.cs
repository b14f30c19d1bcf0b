using System.Text.Json;
using Chuanyu.Matching.Draws;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// <c>verify-draw FILE.json</c>: recomputes a published draw record (docs/expert-draws.md) and prints every check;
/// exit 0 intact, 1 broken, 2 usage error (no file, unreadable, not a record). It needs no database: the record holds
/// everything, so an auditor can run it on a copy.
/// </summary>
internal sealed class VerifyDrawCommand : IPlatformCommand
{
    private const string Usage = "usage: verify-draw <record.json>";

    public string Name => "verify-draw";

    public Task<int> RunAsync(PlatformCommandContext context, string[] args)
    {
        // args[0] is the command's name. "--activity ID" (the record of an activity's draw, read from the database) goes here.
        if (args.Length != 2 || args[1].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine(Usage);
            return Task.FromResult(2);
        }
        DrawRecord record;
        try
        {
            record = DrawRecord.FromJson(File.ReadAllText(args[1]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            Console.Error.WriteLine($"{args[1]}: not a readable draw record ({e.Message}).");
            Console.Error.WriteLine(Usage);
            return Task.FromResult(2);
        }
        return Task.FromResult(Print(record, DrawVerifier.Verify(record, HashById)));
    }

    /// <summary>The platform's hash suite by the id a record names: SM3 (国密) or SHA-256.</summary>
    internal static DrawHash? HashById(string id) =>
        id is Hashes.Sha256 or Hashes.Sm3 ? new DrawHash(id, bytes => Hashes.Hash(id, bytes)) : null;

    private static int Print(DrawRecord record, DrawVerification result)
    {
        Console.WriteLine($"Draw record: algorithm version {record.Version}, hash {record.Hash}, {record.Candidates?.Count ?? 0} candidates, "
            + $"panel of {record.Spec?.PanelSize} with {record.Spec?.Alternates} alternates.");
        foreach (var check in result.Checks)
        {
            Console.WriteLine($"  {(check.Passed ? "ok  " : "FAIL")}  {Label(check.Kind)}{(check.Reason is null ? "" : ": " + check.Reason)}");
        }
        if (result.Intact)
        {
            Console.WriteLine($"Draw intact. Panel: {string.Join(' ', record.Panel)}. Alternates: {string.Join(' ', record.Alternates)}.");
            return 0;
        }
        Console.WriteLine("Draw BROKEN: the record does not recompute.");
        return 1;
    }

    private static string Label(DrawCheckKind kind) => kind switch
    {
        DrawCheckKind.Version => "algorithm version known",
        DrawCheckKind.HashFunction => "hash function known",
        DrawCheckKind.CandidateListHash => "candidate list matches its published hash",
        DrawCheckKind.Commitment => "revealed seed matches the commitment",
        DrawCheckKind.Panel => "panel recomputed from seed and list",
        DrawCheckKind.Alternates => "alternates recomputed from seed and list",
        DrawCheckKind.Substitution => "substitution is the one the rule picks",
        _ => kind.ToString(),
    };
}

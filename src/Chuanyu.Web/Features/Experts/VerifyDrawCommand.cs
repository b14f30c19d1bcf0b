using System.Text.Json;
using Chuanyu.Matching.Draws;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// <c>verify-draw FILE.json</c>: recomputes a published draw record (docs/expert-draws.md) and prints every check;
/// exit 0 intact, 1 broken, 2 usage error (no file, unreadable, not a record). It needs no database: the record holds
/// everything, so an auditor can run it on a copy.
/// </summary>
internal sealed class VerifyDrawCommand : IPlatformCommand
{
    private const string Usage = "usage: verify-draw <record.json> | verify-draw --activity <id>";

    public string Name => "verify-draw";

    public async Task<int> RunAsync(PlatformCommandContext context, string[] args)
    {
        // args[0] is the command's name.
        if (args is [_, "--activity", var text])
        {
            return Guid.TryParse(text, out var id) ? await ActivityAsync(context, id) : Refuse($"{text}: not an activity id.");
        }
        if (args.Length != 2 || args[1].StartsWith("--", StringComparison.Ordinal))
        {
            return Refuse(null);
        }
        DrawRecord record;
        try
        {
            record = DrawRecord.FromJson(File.ReadAllText(args[1]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return Refuse($"{args[1]}: not a readable draw record ({e.Message}).");
        }
        return Print(record, DrawVerifier.Verify(record, HashById));
    }

    private static int Refuse(string? problem)
    {
        if (problem is not null)
        {
            Console.Error.WriteLine(problem);
        }
        Console.Error.WriteLine(Usage);
        return 2;
    }

    /// <summary>
    /// Every draw of an activity, read from the database as the auditor page publishes it: revealed draws are
    /// recomputed; a sealed one (its review not over) is reported as such, its seed left unread.
    /// </summary>
    private static async Task<int> ActivityAsync(PlatformCommandContext context, Guid id)
    {
        await context.PrepareDatabaseAsync();
        var db = context.Services.GetRequiredService<Data.AppDbContext>();
        var draws = await db.Set<ReviewDraw>().AsNoTracking().Where(d => d.ActivityId == id).OrderBy(d => d.Sequence).ToListAsync();
        if (draws.Count == 0)
        {
            return Refuse($"{id}: no drawn review activity with this id.");
        }
        var audit = context.Services.GetRequiredService<DrawAudit>();
        var worst = 0;
        foreach (var d in draws)
        {
            Console.WriteLine($"Draw {d.Sequence} of activity {id}, committed {d.Commitment}:");
            if (d.SeedRevealed is null)
            {
                Console.WriteLine("  sealed: the seed is revealed when the activity closes; nothing to recompute yet.");
                continue;
            }
            var record = await audit.RecordAsync(d, CancellationToken.None);
            worst = Math.Max(worst, Print(record, DrawVerifier.Verify(record, HashById)));
        }
        return worst;
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

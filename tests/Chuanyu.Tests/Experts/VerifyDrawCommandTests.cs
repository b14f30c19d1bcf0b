using Chuanyu.Matching.Draws;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;

namespace Chuanyu.Tests.Experts;

/// <summary><c>verify-draw</c>, run as an auditor runs it: the built app as a separate process on a record file.</summary>
public sealed class VerifyDrawCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chuanyu-verify-draw-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The command reads no database; the host still wants one configured.
    private Task<(int ExitCode, string Output)> RunAsync(params string[] operands) =>
        ProcessRunner.RunPlatformAsync("Sqlite", $"Data Source={Path.Combine(_dir, "unused.db")}", ["verify-draw", .. operands]);

    private string Write(DrawRecord record, string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, record.ToJson());
        return path;
    }

    private static DrawRecord Record(string hashId)
    {
        var hash = new DrawHash(hashId, bytes => Hashes.Hash(hashId, bytes));
        var random = new Random(16);
        var pool = Enumerable.Range(0, 80).Select(i => new DrawCandidate(
            new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray()).ToString("D"),
            "org-" + (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture),
            i % 3 == 0 ? "510000" : "500000",
            i % 4 != 0)).ToList();
        var spec = new PanelSpec(7, 3, 5, "500000", 2, true);
        var seed = ExpertDraw.NewSeed();
        var outcome = ExpertDraw.Run(pool, spec, seed, hash);
        var record = DrawRecord.Create(pool, spec, seed, hash, outcome, revealSeed: true);
        var substitute = ExpertDraw.Substitute(outcome.Panel.Skip(1).ToList(), outcome.Alternates, spec);
        return substitute is null ? record : record with { Substitutions = [new DrawSubstitution(outcome.Panel[0].Id, substitute.Id)] };
    }

    [Theory]
    [InlineData("sm3")]
    [InlineData("sha256")]
    public async Task AnIntactRecord_PassesEveryCheck_AndATamperedOneFailsTheRightOne(string hashId)
    {
        var record = Record(hashId);
        var (exit, output) = await RunAsync(Write(record, "intact.json"));
        Assert.True(exit == 0, output);
        Assert.Contains("ok    revealed seed matches the commitment", output, StringComparison.Ordinal);
        Assert.Contains("Draw intact. Panel: " + string.Join(' ', record.Panel), output, StringComparison.Ordinal);

        var changed = record with { Candidates = record.Candidates.Select((c, i) => i == 3 ? c with { Institution = "org-elsewhere" } : c).ToList() };
        var (badExit, badOutput) = await RunAsync(Write(changed, "tampered.json"));
        Assert.True(badExit == 1, badOutput);
        Assert.Contains("FAIL  candidate list matches its published hash", badOutput, StringComparison.Ordinal);
        Assert.Contains("Draw BROKEN", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoFile_OrNotARecord_IsAUsageError()
    {
        Assert.Equal(2, (await RunAsync()).ExitCode);
        var junk = Path.Combine(_dir, "junk.json");
        File.WriteAllText(junk, "{ not json");
        var (exit, output) = await RunAsync(junk);
        Assert.Equal(2, exit);
        Assert.Contains("not a readable draw record", output, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync(Path.Combine(_dir, "missing.json"))).ExitCode);
    }
}

using System.Diagnostics;
using Chuanyu.Matching.Draws;

namespace Chuanyu.Matching.Tests.Draws;

/// <summary>tools/verify_draw.py, the independent re-implementation, agrees with the C# draw on records it wrote.</summary>
public sealed class PythonVerifierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chuanyu-draws-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Chuanyu.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Chuanyu.slnx not found above " + AppContext.BaseDirectory);
    }

    private static (int ExitCode, string Output) RunScript(params string[] args)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepoRoot(), "tools", "verify_draw.py"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }

    private string Write(DrawRecord record, string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, record.ToJson());
        return path;
    }

    [Fact]
    public void PureSm3_MatchesTheStandardsTestVectors()
    {
        var (code, output) = RunScript("--self-test");
        Assert.True(code == 0, output);
    }

    [Theory]
    [InlineData("sha256", false)]
    [InlineData("sm3", false)]
    [InlineData("sm3", true)]
    public void Script_RecomputesRecordsTheCodeWrote(string hashId, bool pureSm3)
    {
        var hash = TestHashes.ById(hashId)!;
        for (var n = 0; n < 3; n++)
        {
            var record = DrawVerifierTests.RevealedRecord(100 + n, hash, size: 40 + (n * 300));
            Assert.True(DrawVerifier.Verify(record, TestHashes.ById).Intact);
            var path = Write(record, $"{hashId}-{n}.json");
            var (code, output) = pureSm3 ? RunScript(path, "--pure-sm3") : RunScript(path);
            Assert.True(code == 0, output);
            Assert.Contains(string.Join(' ', record.Panel), output, StringComparison.Ordinal);
            Assert.Contains(string.Join(' ', record.Alternates), output, StringComparison.Ordinal);
            Assert.Contains("substitution 1", output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(TestHashes.Ids), MemberType = typeof(TestHashes))]
    public void Script_FailsATamperedRecord(string hashId)
    {
        var record = DrawVerifierTests.RevealedRecord(200, TestHashes.ById(hashId)!);
        var seed = Convert.FromHexString(record.Seed!);
        seed[^1] ^= 0x80;
        var tamperedSeed = Write(record with { Seed = Convert.ToHexStringLower(seed) }, "seed.json");
        var tamperedList = Write(record with { Candidates = record.Candidates.Skip(1).ToList() }, "list.json");
        var swapped = Write(record with { Panel = [.. record.Panel.Skip(1), record.Panel[0]] }, "panel.json");
        foreach (var path in new[] { tamperedSeed, tamperedList, swapped })
        {
            var (code, output) = RunScript(path);
            Assert.True(code == 1, output);
            Assert.Contains("NOT intact", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Script_WithoutAFile_IsAUsageError()
    {
        Assert.Equal(2, RunScript().ExitCode);
    }
}

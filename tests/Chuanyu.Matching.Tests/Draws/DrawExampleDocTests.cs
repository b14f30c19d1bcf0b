using Chuanyu.Matching.Draws;

namespace Chuanyu.Matching.Tests.Draws;

/// <summary>The worked example of docs/expert-draws.md is the code's: its record recomputes and its numbers are on the page.</summary>
public class DrawExampleDocTests
{
    private static readonly string Docs = Path.Combine(PythonVerifierTests.RepoRoot(), "docs");

    private static DrawRecord Example() => DrawRecord.FromJson(File.ReadAllText(Path.Combine(Docs, "expert-draws-example.json")));

    private static string Page() => File.ReadAllText(Path.Combine(Docs, "expert-draws.md"));

    private static string Short(string id) => id[^2..];

    [Fact]
    public void ExampleRecord_Recomputes_WithItsSubstitution()
    {
        var record = Example();
        var result = DrawVerifier.Verify(record, TestHashes.ById);
        Assert.True(result.Intact, string.Join("; ", result.Checks.Select(c => c.Reason)));
        Assert.Equal(12, record.Candidates.Count);
        Assert.Equal(new PanelSpec(5, 2, 3, "500000", 1, true), record.Spec);
        Assert.Single(record.Substitutions);
    }

    [Fact]
    public void ExamplePage_ShowsTheCodesNumbers()
    {
        var record = Example();
        var page = Page();
        var seed = Convert.FromHexString(record.Seed!);
        Assert.Contains("seed              " + record.Seed, page, StringComparison.Ordinal);
        Assert.Contains("candidateListHash " + record.CandidateListHash, page, StringComparison.Ordinal);
        Assert.Contains("commitment        " + record.Commitment, page, StringComparison.Ordinal);
        foreach (var c in ExpertDraw.KeyOrder(record.Candidates, seed, TestHashes.Sha256))
        {
            var key = Convert.ToHexStringLower(ExpertDraw.Key(seed, c.Id, TestHashes.Sha256))[..16];
            Assert.Contains($"| {key} | {Short(c.Id)} | {Short(c.Institution)} | {c.Region} | {(c.Senior ? "yes" : "no")} |", page, StringComparison.Ordinal);
        }
        Assert.Contains("**Panel**: " + string.Join(", ", record.Panel.Select(Short)), page, StringComparison.Ordinal);
        Assert.Contains("so " + Short(record.Alternates[0]) + ", then " + Short(record.Alternates[1]), page, StringComparison.Ordinal);
        Assert.Contains($"**{Short(record.Substitutions[0].Substitute)}** takes {Short(record.Substitutions[0].Declined)}'s seat", page, StringComparison.Ordinal);
    }

    [Fact]
    public void ExamplePage_ShowsTheSm3Numbers()
    {
        var record = Example();
        var seed = Convert.FromHexString(record.Seed!);
        var sm3 = TestHashes.Sm3;
        var outcome = ExpertDraw.Run(record.Candidates, record.Spec, seed, sm3);
        var page = Page();
        Assert.Contains("candidateListHash " + ExpertDraw.CandidateListHash(record.Candidates, sm3), page, StringComparison.Ordinal);
        Assert.Contains("commitment        " + ExpertDraw.Commitment(seed, sm3), page, StringComparison.Ordinal);
        var first = ExpertDraw.KeyOrder(record.Candidates, seed, sm3)[0];
        Assert.Contains(
            $"panel             {string.Join(", ", outcome.Panel.Select(p => Short(p.Id)))}     alternates {string.Join(", ", outcome.Alternates.Select(p => Short(p.Id)))}     "
            + $"(first key {Convert.ToHexStringLower(ExpertDraw.Key(seed, first.Id, sm3))[..16]}, expert {Short(first.Id)})",
            page, StringComparison.Ordinal);
    }
}

using Chuanyu.Matching.Draws;

namespace Chuanyu.Matching.Tests.Draws;

public class DrawVerifierTests
{
    private static readonly PanelSpec Spec = new(5, 3, 3, Pools.Chongqing, 1, true);

    /// <summary>A revealed record over a random pool, with one substitution made by the rule.</summary>
    internal static DrawRecord RevealedRecord(int poolSeed, DrawHash hash, int size = 60)
    {
        var random = new Random(poolSeed);
        var pool = Pools.Random(random, size, size / 2);
        var seed = Pools.Seed(random);
        var outcome = ExpertDraw.Run(pool, Spec, seed, hash);
        var record = DrawRecord.Create(pool, Spec, seed, hash, outcome, revealSeed: true);
        var declined = outcome.Panel[1];
        var substitute = ExpertDraw.Substitute(outcome.Panel.Where(p => p != declined).ToList(), outcome.Alternates, Spec);
        return substitute is null ? record : record with { Substitutions = [new DrawSubstitution(declined.Id, substitute.Id)] };
    }

    private static DrawVerification Verify(DrawRecord record) => DrawVerifier.Verify(record, TestHashes.ById);

    private static DrawCheck Failed(DrawVerification result, DrawCheckKind kind)
    {
        Assert.False(result.Intact);
        return Assert.Single(result.Checks, c => c.Kind == kind && !c.Passed);
    }

    [Theory]
    [MemberData(nameof(TestHashes.Ids), MemberType = typeof(TestHashes))]
    public void Verify_AnIntactRecord_PassesEveryCheck_AlsoAfterAJsonRoundTrip(string hashId)
    {
        var record = RevealedRecord(1, TestHashes.ById(hashId)!);
        Assert.Single(record.Substitutions);
        var result = Verify(DrawRecord.FromJson(record.ToJson()));
        Assert.True(result.Intact, string.Join("; ", result.Checks.Select(c => c.Reason)));
        Assert.Equal(
            [DrawCheckKind.Version, DrawCheckKind.HashFunction, DrawCheckKind.CandidateListHash, DrawCheckKind.Commitment, DrawCheckKind.Panel, DrawCheckKind.Alternates, DrawCheckKind.Substitution],
            result.Checks.Select(c => c.Kind));
    }

    [Fact]
    public void Verify_ACandidateAddedToTheList_FailsTheListHash()
    {
        var record = RevealedRecord(2, TestHashes.Sha256);
        var tampered = record with { Candidates = [.. record.Candidates, new DrawCandidate(Pools.Id(new Random(99)), "inst-new", Pools.Chongqing, true)] };
        Assert.Contains("changed after it was frozen", Failed(Verify(tampered), DrawCheckKind.CandidateListHash).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ACandidateRemovedFromTheList_FailsTheListHash()
    {
        var record = RevealedRecord(3, TestHashes.Sha256);
        var outsider = record.Candidates.First(c => !record.Panel.Contains(c.Id) && !record.Alternates.Contains(c.Id));
        var tampered = record with { Candidates = record.Candidates.Where(c => c != outsider).ToList() };
        Assert.Contains("changed after it was frozen", Failed(Verify(tampered), DrawCheckKind.CandidateListHash).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AnInstitutionChanged_FailsTheListHash()
    {
        var record = RevealedRecord(4, TestHashes.Sm3);
        var tampered = record with { Candidates = record.Candidates.Select((c, i) => i == 7 ? c with { Institution = "inst-elsewhere" } : c).ToList() };
        Failed(Verify(tampered), DrawCheckKind.CandidateListHash);
    }

    [Fact]
    public void Verify_ATamperedSeed_FailsTheCommitment_AndThePanel()
    {
        var record = RevealedRecord(5, TestHashes.Sha256);
        var seed = Convert.FromHexString(record.Seed!);
        seed[0] ^= 1;
        var result = Verify(record with { Seed = Convert.ToHexStringLower(seed) });
        Assert.Contains("not the committed seed", Failed(result, DrawCheckKind.Commitment).Reason, StringComparison.Ordinal);
        Assert.Contains(result.Checks, c => c.Kind == DrawCheckKind.Panel && !c.Passed);
    }

    [Fact]
    public void Verify_ASwappedPanelMember_FailsThePanel()
    {
        var record = RevealedRecord(6, TestHashes.Sm3);
        var outsider = record.Candidates.First(c => !record.Panel.Contains(c.Id) && !record.Alternates.Contains(c.Id));
        var tampered = record with { Panel = record.Panel.Select((id, i) => i == 2 ? outsider.Id : id).ToList() };
        var reason = Failed(Verify(tampered), DrawCheckKind.Panel).Reason;
        Assert.Contains("position 3", reason, StringComparison.Ordinal);
        Assert.Contains(outsider.Id, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ASubstituteTheRuleWouldNotPick_FailsTheSubstitution()
    {
        var record = RevealedRecord(7, TestHashes.Sha256);
        var sub = record.Substitutions[0];
        var other = record.Alternates.First(a => a != sub.Substitute);
        var tampered = record with { Substitutions = [sub with { Substitute = other }] };
        Assert.Contains(sub.Substitute, Failed(Verify(tampered), DrawCheckKind.Substitution).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AnUnrevealedSeed_CannotPass()
    {
        var record = RevealedRecord(8, TestHashes.Sha256) with { Seed = null };
        Assert.Contains("not been revealed", Failed(Verify(record), DrawCheckKind.Commitment).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AnUnknownHash_FailsAndStops()
    {
        var record = RevealedRecord(9, TestHashes.Sha256) with { Hash = "md5" };
        Failed(Verify(record), DrawCheckKind.HashFunction);
    }
}

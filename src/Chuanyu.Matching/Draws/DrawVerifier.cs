using System.Globalization;

namespace Chuanyu.Matching.Draws;

/// <summary>What one verification check looked at.</summary>
public enum DrawCheckKind
{
    /// <summary>The record's algorithm version is one this code knows.</summary>
    Version,
    /// <summary>The record's hash id names a known hash function.</summary>
    HashFunction,
    /// <summary>The candidate list's hash matches the list in the record.</summary>
    CandidateListHash,
    /// <summary>The revealed seed hashes to the commitment.</summary>
    Commitment,
    /// <summary>The panel recomputed from seed and list equals the recorded panel.</summary>
    Panel,
    /// <summary>The alternates recomputed from seed and list equal the recorded ones.</summary>
    Alternates,
    /// <summary>A substitution is the one the substitution rule picks.</summary>
    Substitution,
}

/// <summary>One check: passed, or failed with a reason in English (the command prints it as is).</summary>
public sealed record DrawCheck(DrawCheckKind Kind, bool Passed, string? Reason);

/// <summary>Every check of a record; intact when all passed.</summary>
public sealed record DrawVerification(IReadOnlyList<DrawCheck> Checks)
{
    public bool Intact => Checks.Count > 0 && Checks.All(c => c.Passed);
}

/// <summary>Recomputes a published draw record (docs/expert-draws.md, "What the verifier checks").</summary>
public static class DrawVerifier
{
    public static DrawVerification Verify(DrawRecord record, Func<string, DrawHash?> hashById)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(hashById);
        var checks = new List<DrawCheck>();
        if (record.Version != DrawRecord.CurrentVersion)
        {
            checks.Add(Fail(DrawCheckKind.Version, $"Algorithm version {record.Version} is unknown; this verifier knows version {DrawRecord.CurrentVersion}."));
            return new DrawVerification(checks);
        }
        checks.Add(Pass(DrawCheckKind.Version));
        var hash = record.Hash is null ? null : hashById(record.Hash);
        if (hash is null)
        {
            checks.Add(Fail(DrawCheckKind.HashFunction, $"Hash function '{record.Hash}' is unknown (expected sha256 or sm3)."));
            return new DrawVerification(checks);
        }
        checks.Add(Pass(DrawCheckKind.HashFunction));

        var candidates = record.Candidates ?? [];
        string? listHash = null;
        string? listError = null;
        try
        {
            listHash = ExpertDraw.CandidateListHash(candidates, hash);
        }
        catch (ArgumentException e)
        {
            listError = e.Message;
        }
        checks.Add(listError is not null
            ? Fail(DrawCheckKind.CandidateListHash, $"The candidate list is malformed: {listError}")
            : string.Equals(listHash, record.CandidateListHash, StringComparison.Ordinal)
                ? Pass(DrawCheckKind.CandidateListHash)
                : Fail(DrawCheckKind.CandidateListHash, $"The candidate list hashes to {listHash}, not to the published {record.CandidateListHash}: the list was changed after it was frozen."));

        byte[]? seed = null;
        if (record.Seed is null)
        {
            checks.Add(Fail(DrawCheckKind.Commitment, "The seed has not been revealed yet; the draw cannot be recomputed."));
        }
        else
        {
            try
            {
                seed = Convert.FromHexString(record.Seed);
            }
            catch (FormatException)
            {
                checks.Add(Fail(DrawCheckKind.Commitment, "The seed is not hexadecimal."));
            }
            if (seed is not null)
            {
                var commitment = ExpertDraw.Commitment(seed, hash);
                checks.Add(string.Equals(commitment, record.Commitment, StringComparison.Ordinal)
                    ? Pass(DrawCheckKind.Commitment)
                    : Fail(DrawCheckKind.Commitment, $"The seed hashes to {commitment}, not to the published commitment {record.Commitment}: this is not the committed seed."));
            }
        }
        if (seed is null || listError is not null)
        {
            return new DrawVerification(checks);
        }

        DrawOutcome outcome;
        try
        {
            outcome = ExpertDraw.Run(candidates, record.Spec, seed, hash);
        }
        catch (ArgumentException e)
        {
            checks.Add(Fail(DrawCheckKind.Panel, $"The panel specification is invalid: {e.Message}"));
            return new DrawVerification(checks);
        }
        checks.Add(CompareIds(DrawCheckKind.Panel, "panel", outcome.Panel, record.Panel ?? []));
        checks.Add(CompareIds(DrawCheckKind.Alternates, "alternates", outcome.Alternates, record.Alternates ?? []));

        var panel = outcome.Panel.ToList();
        var alternatesLeft = outcome.Alternates.ToList();
        var byId = candidates.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var number = 0;
        foreach (var sub in record.Substitutions ?? [])
        {
            number++;
            var at = panel.FindIndex(p => string.Equals(p.Id, sub.Declined, StringComparison.Ordinal));
            if (at < 0)
            {
                checks.Add(Fail(DrawCheckKind.Substitution, string.Create(CultureInfo.InvariantCulture, $"Substitution {number}: {sub.Declined} is not on the panel at that point.")));
                break;
            }
            var panelNow = panel.Where((_, i) => i != at).ToList();
            var pick = ExpertDraw.Substitute(panelNow, alternatesLeft, record.Spec);
            if (pick is null || !string.Equals(pick.Id, sub.Substitute, StringComparison.Ordinal))
            {
                checks.Add(Fail(DrawCheckKind.Substitution, string.Create(CultureInfo.InvariantCulture,
                    $"Substitution {number}: for {sub.Declined} the rule picks {pick?.Id ?? "no alternate (a new draw is due)"}, not {sub.Substitute}.")));
                break;
            }
            checks.Add(Pass(DrawCheckKind.Substitution));
            panel[at] = byId[pick.Id];
            alternatesLeft.Remove(pick);
        }
        return new DrawVerification(checks);
    }

    private static DrawCheck CompareIds(DrawCheckKind kind, string what, IReadOnlyList<DrawCandidate> computed, IReadOnlyList<string> recorded)
    {
        var ids = computed.Select(c => c.Id).ToList();
        if (ids.SequenceEqual(recorded, StringComparer.Ordinal))
        {
            return Pass(kind);
        }
        var i = 0;
        while (i < ids.Count && i < recorded.Count && string.Equals(ids[i], recorded[i], StringComparison.Ordinal))
        {
            i++;
        }
        var expected = i < ids.Count ? ids[i] : "(end)";
        var found = i < recorded.Count ? recorded[i] : "(end)";
        return Fail(kind, string.Create(CultureInfo.InvariantCulture,
            $"The recomputed {what} differs at position {i + 1}: the draw gives {expected}, the record says {found}."));
    }

    private static DrawCheck Pass(DrawCheckKind kind) => new(kind, true, null);

    private static DrawCheck Fail(DrawCheckKind kind, string reason) => new(kind, false, reason);
}

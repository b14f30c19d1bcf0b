using System.Text.Json;

namespace Chuanyu.Matching.Draws;

/// <summary>A substitution after a draw: the panel member who declined (or did not answer) and the alternate who took the seat.</summary>
/// <param name="Declined">The id of the panel member who left.</param>
/// <param name="Substitute">The id of the alternate <see cref="ExpertDraw.Substitute"/> picked.</param>
public sealed record DrawSubstitution(string Declined, string Substitute);

/// <summary>
/// The published record of one draw (docs/expert-draws.md, "The record"): everything needed to recompute it. Written
/// at the draw with <see cref="Seed"/> null (the commitment is public, the seed is not); the seed is filled in when it
/// is revealed after the review.
/// </summary>
public sealed record DrawRecord
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The draw algorithm's version; this code draws and verifies version 1.</summary>
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    /// <summary>The hash function's id: "sha256" or "sm3".</summary>
    public required string Hash { get; init; }

    public required PanelSpec Spec { get; init; }

    /// <summary>The frozen candidate list (any order; the draw does not depend on it).</summary>
    public required IReadOnlyList<DrawCandidate> Candidates { get; init; }

    /// <summary>Lower-case hex of the canonical list's hash (<see cref="ExpertDraw.CandidateListHash"/>).</summary>
    public required string CandidateListHash { get; init; }

    /// <summary>Lower-case hex of hash(seed), published before the draw.</summary>
    public required string Commitment { get; init; }

    /// <summary>Lower-case hex of the seed; null until revealed.</summary>
    public string? Seed { get; init; }

    /// <summary>Panel ids in draw order, as drawn (before substitutions).</summary>
    public required IReadOnlyList<string> Panel { get; init; }

    /// <summary>Alternate ids in draw order.</summary>
    public required IReadOnlyList<string> Alternates { get; init; }

    /// <summary>Substitutions in the order they happened.</summary>
    public IReadOnlyList<DrawSubstitution> Substitutions { get; init; } = [];

    /// <summary>The record of a draw just run: the seed stays out until <paramref name="revealSeed"/> (or a later <c>with { Seed = … }</c>).</summary>
    public static DrawRecord Create(IReadOnlyList<DrawCandidate> candidates, PanelSpec spec, byte[] seed, DrawHash hash, DrawOutcome outcome, bool revealSeed = false)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(hash);
        return new DrawRecord
        {
            Hash = hash.Id,
            Spec = spec,
            Candidates = candidates,
            CandidateListHash = ExpertDraw.CandidateListHash(candidates, hash),
            Commitment = ExpertDraw.Commitment(seed, hash),
            Seed = revealSeed ? Convert.ToHexStringLower(seed) : null,
            Panel = outcome.Panel.Select(c => c.Id).ToList(),
            Alternates = outcome.Alternates.Select(c => c.Id).ToList(),
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a record; throws <see cref="JsonException"/> when the text is not one.</summary>
    public static DrawRecord FromJson(string json) =>
        JsonSerializer.Deserialize<DrawRecord>(json, JsonOptions) ?? throw new JsonException("The file holds no draw record.");

    /// <summary>Serialiser options of the record, for callers that embed it.</summary>
    public static JsonSerializerOptions SerializerOptions => JsonOptions;
}

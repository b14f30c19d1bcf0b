namespace Chuanyu.Matching.Draws;

/// <summary>
/// One expert on a frozen candidate list: only what the draw's rules read. Ids are lower-case GUIDs ("D" format) so
/// that the list's canonical form, its hash and a re-implementation in another language agree byte for byte.
/// </summary>
/// <param name="Id">The expert's id.</param>
/// <param name="Institution">The id of the organisation the expert works at (at most one expert per institution).</param>
/// <param name="Region">The expert's region code (500000 重庆, 510000 四川).</param>
/// <param name="Senior">A senior title (正高 or 副高).</param>
public sealed record DrawCandidate(string Id, string Institution, string Region, bool Senior);

/// <summary>What the panel must look like: counts, not shares (the caller rounds a share up to a count).</summary>
/// <param name="PanelSize">Experts on the panel.</param>
/// <param name="Alternates">Alternates (候补) drawn after the panel, in order.</param>
/// <param name="MinSenior">At least this many panel members with a senior title.</param>
/// <param name="HomeRegion">The region of the activity: "other region" means any other.</param>
/// <param name="MinOtherRegion">At least this many panel members from another region than <paramref name="HomeRegion"/>.</param>
/// <param name="OnePerInstitution">At most one panel member (and alternate) per institution.</param>
public sealed record PanelSpec(int PanelSize, int Alternates, int MinSenior, string HomeRegion, int MinOtherRegion, bool OnePerInstitution);

/// <summary>Writes the 32-byte digest of <paramref name="data"/> into <paramref name="digest"/>, without allocating.</summary>
public delegate void DrawHashInto(ReadOnlySpan<byte> data, Span<byte> digest);

/// <summary>The hash function of the platform's suite, handed in so this project needs no crypto library.</summary>
/// <param name="Id">"sha256" or "sm3", as written in a draw record.</param>
/// <param name="Compute">The digest of the bytes.</param>
public sealed record DrawHash(string Id, Func<byte[], byte[]> Compute)
{
    /// <summary>
    /// Optional: the same function as <see cref="Compute"/> writing into a span, used for the one key per candidate of a
    /// draw (100,000 short inputs) so that none of them allocates. Called from one thread at a time.
    /// </summary>
    public DrawHashInto? ComputeInto { get; init; }
}

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// The <c>Search:*</c> settings, listed with these defaults in appsettings.json. They steer when a result is counted
/// exactly and how a large one is read; the defaults are the measured ones (docs/search-design.md), and tests lower
/// them to reach the large-result paths with a small index.
/// </summary>
public sealed class SearchOptions
{
    public const string Section = "Search";

    /// <summary>An index of fewer than twice this many rows is read whole; a round of PostgreSQL tiers covers at least a sixteenth of it.</summary>
    public int TierGroup { get; set; } = 16_384;

    /// <summary>
    /// Matches counted exactly before a result counts as large and its total and facet counts are estimated (issue 14: a
    /// count above 1,000 may be an estimate; clamped to 1–10,000; tests lower it to reach the large paths with a small index).
    /// </summary>
    public int ExactCount { get; set; } = 1_000;

    /// <summary>PostgreSQL: a result the sample expects to hold at most this many matches is read whole and counted exactly (at least; see <see cref="PostgresSearchBackend.ExactBelow"/>).</summary>
    public int ExactRest { get; set; } = 1_500;

    /// <summary>SQLite: a result the sample expects to hold at most this many matches is read whole and counted exactly.</summary>
    public int ExactRestSqlite { get; set; } = 5_000;
}

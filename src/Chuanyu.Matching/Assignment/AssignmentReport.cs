namespace Chuanyu.Matching.Assignment;

/// <summary>One row of an assignment export: a pair, or a proposal's missing places (no expert, the reason).</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="ReviewerId">The expert; null on a row for missing places.</param>
/// <param name="Affinity">Affinity points 0–1000 (0 on a missing row).</param>
/// <param name="Rank">The expert's place on the proposal's candidate list (0 on a missing row).</param>
/// <param name="Missing">Places left empty (only on a missing row).</param>
/// <param name="Reason">Why they are empty (only on a missing row).</param>
public sealed record AssignmentReportRow(string ProposalId, string? ReviewerId, int Affinity, int Rank, int Missing, ShortReason? Reason);

/// <summary>Figures of an assignment for the head of an export.</summary>
public sealed record AssignmentSummary(int Pairs, int ProposalsShort, int MissingPlaces, long TotalAffinity, double MeanAffinity, double MeanRank);

/// <summary>Read-only views of an <see cref="AssignmentResult"/> for an xlsx export (the caller supplies names and labels).</summary>
public static class AssignmentReport
{
    /// <summary>Per proposal in input order: its pairs by rank, then one row for its missing places if it is short.</summary>
    public static IReadOnlyList<AssignmentReportRow> Rows(AssignmentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var shortBy = result.ShortProposals.ToDictionary(s => s.ProposalId, StringComparer.Ordinal);
        var rows = new List<AssignmentReportRow>(result.Pairs.Count + result.ShortProposals.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Missing(string proposalId)
        {
            if (shortBy.Remove(proposalId, out var s))
            {
                rows.Add(new AssignmentReportRow(proposalId, null, 0, 0, s.Required - s.Assigned, s.Reason));
            }
        }
        for (var i = 0; i < result.Pairs.Count; i++)
        {
            var pair = result.Pairs[i];
            seen.Add(pair.ProposalId);
            rows.Add(new AssignmentReportRow(pair.ProposalId, pair.ReviewerId, pair.Affinity, pair.Rank, 0, null));
            if (i + 1 == result.Pairs.Count || result.Pairs[i + 1].ProposalId != pair.ProposalId)
            {
                Missing(pair.ProposalId);
            }
        }
        // Proposals with no expert at all, in the order they were reported.
        foreach (var s in result.ShortProposals.Where(s => !seen.Contains(s.ProposalId)))
        {
            Missing(s.ProposalId);
        }
        return rows;
    }

    public static AssignmentSummary Summary(AssignmentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var pairs = result.Pairs.Count;
        return new AssignmentSummary(
            pairs,
            result.ShortProposals.Count,
            result.ShortProposals.Sum(s => s.Required - s.Assigned),
            result.TotalAffinity,
            pairs == 0 ? 0 : (double)result.TotalAffinity / pairs,
            pairs == 0 ? 0 : result.Pairs.Average(p => p.Rank));
    }
}

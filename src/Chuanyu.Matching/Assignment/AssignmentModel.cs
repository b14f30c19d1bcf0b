namespace Chuanyu.Matching.Assignment;

/// <summary>One proposal (申报项目) of a large call to be reviewed.</summary>
/// <param name="Id">The proposal's id, unique in the call.</param>
/// <param name="ApplicantInstitutions">Ids of the applicant institutions (lead and partners): their own experts never review it.</param>
/// <param name="Disciplines">GB/T 13745 codes (3-digit first level or 5-digit second level).</param>
/// <param name="Keywords">Keywords as written; compared after <see cref="Affinity.NormaliseKeyword"/>.</param>
public sealed record Proposal(string Id, IReadOnlyList<string> ApplicantInstitutions, IReadOnlyList<string> Disciplines, IReadOnlyList<string> Keywords);

/// <summary>One expert who may review proposals.</summary>
/// <param name="Id">The expert's id, unique in the pool.</param>
/// <param name="Institution">The id of the institution the expert works at.</param>
/// <param name="Disciplines">GB/T 13745 codes of the expert.</param>
/// <param name="Keywords">The expert's keywords.</param>
/// <param name="MaxLoad">At most this many proposals for this expert in the call.</param>
public sealed record Reviewer(string Id, string Institution, IReadOnlyList<string> Disciplines, IReadOnlyList<string> Keywords, int MaxLoad);

/// <summary>What the assignment must satisfy.</summary>
/// <param name="PerProposal">Reviewers per proposal (k).</param>
/// <param name="TopCandidates">Only the K eligible reviewers of highest affinity per proposal enter the network.</param>
/// <param name="Conflicts">Declared conflicts (expert, proposal) besides the own-institution rule: never assigned.</param>
/// <param name="MaxPairProbability">Randomised mode: no (expert, proposal) pair is assigned with a probability above this q.</param>
/// <param name="RandomSeed">Seed of the randomised mode's sampling (the same seed gives the same assignment).</param>
public sealed record AssignmentSpec(
    int PerProposal,
    int TopCandidates = 200,
    IReadOnlySet<(string Reviewer, string Proposal)>? Conflicts = null,
    double? MaxPairProbability = null,
    int? RandomSeed = null)
{
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(PerProposal, 1, nameof(PerProposal));
        ArgumentOutOfRangeException.ThrowIfLessThan(TopCandidates, PerProposal, nameof(TopCandidates));
        if (MaxPairProbability is { } q && (double.IsNaN(q) || q <= 0 || q > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPairProbability), q, "must be in (0, 1]");
        }
    }
}

/// <summary>One expert assigned to one proposal.</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="ReviewerId">The expert.</param>
/// <param name="Affinity">Affinity points, 0–1000 (<see cref="Affinity"/>).</param>
/// <param name="Rank">The expert's place (1 = best) on the proposal's candidate list.</param>
public sealed record AssignedPair(string ProposalId, string ReviewerId, int Affinity, int Rank);

/// <summary>Why a proposal got fewer than k reviewers.</summary>
public enum ShortReason
{
    /// <summary>No expert shares a discipline or keyword with it outside the applicants' institutions and declared conflicts.</summary>
    NoEligibleReviewer,

    /// <summary>Its candidates come from fewer than k institutions (at most one expert per institution per proposal).</summary>
    TooFewInstitutions,

    /// <summary>Enough candidates, but their loads went to other proposals (for the optimal and randomised methods the maximum flow proves no rearrangement covers it).</summary>
    ReviewersAtFullLoad,
}

/// <summary>A proposal left short of k reviewers, and why.</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="Assigned">Reviewers it got.</param>
/// <param name="Required">k.</param>
/// <param name="EligibleCandidates">Eligible experts with positive affinity (before the top-K cut).</param>
/// <param name="CandidateInstitutions">Distinct institutions among its top-K candidates.</param>
/// <param name="Reason">Why.</param>
public sealed record ShortProposal(string ProposalId, int Assigned, int Required, int EligibleCandidates, int CandidateInstitutions, ShortReason Reason);

/// <summary>How the assignment was made.</summary>
public enum AssignmentMethod
{
    /// <summary>Maximum total affinity by min-cost flow (OR-Tools).</summary>
    Optimal,

    /// <summary>Proposals in order, each takes its best still available candidates.</summary>
    Greedy,

    /// <summary>Fractional optimum with every pair capped at q, then dependent rounding with the seed.</summary>
    Randomized,
}

/// <summary>Wall-clock time of each phase.</summary>
public sealed record AssignmentTimings(TimeSpan Candidates, TimeSpan GraphBuild, TimeSpan Solve, TimeSpan Rounding);

/// <summary>An assignment with its figures.</summary>
/// <param name="Method">How it was made.</param>
/// <param name="Pairs">The assigned pairs, by proposal in input order then rank.</param>
/// <param name="ShortProposals">Proposals with fewer than k reviewers (empty when every proposal is covered).</param>
/// <param name="TotalAffinity">Sum of the pairs' affinity points.</param>
/// <param name="SolverStatus">OR-Tools' status ("OPTIMAL", …); "GREEDY" for the baseline.</param>
/// <param name="Timings">Time per phase.</param>
/// <param name="ExpectedAffinity">Randomised mode: the fractional optimum's total affinity (the expectation of the sample's); otherwise the total.</param>
public sealed record AssignmentResult(
    AssignmentMethod Method,
    IReadOnlyList<AssignedPair> Pairs,
    IReadOnlyList<ShortProposal> ShortProposals,
    long TotalAffinity,
    string SolverStatus,
    AssignmentTimings Timings,
    double ExpectedAffinity)
{
    /// <summary>Every proposal got k reviewers.</summary>
    public bool Complete => ShortProposals.Count == 0;
}

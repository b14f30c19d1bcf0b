using System.Diagnostics;

namespace Chuanyu.Matching.Assignment;

/// <summary>
/// The top-K eligible experts of every proposal, found through inverted indexes (exact code, first-level code,
/// keyword → experts) instead of scoring every (proposal, expert) pair: a proposal only touches the experts who share
/// something with it. Eligible: not of an applicant institution, not a declared conflict, affinity &gt; 0, MaxLoad &gt; 0.
/// Ties are broken by the expert's position in the input, so the set is deterministic.
/// </summary>
public sealed class CandidateSet
{
    internal Proposal[] Proposals { get; }
    internal Reviewer[] Reviewers { get; }

    /// <summary>The institution of each reviewer as a dense number.</summary>
    internal int[] ReviewerInstitution { get; }

    /// <summary>CSR: candidates of proposal p are [Offsets[p], Offsets[p+1]) in <see cref="Reviewer"/> / <see cref="Score"/>, best first.</summary>
    internal int[] Offsets { get; }
    internal int[] Reviewer { get; }
    internal int[] Score { get; }

    /// <summary>Eligible experts with positive affinity before the top-K cut, per proposal.</summary>
    internal int[] Eligible { get; }

    internal AssignmentSpec Spec { get; }

    /// <summary>Time spent building the set.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>(Proposal, expert) pairs scored: those sharing a code, a first-level code or a keyword.</summary>
    public long ScoredPairs { get; }

    /// <summary>Number of (proposal, expert) candidate pairs.</summary>
    public int PairCount => Reviewer.Length;

    public int ProposalCount => Proposals.Length;

    private CandidateSet(Proposal[] proposals, Reviewer[] reviewers, int[] reviewerInstitution, int[] offsets, int[] reviewer, int[] score,
        int[] eligible, AssignmentSpec spec, TimeSpan elapsed, long scoredPairs)
    {
        ScoredPairs = scoredPairs;
        Proposals = proposals;
        Reviewers = reviewers;
        ReviewerInstitution = reviewerInstitution;
        Offsets = offsets;
        Reviewer = reviewer;
        Score = score;
        Eligible = eligible;
        Spec = spec;
        Elapsed = elapsed;
    }

    /// <summary>Distinct institutions among the candidates of proposal <paramref name="p"/>.</summary>
    internal int CandidateInstitutions(int p)
    {
        var seen = new HashSet<int>();
        for (var i = Offsets[p]; i < Offsets[p + 1]; i++)
        {
            seen.Add(ReviewerInstitution[Reviewer[i]]);
        }
        return seen.Count;
    }

    /// <summary>Builds the candidate lists (in parallel over proposals).</summary>
    public static CandidateSet Build(IReadOnlyList<Proposal> proposals, IReadOnlyList<Reviewer> reviewers, AssignmentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        ArgumentNullException.ThrowIfNull(reviewers);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var clock = Stopwatch.StartNew();
        var props = proposals.ToArray();
        var revs = reviewers.ToArray();
        EnsureUnique(props.Select(p => p.Id), nameof(proposals));
        EnsureUnique(revs.Select(r => r.Id), nameof(reviewers));

        var institutions = new Dictionary<string, int>(StringComparer.Ordinal);
        var reviewerInstitution = new int[revs.Length];
        for (var r = 0; r < revs.Length; r++)
        {
            reviewerInstitution[r] = Intern(institutions, revs[r].Institution);
        }

        // Inverted indexes: exact code, first-level code and normalised keyword → experts (ascending index).
        var byCode = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var byFirst = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var byKeyword = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var keywordCount = new int[revs.Length];
        for (var r = 0; r < revs.Length; r++)
        {
            if (revs[r].MaxLoad <= 0)
            {
                continue;
            }
            foreach (var code in revs[r].Disciplines.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal))
            {
                Add(byCode, code, r);
            }
            foreach (var first in revs[r].Disciplines.Select(c => c.Trim()).Where(c => c.Length > 0).Select(Affinity.FirstLevel).Distinct(StringComparer.Ordinal))
            {
                Add(byFirst, first, r);
            }
            var keywords = Affinity.NormalisedSet(revs[r].Keywords);
            keywordCount[r] = keywords.Count;
            foreach (var k in keywords)
            {
                Add(byKeyword, k, r);
            }
        }

        var reviewerIndex = new Dictionary<string, int>(revs.Length, StringComparer.Ordinal);
        for (var r = 0; r < revs.Length; r++)
        {
            reviewerIndex[revs[r].Id] = r;
        }
        var proposalIndex = new Dictionary<string, int>(props.Length, StringComparer.Ordinal);
        for (var p = 0; p < props.Length; p++)
        {
            proposalIndex[props[p].Id] = p;
        }
        var conflicts = new Dictionary<int, HashSet<int>>();
        foreach (var (rid, pid) in spec.Conflicts ?? new HashSet<(string, string)>())
        {
            if (reviewerIndex.TryGetValue(rid, out var r) && proposalIndex.TryGetValue(pid, out var p))
            {
                if (!conflicts.TryGetValue(p, out var set))
                {
                    conflicts[p] = set = [];
                }
                set.Add(r);
            }
        }

        var lists = new (int[] Reviewers, int[] Scores)[props.Length];
        var eligible = new int[props.Length];
        var top = spec.TopCandidates;
        long scored = 0;
        Parallel.For(0, props.Length, () => new Scratch(revs.Length), (p, _, scratch) =>
        {
            var proposal = props[p];
            scratch.Begin();
            foreach (var code in proposal.Disciplines.Select(c => c.Trim()).Where(c => c.Length > 0))
            {
                if (byCode.TryGetValue(code, out var exact))
                {
                    foreach (var r in exact)
                    {
                        scratch.Discipline(r, Affinity.SameCode);
                    }
                }
                if (byFirst.TryGetValue(Affinity.FirstLevel(code), out var first))
                {
                    foreach (var r in first)
                    {
                        scratch.Discipline(r, Affinity.SameFirstLevel);
                    }
                }
            }
            var keywords = Affinity.NormalisedSet(proposal.Keywords);
            foreach (var k in keywords)
            {
                if (byKeyword.TryGetValue(k, out var withKeyword))
                {
                    foreach (var r in withKeyword)
                    {
                        scratch.Keyword(r);
                    }
                }
            }
            var applicant = proposal.ApplicantInstitutions.Select(i => institutions.TryGetValue(i, out var n) ? n : -1).Where(n => n >= 0).ToArray();
            conflicts.TryGetValue(p, out var declared);
            Interlocked.Add(ref scored, scratch.Touched.Count);
            var found = scratch.Found;
            found.Clear();
            foreach (var r in scratch.Touched)
            {
                if (Array.IndexOf(applicant, reviewerInstitution[r]) >= 0 || (declared?.Contains(r) ?? false))
                {
                    continue;
                }
                var score = scratch.DisciplinePoints[r] + Affinity.KeywordPoints(keywords.Count, keywordCount[r], scratch.Common[r]);
                if (score > 0)
                {
                    found.Add(((long)(Affinity.Max - score) << 32) | (uint)r);
                }
            }
            eligible[p] = found.Count;
            // Best first, ties by input position: the packed key sorts by (1000 − score, index).
            found.Sort();
            var n = Math.Min(top, found.Count);
            var rs = new int[n];
            var ss = new int[n];
            for (var i = 0; i < n; i++)
            {
                rs[i] = (int)(found[i] & 0xFFFFFFFF);
                ss[i] = Affinity.Max - (int)(found[i] >> 32);
            }
            lists[p] = (rs, ss);
            return scratch;
        }, _ => { });

        var offsets = new int[props.Length + 1];
        for (var p = 0; p < props.Length; p++)
        {
            offsets[p + 1] = offsets[p] + lists[p].Reviewers.Length;
        }
        var reviewer = new int[offsets[^1]];
        var scores = new int[offsets[^1]];
        for (var p = 0; p < props.Length; p++)
        {
            lists[p].Reviewers.CopyTo(reviewer, offsets[p]);
            lists[p].Scores.CopyTo(scores, offsets[p]);
        }
        return new CandidateSet(props, revs, reviewerInstitution, offsets, reviewer, scores, eligible, spec, clock.Elapsed, scored);
    }

    private static void EnsureUnique(IEnumerable<string> ids, string parameter)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!seen.Add(id))
            {
                throw new ArgumentException($"duplicate id '{id}'", parameter);
            }
        }
    }

    private static int Intern(Dictionary<string, int> map, string key)
    {
        if (!map.TryGetValue(key, out var n))
        {
            map[key] = n = map.Count;
        }
        return n;
    }

    private static void Add(Dictionary<string, List<int>> index, string key, int r)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }
        list.Add(r);
    }

    /// <summary>Per-thread dense counters over all experts, reset through the touched list (not by clearing arrays).</summary>
    private sealed class Scratch(int reviewers)
    {
        public readonly int[] DisciplinePoints = new int[reviewers];
        public readonly int[] Common = new int[reviewers];
        public readonly List<int> Touched = [];
        public readonly List<long> Found = [];
        private readonly bool[] _seen = new bool[reviewers];

        public void Begin()
        {
            foreach (var r in Touched)
            {
                DisciplinePoints[r] = 0;
                Common[r] = 0;
                _seen[r] = false;
            }
            Touched.Clear();
        }

        public void Discipline(int r, int points)
        {
            Touch(r);
            if (points > DisciplinePoints[r])
            {
                DisciplinePoints[r] = points;
            }
        }

        public void Keyword(int r)
        {
            Touch(r);
            Common[r]++;
        }

        private void Touch(int r)
        {
            if (!_seen[r])
            {
                _seen[r] = true;
                Touched.Add(r);
            }
        }
    }
}

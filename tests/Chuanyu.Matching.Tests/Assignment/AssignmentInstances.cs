using Chuanyu.Matching.Assignment;

namespace Chuanyu.Matching.Tests.Assignment;

/// <summary>Small random instances and a brute-force optimum to check the solver against.</summary>
internal static class AssignmentInstances
{
    private static readonly string[] Codes = ["11011", "11014", "11017", "110", "12010", "12020", "41310"];
    private static readonly string[] Words = ["graphene", "SEM", "catalysis", "rock mechanics", "deep learning", "Alloy", "sensor"];

    public static (Proposal[] Proposals, Reviewer[] Reviewers, HashSet<(string, string)> Conflicts) Random(int seed, int proposals, int reviewers,
        int institutions, int maxLoad = 3)
    {
        var random = new Random(seed);
        var ps = Enumerable.Range(0, proposals).Select(p => new Proposal(
            $"p{p}",
            Pick(random, Enumerable.Range(0, institutions).Select(i => $"inst{i}").ToArray(), random.Next(1, 3)),
            Pick(random, Codes, random.Next(1, 3)),
            Pick(random, Words, random.Next(0, 4)))).ToArray();
        var rs = Enumerable.Range(0, reviewers).Select(r => new Reviewer(
            $"r{r}",
            $"inst{random.Next(institutions)}",
            Pick(random, Codes, random.Next(1, 3)),
            Pick(random, Words, random.Next(0, 4)).Select(w => random.Next(2) == 0 ? w.ToUpperInvariant() : w).ToArray(),
            random.Next(0, maxLoad + 1))).ToArray();
        var conflicts = new HashSet<(string, string)>();
        for (var i = 0; i < proposals * reviewers / 6; i++)
        {
            conflicts.Add(($"r{random.Next(reviewers)}", $"p{random.Next(proposals)}"));
        }
        return (ps, rs, conflicts);
    }

    private static string[] Pick(Random random, string[] from, int count) => from.OrderBy(_ => random.Next()).Take(count).ToArray();

    /// <summary>Whether the rules allow <paramref name="r"/> to review <paramref name="p"/> at all (affinity aside).</summary>
    public static bool Allowed(Proposal p, Reviewer r, IReadOnlySet<(string, string)> conflicts) =>
        !p.ApplicantInstitutions.Contains(r.Institution) && !conflicts.Contains((r.Id, p.Id)) && r.MaxLoad > 0;

    /// <summary>
    /// Exhaustive search: over every choice of at most k eligible reviewers (positive affinity, allowed, distinct
    /// institutions) per proposal within the loads, the largest number of pairs and, among those, the largest affinity.
    /// </summary>
    public static (int Pairs, long Affinity) BruteForce(Proposal[] proposals, Reviewer[] reviewers, IReadOnlySet<(string, string)> conflicts, int k)
    {
        var options = proposals.Select(p =>
        {
            var eligible = Enumerable.Range(0, reviewers.Length)
                .Where(r => Allowed(p, reviewers[r], conflicts) && Affinity.Score(p, reviewers[r]) > 0).ToArray();
            return Subsets(eligible, k)
                .Where(s => s.Select(r => reviewers[r].Institution).Distinct().Count() == s.Length)
                .Select(s => (Members: s, Affinity: s.Sum(r => (long)Affinity.Score(p, reviewers[r]))))
                .ToArray();
        }).ToArray();
        var load = new int[reviewers.Length];
        var best = (Pairs: -1, Affinity: -1L);
        void Search(int p, int pairs, long affinity)
        {
            if (p == proposals.Length)
            {
                if (pairs > best.Pairs || (pairs == best.Pairs && affinity > best.Affinity))
                {
                    best = (pairs, affinity);
                }
                return;
            }
            foreach (var (members, a) in options[p])
            {
                if (members.Any(r => load[r] >= reviewers[r].MaxLoad))
                {
                    continue;
                }
                foreach (var r in members)
                {
                    load[r]++;
                }
                Search(p + 1, pairs + members.Length, affinity + a);
                foreach (var r in members)
                {
                    load[r]--;
                }
            }
        }
        Search(0, 0, 0);
        return best;
    }

    private static IEnumerable<int[]> Subsets(int[] items, int maxSize)
    {
        yield return [];
        for (var i = 0; i < items.Length; i++)
        {
            foreach (var rest in Subsets(items[(i + 1)..], maxSize - 1).Where(_ => maxSize > 0))
            {
                yield return [items[i], .. rest];
            }
        }
    }

    /// <summary>Asserts every hard constraint of an assignment and returns nothing; a failure names the broken rule.</summary>
    public static void AssertHardConstraints(AssignmentResult result, Proposal[] proposals, Reviewer[] reviewers, IReadOnlySet<(string, string)> conflicts, int k)
    {
        var byProposal = proposals.ToDictionary(p => p.Id);
        var byReviewer = reviewers.ToDictionary(r => r.Id);
        foreach (var pair in result.Pairs)
        {
            var p = byProposal[pair.ProposalId];
            var r = byReviewer[pair.ReviewerId];
            Assert.DoesNotContain(r.Institution, p.ApplicantInstitutions);
            Assert.DoesNotContain((r.Id, p.Id), conflicts);
            Assert.Equal(Affinity.Score(p, r), pair.Affinity);
            Assert.True(pair.Affinity > 0);
        }
        Assert.Equal(result.Pairs.Count, result.Pairs.Select(x => (x.ProposalId, x.ReviewerId)).Distinct().Count());
        foreach (var group in result.Pairs.GroupBy(x => x.ReviewerId))
        {
            Assert.True(group.Count() <= byReviewer[group.Key].MaxLoad, $"{group.Key} over its load");
        }
        foreach (var group in result.Pairs.GroupBy(x => x.ProposalId))
        {
            Assert.True(group.Count() <= k);
            Assert.Equal(group.Count(), group.Select(x => byReviewer[x.ReviewerId].Institution).Distinct().Count());
        }
        var counts = result.Pairs.GroupBy(x => x.ProposalId).ToDictionary(g => g.Key, g => g.Count());
        var shortIds = result.ShortProposals.Select(s => s.ProposalId).ToHashSet();
        foreach (var p in proposals)
        {
            Assert.Equal(counts.GetValueOrDefault(p.Id) < k, shortIds.Contains(p.Id));
        }
        Assert.Equal(result.Pairs.Sum(x => (long)x.Affinity), result.TotalAffinity);
    }
}

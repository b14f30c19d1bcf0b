using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Chuanyu.Matching.Draws;

/// <summary>Why a draw could not fill its panel (null on <see cref="DrawOutcome.Shortfall"/> when it could).</summary>
public enum DrawShortfall
{
    TooFewCandidates,
    TooFewSenior,
    TooFewOtherRegion,
}

/// <summary>A draw's result: the panel and the alternates (候补) in draw order.</summary>
/// <param name="Panel">The panel; shorter than the spec's size exactly when <paramref name="Shortfall"/> is set.</param>
/// <param name="Alternates">The alternates; may be fewer than asked without a shortfall.</param>
/// <param name="Shortfall">Which need could not be met, or null when the panel is complete.</param>
public sealed record DrawOutcome(IReadOnlyList<DrawCandidate> Panel, IReadOnlyList<DrawCandidate> Alternates, DrawShortfall? Shortfall);

/// <summary>
/// The verifiable expert draw, algorithm version 1 (docs/expert-draws.md is the contract; tools/verify_draw.py
/// re-implements it). The draw is a deterministic function of the seed and the frozen candidate list, so that once the
/// seed is revealed anyone can recompute the panel; the seed's commitment is published before the draw.
/// </summary>
public static class ExpertDraw
{
    /// <summary>Lower-case hex of the hash of the canonical candidate list (sorted by id, one tab-separated line each).</summary>
    public static string CandidateListHash(IEnumerable<DrawCandidate> candidates, DrawHash hash)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(hash);
        // The platform hands the list over sorted already: then it is only checked, not sorted again.
        var list = candidates as IReadOnlyList<DrawCandidate> ?? candidates.ToList();
        var sorted = SortedById(list) ? list : list.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        var text = new ArrayBufferWriter<byte>(Math.Max(sorted.Count * 100, 16));
        for (var i = 0; i < sorted.Count; i++)
        {
            var c = sorted[i];
            CheckField(c.Id, nameof(DrawCandidate.Id));
            CheckField(c.Institution, nameof(DrawCandidate.Institution));
            CheckField(c.Region, nameof(DrawCandidate.Region));
            if (i > 0 && string.Equals(sorted[i - 1].Id, c.Id, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Candidate id {c.Id} is on the list twice.", nameof(candidates));
            }
            Utf8(text, c.Id, (byte)'\t');
            Utf8(text, c.Institution, (byte)'\t');
            Utf8(text, c.Region, (byte)'\t');
            var end = text.GetSpan(2);
            end[0] = c.Senior ? (byte)'1' : (byte)'0';
            end[1] = (byte)'\n';
            text.Advance(2);
        }
        return Convert.ToHexStringLower(hash.Compute(text.WrittenSpan.ToArray()));
    }

    private static void Utf8(ArrayBufferWriter<byte> to, string value, byte separator)
    {
        var span = to.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length) + 1);
        var n = Encoding.UTF8.GetBytes(value, span);
        span[n] = separator;
        to.Advance(n + 1);
    }

    private static bool SortedById(IReadOnlyList<DrawCandidate> list)
    {
        for (var i = 1; i < list.Count; i++)
        {
            if (string.CompareOrdinal(list[i - 1].Id, list[i].Id) > 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A fresh 32-byte seed from the operating system's cryptographic generator.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(32);

    /// <summary>The published commitment to a seed: lower-case hex of hash(seed).</summary>
    public static string Commitment(byte[] seed, DrawHash hash)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(hash);
        return Convert.ToHexStringLower(hash.Compute(seed));
    }

    /// <summary>
    /// Draws the panel and the alternates: every candidate gets the key hash(seed ‖ UTF-8(id)); the candidates are walked
    /// in key order and each is taken unless a rule forbids it (see docs/expert-draws.md, "The panel walk").
    /// </summary>
    public static DrawOutcome Run(IReadOnlyList<DrawCandidate> candidates, PanelSpec spec, byte[] seed, DrawHash hash)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(hash);
        ValidateSpec(spec);
        // The order is produced lazily: the walks need its first few dozen candidates, not all of them sorted.
        var order = new LazyKeyOrder(candidates, seed, hash);

        // Per institution (per candidate when institutions do not matter): how many candidates of each kind remain
        // later in the order, so that "can the panel still be completed?" is answered in constant time at every step.
        // The counts do not depend on the order, so every candidate is added as given.
        var pool = new RemainingPool(spec);
        foreach (var c in candidates)
        {
            pool.Add(c);
        }

        var panel = new List<DrawCandidate>(spec.PanelSize);
        var usedInstitutions = new HashSet<string>(StringComparer.Ordinal);
        int r = spec.PanelSize, s = spec.MinSenior, o = spec.MinOtherRegion;
        for (var i = 0; i < order.Count && r > 0; i++)
        {
            var c = order[i];
            // Before c leaves the remaining pool: was the panel completable from c onwards?
            var completableWithC = pool.Completable(r, s, o);
            pool.Remove(c);
            if (spec.OnePerInstitution && usedInstitutions.Contains(c.Institution))
            {
                continue;
            }
            var s1 = Math.Max(s - (c.Senior ? 1 : 0), 0);
            var o1 = Math.Max(o - (IsOtherRegion(c, spec) ? 1 : 0), 0);
            if (s1 > r - 1 || o1 > r - 1)
            {
                continue;
            }
            // Taking c must not make a completable panel uncompletable (then a later candidate fits the rules better).
            if (completableWithC && !pool.CompletableWithout(c, r - 1, s1, o1))
            {
                continue;
            }
            panel.Add(c);
            r--;
            s = s1;
            o = o1;
            if (spec.OnePerInstitution)
            {
                usedInstitutions.Add(c.Institution);
                pool.RetireInstitution(c.Institution);
            }
        }

        var onPanel = new HashSet<string>(panel.Select(p => p.Id), StringComparer.Ordinal);
        var alternates = new List<DrawCandidate>(spec.Alternates);
        for (var i = 0; i < order.Count && alternates.Count < spec.Alternates; i++)
        {
            var c = order[i];
            if (onPanel.Contains(c.Id) || (spec.OnePerInstitution && !usedInstitutions.Add(c.Institution)))
            {
                continue;
            }
            alternates.Add(c);
        }

        DrawShortfall? shortfall = r == 0 ? null
            : s > 0 ? DrawShortfall.TooFewSenior
            : o > 0 ? DrawShortfall.TooFewOtherRegion
            : DrawShortfall.TooFewCandidates;
        return new DrawOutcome(panel, alternates, shortfall);
    }

    /// <summary>
    /// The substitute for a panel member who declined: the first alternate, in alternate order, whose addition to
    /// <paramref name="panelNow"/> (the panel without the member who declined) keeps the panel valid; null when none
    /// does (the platform then makes a new committed draw).
    /// </summary>
    public static DrawCandidate? Substitute(IReadOnlyList<DrawCandidate> panelNow, IReadOnlyList<DrawCandidate> alternatesLeft, PanelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(panelNow);
        ArgumentNullException.ThrowIfNull(alternatesLeft);
        ValidateSpec(spec);
        var senior = panelNow.Count(p => p.Senior);
        var other = panelNow.Count(p => IsOtherRegion(p, spec));
        var institutions = new HashSet<string>(panelNow.Select(p => p.Institution), StringComparer.Ordinal);
        foreach (var a in alternatesLeft)
        {
            if (spec.OnePerInstitution && institutions.Contains(a.Institution))
            {
                continue;
            }
            if (senior + (a.Senior ? 1 : 0) < spec.MinSenior || other + (IsOtherRegion(a, spec) ? 1 : 0) < spec.MinOtherRegion)
            {
                continue;
            }
            return a;
        }
        return null;
    }

    /// <summary>The candidates in draw order: by key hash(seed ‖ UTF-8(id)), unsigned byte-lexicographic, ties by id.</summary>
    internal static List<DrawCandidate> KeyOrder(IReadOnlyList<DrawCandidate> candidates, byte[] seed, DrawHash hash)
    {
        var keyed = new (byte[] Key, DrawCandidate Candidate)[candidates.Count];
        var seen = new HashSet<string>(candidates.Count, StringComparer.Ordinal);
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            if (!seen.Add(c.Id))
            {
                throw new ArgumentException($"Candidate id {c.Id} is on the list twice.", nameof(candidates));
            }
            keyed[i] = (Key(seed, c.Id, hash), c);
        }
        Array.Sort(keyed, static (x, y) =>
        {
            var byKey = x.Key.AsSpan().SequenceCompareTo(y.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(x.Candidate.Id, y.Candidate.Id);
        });
        return keyed.Select(k => k.Candidate).ToList();
    }

    /// <summary>
    /// The draw order of <see cref="KeyOrder"/>, produced on demand: every key is computed up front (into one array, through
    /// <see cref="DrawHash.ComputeInto"/> when given), the candidates go into a binary min-heap (built in linear time), and
    /// <c>order[i]</c> pops the heap until position i is known. A draw of 9 + 3 from 100,000 pops a few dozen instead of
    /// sorting all; a walk that needs the whole order (a pool at its limit) pops all, at the cost of a sort.
    /// </summary>
    internal sealed class LazyKeyOrder
    {
        private const int KeyBytes = 32;
        private readonly IReadOnlyList<DrawCandidate> _candidates;
        private readonly byte[] _keys;
        private readonly ulong[] _prefix;
        private readonly int[] _heap;
        private int _heapCount;
        private readonly List<DrawCandidate> _popped = [];

        public LazyKeyOrder(IReadOnlyList<DrawCandidate> candidates, byte[] seed, DrawHash hash)
        {
            _candidates = candidates;
            var n = candidates.Count;
            CheckUnique(candidates);
            _keys = new byte[n * KeyBytes];
            _prefix = new ulong[n];
            var input = new byte[seed.Length + 64];
            seed.CopyTo(input, 0);
            for (var i = 0; i < n; i++)
            {
                var id = candidates[i].Id;
                ArgumentNullException.ThrowIfNull(id, nameof(candidates));
                var need = seed.Length + Encoding.UTF8.GetMaxByteCount(id.Length);
                if (input.Length < need)
                {
                    Array.Resize(ref input, need);
                }
                var length = seed.Length + Encoding.UTF8.GetBytes(id, input.AsSpan(seed.Length));
                var key = _keys.AsSpan(i * KeyBytes, KeyBytes);
                if (hash.ComputeInto is { } into)
                {
                    into(input.AsSpan(0, length), key);
                }
                else
                {
                    var digest = hash.Compute(input[..length]);
                    if (digest.Length != KeyBytes)
                    {
                        throw new ArgumentException("The draw's hash must give 32 bytes.", nameof(hash));
                    }
                    digest.CopyTo(key);
                }
                _prefix[i] = BinaryPrimitives.ReadUInt64BigEndian(key);
            }
            _heap = new int[n];
            for (var i = 0; i < n; i++)
            {
                _heap[i] = i;
            }
            _heapCount = n;
            for (var i = n / 2 - 1; i >= 0; i--)
            {
                SiftDown(i);
            }
        }

        public int Count => _candidates.Count;

        public DrawCandidate this[int index]
        {
            get
            {
                while (_popped.Count <= index)
                {
                    var top = _heap[0];
                    _heap[0] = _heap[--_heapCount];
                    if (_heapCount > 0)
                    {
                        SiftDown(0);
                    }
                    _popped.Add(_candidates[top]);
                }
                return _popped[index];
            }
        }

        /// <summary>Ids are unique: checked in one pass when the list comes sorted by id (as the platform gives it), else with a set.</summary>
        private static void CheckUnique(IReadOnlyList<DrawCandidate> candidates)
        {
            if (SortedById(candidates))
            {
                for (var i = 1; i < candidates.Count; i++)
                {
                    if (string.Equals(candidates[i - 1].Id, candidates[i].Id, StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"Candidate id {candidates[i].Id} is on the list twice.", nameof(candidates));
                    }
                }
                return;
            }
            var seen = new HashSet<string>(candidates.Count, StringComparer.Ordinal);
            foreach (var c in candidates)
            {
                if (!seen.Add(c.Id))
                {
                    throw new ArgumentException($"Candidate id {c.Id} is on the list twice.", nameof(candidates));
                }
            }
        }

        /// <summary>By key (unsigned bytes from the first on; the first eight as one big-endian number), ties by id, ordinal.</summary>
        private int Compare(int a, int b)
        {
            var byPrefix = _prefix[a].CompareTo(_prefix[b]);
            if (byPrefix != 0)
            {
                return byPrefix;
            }
            var byKey = _keys.AsSpan(a * KeyBytes, KeyBytes).SequenceCompareTo(_keys.AsSpan(b * KeyBytes, KeyBytes));
            return byKey != 0 ? byKey : string.CompareOrdinal(_candidates[a].Id, _candidates[b].Id);
        }

        private void SiftDown(int i)
        {
            var item = _heap[i];
            while (true)
            {
                var child = 2 * i + 1;
                if (child >= _heapCount)
                {
                    break;
                }
                if (child + 1 < _heapCount && Compare(_heap[child + 1], _heap[child]) < 0)
                {
                    child++;
                }
                if (Compare(_heap[child], item) >= 0)
                {
                    break;
                }
                _heap[i] = _heap[child];
                i = child;
            }
            _heap[i] = item;
        }
    }

    /// <summary>A candidate's draw key: hash(seed ‖ UTF-8(id)).</summary>
    internal static byte[] Key(byte[] seed, string id, DrawHash hash)
    {
        var idBytes = Encoding.UTF8.GetBytes(id);
        var input = new byte[seed.Length + idBytes.Length];
        seed.CopyTo(input, 0);
        idBytes.CopyTo(input, seed.Length);
        return hash.Compute(input);
    }

    internal static bool IsOtherRegion(DrawCandidate c, PanelSpec spec) => !string.Equals(c.Region, spec.HomeRegion, StringComparison.Ordinal);

    internal static void ValidateSpec(PanelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.PanelSize < 1)
        {
            throw new ArgumentException("The panel needs at least one expert.", nameof(spec));
        }
        if (spec.Alternates < 0)
        {
            throw new ArgumentException("Alternates cannot be negative.", nameof(spec));
        }
        if (spec.MinSenior < 0 || spec.MinSenior > spec.PanelSize)
        {
            throw new ArgumentException("The senior minimum must lie between 0 and the panel size.", nameof(spec));
        }
        if (spec.MinOtherRegion < 0 || spec.MinOtherRegion > spec.PanelSize)
        {
            throw new ArgumentException("The other-region minimum must lie between 0 and the panel size.", nameof(spec));
        }
        ArgumentNullException.ThrowIfNull(spec.HomeRegion);
    }

    private static void CheckField(string value, string name)
    {
        if (value is null || value.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
        {
            throw new ArgumentException($"A candidate's {name} is missing or holds a tab or line break.", nameof(value));
        }
    }

    /// <summary>
    /// The candidates not yet walked past, grouped by institution (by candidate when institutions may repeat), with the
    /// count of groups per class. A group's class is the best it can give one panel seat: senior and other-region
    /// together, either one (flexible), only senior, only other-region, or only a seat.
    /// </summary>
    private sealed class RemainingPool(PanelSpec spec)
    {
        // Kinds of candidate: 0 senior+other, 1 senior only, 2 other only, 3 neither.
        private readonly Dictionary<string, int[]> _groups = new(StringComparer.Ordinal);
        private readonly HashSet<string> _retired = new(StringComparer.Ordinal);
        // Classes of group: 0 both, 1 flexible (senior-only and other-only), 2 senior only, 3 other only, 4 seat only.
        private readonly int[] _classCounts = new int[5];

        public void Add(DrawCandidate c) => Change(c, +1);

        public void Remove(DrawCandidate c) => Change(c, -1);

        /// <summary>An institution on the panel: none of its candidates can take a seat any more.</summary>
        public void RetireInstitution(string institution)
        {
            if (_groups.TryGetValue(institution, out var kinds) && _retired.Add(institution))
            {
                var cls = Class(kinds);
                if (cls >= 0)
                {
                    _classCounts[cls]--;
                }
            }
        }

        /// <summary>Can <paramref name="seats"/> seats with the minimums be filled from the remaining pool?</summary>
        public bool Completable(int seats, int senior, int other) => Feasible(_classCounts, seats, senior, other);

        /// <summary>As <see cref="Completable"/>, when <paramref name="taken"/> (already removed) sits on the panel.</summary>
        public bool CompletableWithout(DrawCandidate taken, int seats, int senior, int other)
        {
            if (!spec.OnePerInstitution)
            {
                return Feasible(_classCounts, seats, senior, other);
            }
            var counts = (int[])_classCounts.Clone();
            if (_groups.TryGetValue(taken.Institution, out var kinds) && !_retired.Contains(taken.Institution))
            {
                var cls = Class(kinds);
                if (cls >= 0)
                {
                    counts[cls]--;
                }
            }
            return Feasible(counts, seats, senior, other);
        }

        private void Change(DrawCandidate c, int delta)
        {
            var group = spec.OnePerInstitution ? c.Institution : c.Id;
            if (!_groups.TryGetValue(group, out var kinds))
            {
                kinds = new int[4];
                _groups[group] = kinds;
            }
            var live = !_retired.Contains(group);
            var before = Class(kinds);
            var other = IsOtherRegion(c, spec);
            kinds[c.Senior ? (other ? 0 : 1) : (other ? 2 : 3)] += delta;
            var after = Class(kinds);
            if (live && before != after)
            {
                if (before >= 0)
                {
                    _classCounts[before]--;
                }
                if (after >= 0)
                {
                    _classCounts[after]++;
                }
            }
        }

        private static int Class(int[] kinds) =>
            kinds[0] > 0 ? 0
            : kinds[1] > 0 && kinds[2] > 0 ? 1
            : kinds[1] > 0 ? 2
            : kinds[2] > 0 ? 3
            : kinds[3] > 0 ? 4
            : -1;

        /// <summary>
        /// One seat per group. Groups that give both are always worth taking first; then senior-only and other-only
        /// groups cover their own need, flexible groups cover what is left of either, and any group fills a seat.
        /// </summary>
        private static bool Feasible(int[] counts, int seats, int senior, int other)
        {
            if (seats <= 0)
            {
                return senior <= 0 && other <= 0;
            }
            var both = Math.Min(counts[0], seats);
            var seatsLeft = seats - both;
            var needSenior = Math.Max(senior - both, 0);
            var needOther = Math.Max(other - both, 0);
            var fromSenior = Math.Min(counts[2], needSenior);
            var fromOther = Math.Min(counts[3], needOther);
            var fromFlexible = needSenior - fromSenior + needOther - fromOther;
            if (fromFlexible > counts[1] || needSenior + needOther > seatsLeft)
            {
                return false;
            }
            var spare = counts[0] - both + counts[1] - fromFlexible + counts[2] - fromSenior + counts[3] - fromOther + counts[4];
            return seatsLeft - needSenior - needOther <= spare;
        }
    }
}

using System.Diagnostics;
using JiebaNet.Analyser;
using JiebaNet.Segmenter;

namespace Chuanyu.Web.Features.Experts;

/// <summary>A keyword of a demand's text and its TF-IDF weight (jieba's IDF table; the median IDF for a word it lacks).</summary>
public sealed record DemandKeyword(string Word, double Weight);

/// <summary>
/// The keywords of a technology demand's text, by jieba.NET's TF-IDF extraction (<see cref="TfidfExtractor"/>): the
/// text is segmented with jieba's dictionary plus a user dictionary of domain words — the GB/T 13745 discipline names
/// and the experts' own keywords and industry fields — so 扫描电镜 or 正极材料 stay whole instead of 扫描/电镜; stop words
/// are jieba's list and <c>Data/Reference/demand-stopwords.txt</c> (需求, 企业, 希望 … say nothing about expertise).
/// <para>jieba keeps its dictionary in a process-wide singleton (<c>WordDictionary.Instance</c>, a plain
/// <c>Dictionary</c>): reading it from several threads is safe (its own tests cut in parallel), adding words while
/// another thread cuts is not. So the extractor is built once, lazily (the dictionaries take seconds to load,
/// <see cref="LoadTime"/>), every extraction holds a read lock and every batch of added words the write lock.</para>
/// </summary>
public static class DemandKeywords
{
    /// <summary>At most this many keywords are taken from a text (the strongest by TF-IDF).</summary>
    public const int MaxKeywords = 8;

    private static readonly ReaderWriterLockSlim Guard = new();
    private static readonly HashSet<string> UserWords = new(StringComparer.Ordinal);
    private static readonly Lazy<(TfidfExtractor Extractor, TimeSpan LoadTime)> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding jieba's dictionaries, copied beside the assembly by the web project (Chuanyu.Web.csproj).</summary>
    public static string ResourceFolder => Path.Combine(AppContext.BaseDirectory, "Resources");

    /// <summary>How long loading jieba's dictionaries, the IDF table and the discipline names took (the first call pays it).</summary>
    public static TimeSpan LoadTime => Loaded.Value.LoadTime;

    /// <summary>Stop words of demands (the embedded list), compared after lower-casing.</summary>
    public static IReadOnlySet<string> StopWords { get; } = ReadStopWords();

    /// <summary>
    /// The keywords of <paramref name="text"/>, strongest first: words of two characters or more, not stop words, not
    /// numbers alone; weights as jieba computes them (term frequency × IDF).
    /// </summary>
    public static IReadOnlyList<DemandKeyword> Extract(string text, int count = MaxKeywords)
    {
        var extractor = Loaded.Value.Extractor;
        Guard.EnterReadLock();
        try
        {
            // Ask for more than needed: stop words and bare numbers are dropped after jieba ranks them.
            return extractor.ExtractTagsWithWeight(text, count * 3)
                .Where(p => Keeps(p.Word))
                .Take(count)
                .Select(p => new DemandKeyword(p.Word.Trim(), p.Weight))
                .ToList();
        }
        finally
        {
            Guard.ExitReadLock();
        }
    }

    /// <summary>Adds domain words to the segmenter's dictionary (once each); returns how many were new.</summary>
    public static int AddWords(IEnumerable<string> words)
    {
        _ = Loaded.Value;
        var fresh = new List<string>();
        lock (UserWords)
        {
            foreach (var w in words)
            {
                var word = w.Trim();
                if (word.Length is >= 2 and <= 20 && !word.Any(char.IsWhiteSpace) && UserWords.Add(word))
                {
                    fresh.Add(word);
                }
            }
        }
        if (fresh.Count == 0)
        {
            return 0;
        }
        Guard.EnterWriteLock();
        try
        {
            var segmenter = new JiebaSegmenter();
            foreach (var word in fresh)
            {
                // A frequency high enough to win over the split it would otherwise get (jieba's suggested frequency).
                segmenter.AddWord(word);
            }
        }
        finally
        {
            Guard.ExitWriteLock();
        }
        return fresh.Count;
    }

    /// <summary>Splits a list kept as text (「材料表征、扫描电镜」) into its entries.</summary>
    public static IEnumerable<string> Entries(string? list) =>
        (list ?? "").Split(['、', ',', '，', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool Keeps(string word)
    {
        var w = word.Trim();
        return w.Length >= 2 && !StopWords.Contains(w.ToLowerInvariant()) && !w.All(c => char.IsDigit(c) || char.IsPunctuation(c));
    }

    private static (TfidfExtractor, TimeSpan) Load()
    {
        var started = Stopwatch.GetTimestamp();
        ConfigManager.ConfigFileBaseDir = ResourceFolder;
        var extractor = new TfidfExtractor();
        foreach (var word in StopWords)
        {
            extractor.AddStopWord(word);
        }
        var segmenter = new JiebaSegmenter();
        foreach (var d in DisciplineCodes.All)
        {
            if (d.Name.Length >= 2 && UserWords.Add(d.Name))
            {
                segmenter.AddWord(d.Name);
            }
        }
        return (extractor, Stopwatch.GetElapsedTime(started));
    }

    private static HashSet<string> ReadStopWords()
    {
        using var stream = typeof(DemandKeywords).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demand-stopwords.txt")
            ?? throw new InvalidOperationException("demand-stopwords.txt is not embedded.");
        using var reader = new StreamReader(stream);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var word = line.Trim();
            if (word.Length > 0 && !word.StartsWith('#'))
            {
                words.Add(word.ToLowerInvariant());
            }
        }
        return words;
    }
}

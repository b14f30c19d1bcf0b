using Chuanyu.Web.Features.Search;

namespace Chuanyu.Tests.Search;

/// <summary>The analysis both engines index: what a person types must find the records a person would expect, and nothing of their syntax survives.</summary>
public sealed class ChineseAnalyzerTests
{
    private static readonly ChineseAnalyzer Analyzer = new(ChineseAnalyzer.LoadSynonyms(new StringReader("""
        term,expansion
        电镜,电子显微镜
        扫描电镜,扫描电子显微镜
        核磁,核磁共振
        XRD,X射线衍射仪
        色质,色谱-质谱联用
        """)));

    /// <summary>What the engines do with the indexed tokens: a record matches when every token of one alternative is among its tokens.</summary>
    private static bool Matches(string query, string record)
    {
        var tokens = ChineseAnalyzer.IndexText(record).Split(' ').ToHashSet(StringComparer.Ordinal);
        return Analyzer.Query(query).Any(alternative => alternative.All(tokens.Contains));
    }

    /// <summary>The same for an index written with the synonym table and asked with <see cref="ChineseAnalyzer.IndexedQuery"/>.</summary>
    private static bool MatchesIndexed(string query, string record)
    {
        var tokens = Analyzer.IndexTextWithSynonyms(record).Split(' ').ToHashSet(StringComparer.Ordinal);
        return Analyzer.IndexedQuery(query).Any(alternative => alternative.All(tokens.Contains));
    }

    [Theory]
    [InlineData("扫描电镜", "场发射扫描电子显微镜 Gemini 300")]
    [InlineData("电镜", "透射电子显微镜 JEM-2100F")]
    [InlineData("XRD 衍射", "X射线衍射仪 D8 ADVANCE")]
    [InlineData("XRD衍射", "X射线衍射仪 D8 ADVANCE")]
    [InlineData("ｘｒｄ", "X射线衍射仪 D8 ADVANCE")]
    [InlineData("Ｄ８", "X射线衍射仪 D8 ADVANCE")]
    [InlineData("d8 advance", "X射线衍射仪 D8 ADVANCE")]
    [InlineData("JEM2100F", "透射电子显微镜 JEM-2100F")]
    [InlineData("jem-2100f", "透射电子显微镜 JEM-2100F")]
    [InlineData("2100F", "透射电子显微镜 JEM-2100F")]
    [InlineData("核磁", "600MHz 核磁共振波谱仪 AVANCE NEO")]
    [InlineData("镜", "激光共聚焦显微镜")]
    [InlineData("显微", "激光共聚焦显微镜")]
    [InlineData("色质", "气相色谱-质谱联用仪")]
    [InlineData("ICP-MS", "电感耦合等离子体质谱仪 Agilent 8900 ICP-MS")]
    [InlineData("icpms", "电感耦合等离子体质谱仪 Agilent 8900 ICP-MS")]
    public void TypedQuery_FindsTheRecord(string query, string record)
    {
        Assert.True(Matches(query, record), $"'{query}' should find '{record}'");
        Assert.True(MatchesIndexed(query, record), $"'{query}' should find '{record}' in an index written with the synonyms");
    }

    [Theory]
    [InlineData("扫描电镜", "扫描探针显微镜")]
    [InlineData("电镜", "X射线衍射仪 D8 ADVANCE")]
    [InlineData("核磁", "电感耦合等离子体质谱仪")]
    [InlineData("d8", "D80 分析天平")]
    [InlineData("显微镜", "显微成像系统")]
    public void TypedQuery_DoesNotFindAnUnrelatedRecord(string query, string record)
    {
        Assert.False(Matches(query, record), $"'{query}' should not find '{record}'");
        Assert.False(MatchesIndexed(query, record), $"'{query}' should not find '{record}' in an index written with the synonyms");
    }

    [Fact]
    public void IndexedQuery_AsksForTheAbbreviationAlone_AndKeepsWhatSurroundsIt()
    {
        // The index holds 电镜 wherever 电子显微镜 is written: no OR of the expansion's pairs is left.
        Assert.Equal([["透射", "电镜"]], ChineseAnalyzer.WithoutImplied(ChineseAnalyzer.Default.IndexedQuery("透射电镜")));
        Assert.Equal([["icpms"]], ChineseAnalyzer.WithoutImplied(ChineseAnalyzer.Default.IndexedQuery("ICP-MS")));
        // A character next to the abbreviation still counts: 冷 alone or in the pair 冷电.
        Assert.Equal("('电镜' & (('冷电') | ('冷')))", ChineseAnalyzer.ToTsQuery(ChineseAnalyzer.WithoutImplied(Analyzer.IndexedQuery("冷电镜"))));
        Assert.False(MatchesIndexed("冷电镜", "透射电子显微镜"));
        Assert.True(MatchesIndexed("冷电镜", "冷场发射电子显微镜"));
    }

    [Fact]
    public void IndexTextWithSynonyms_AddsTheAbbreviation_WhereTheExpansionIsWritten_WithOrWithoutPunctuation()
    {
        Assert.Equal(ChineseAnalyzer.IndexText("透射电子显微镜") + " " + ChineseAnalyzer.IndexText("电镜"), Analyzer.IndexTextWithSynonyms("透射电子显微镜"));
        Assert.EndsWith(" " + ChineseAnalyzer.IndexText("色质"), Analyzer.IndexTextWithSynonyms("气相色谱质谱联用仪"), StringComparison.Ordinal);
        Assert.EndsWith(" " + ChineseAnalyzer.IndexText("色质"), Analyzer.IndexTextWithSynonyms("气相色谱—质谱联用仪"), StringComparison.Ordinal);
        // Scattered words are not the expansion.
        Assert.Equal(ChineseAnalyzer.IndexText("电子天平与显微镜"), Analyzer.IndexTextWithSynonyms("电子天平与显微镜"));
        Assert.Equal("", Analyzer.IndexTextWithSynonyms("  "));
        // Another table is another stamp; the same table the same one.
        Assert.NotEqual(Analyzer.SynonymsStamp, ChineseAnalyzer.Default.SynonymsStamp);
        using var table = new StreamReader(typeof(ChineseAnalyzer).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.search-synonyms.csv")!);
        Assert.Equal(ChineseAnalyzer.Default.SynonymsStamp, new ChineseAnalyzer(ChineseAnalyzer.LoadSynonyms(table)).SynonymsStamp);
    }

    [Fact]
    public void IndexText_HasCharactersPairsAndWholeAndJoinedWords()
    {
        Assert.Equal("扫 扫描 描 描电 电 电镜 镜", ChineseAnalyzer.IndexText("扫描电镜"));
        Assert.Equal("jem 2100f jem2100f", ChineseAnalyzer.IndexText("JEM-2100F"));
        Assert.Equal("x 射 射线 线", ChineseAnalyzer.IndexText("Ｘ射线"));
        Assert.Equal("", ChineseAnalyzer.IndexText("——（）！"));
    }

    [Fact]
    public void Query_WithSynonyms_KeepsTheTypedFormFirst()
    {
        var alternatives = Analyzer.Query("扫描电镜");
        Assert.Equal(["扫描", "描电", "电镜"], alternatives[0]);
        Assert.Contains(alternatives, a => a.SequenceEqual(["扫描", "电子", "子显", "显微", "微镜"]));
        Assert.True(alternatives.Count <= ChineseAnalyzer.MaxAlternatives);
        Assert.Empty(Analyzer.Query("（）——！？"));
    }

    [Theory]
    [InlineData("\" OR 1=1 --")]
    [InlineData("电镜\" OR \"")]
    [InlineData("*) NEAR(a b")]
    [InlineData("'; DROP TABLE resources; --")]
    [InlineData("a & b | !c:*")]
    public void HostileQueries_BecomePlainQuotedTokens(string query)
    {
        var alternatives = Analyzer.Query(query);
        Assert.All(alternatives.SelectMany(a => a), token => Assert.True(token.All(char.IsLetterOrDigit), token));
        var fts = ChineseAnalyzer.ToFts5(alternatives);
        var ts = ChineseAnalyzer.ToTsQuery(alternatives);
        // Outside the quotes only the analyzer's own operators and parentheses remain.
        Assert.Equal("", System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(fts, @"""[\p{L}\p{N}]+""", ""), @" AND | OR |[()]", ""));
        Assert.Equal("", System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(ts, @"'[\p{L}\p{N}]+'", ""), @" & | \| |[()]", ""));
    }

    [Theory]
    [InlineData("扫描电镜", "场发射扫描电子显微镜 Gemini 300")]
    [InlineData("电镜", "透射电子显微镜 Talos F200X")]
    [InlineData("XRD 衍射", "X射线衍射仪 D8 ADVANCE")]
    [InlineData("核磁", "核磁共振波谱仪 AVANCE NEO 600")]
    public void PlatformSynonymTable_ExpandsTheAbbreviationsPeopleType(string query, string record)
    {
        var tokens = ChineseAnalyzer.IndexText(record).Split(' ').ToHashSet(StringComparer.Ordinal);
        Assert.Contains(ChineseAnalyzer.Default.Query(query), alternative => alternative.All(tokens.Contains));
    }

    [Fact]
    public void WithoutImplied_DropsAlternativesAnotherAlreadyCovers_AndMatchesTheSameRecords()
    {
        // 粒度 → 粒度分析仪, 激光粒度仪, 粒度分布测量仪: every expansion contains the pair 粒度, so only it is asked for.
        Assert.Equal([["粒度"]], ChineseAnalyzer.WithoutImplied(ChineseAnalyzer.Default.Query("粒度")));
        // 透射电镜: the expansion 透射电子显微镜 holds every token of 透射 + 电子显微镜 (from 电镜) and is dropped; the typed form stays.
        var tem = ChineseAnalyzer.Default.Query("透射电镜");
        var minimal = ChineseAnalyzer.WithoutImplied(tem);
        Assert.Equal(tem[0], minimal[0]);
        Assert.True(minimal.Count < tem.Count);
        Assert.DoesNotContain(minimal, a => a.SequenceEqual(["透射", "射电", "电子", "子显", "显微", "微镜"]));
        // The token both keep is asked for once, outside the OR.
        Assert.Equal("(\"透射\" AND ((\"射电\" AND \"电镜\") OR (\"电子\" AND \"子显\" AND \"显微\" AND \"微镜\")))", ChineseAnalyzer.ToFts5(minimal));
        Assert.Equal("('透射' & (('射电' & '电镜') | ('电子' & '子显' & '显微' & '微镜')))", ChineseAnalyzer.ToTsQuery(minimal));
        // Alternatives with nothing in common are all kept.
        Assert.Equal(Analyzer.Query("XRD").Count, ChineseAnalyzer.WithoutImplied(Analyzer.Query("XRD")).Count);

        string[] records = ["激光粒度仪 Mastersizer 3000", "粒度分布测量仪", "透射电子显微镜 JEM-2100F", "透射电镜样品杆", "电子显微镜", "X射线衍射仪 D8 ADVANCE",
            "场发射扫描电子显微镜", "粒子计数器", "透射光谱仪"];
        foreach (var query in new[] { "粒度", "透射电镜", "扫描电镜", "电镜", "XRD 衍射", "色质" })
        {
            var all = ChineseAnalyzer.Default.Query(query);
            var fewer = ChineseAnalyzer.WithoutImplied(all);
            foreach (var record in records)
            {
                var tokens = ChineseAnalyzer.IndexText(record).Split(' ').ToHashSet(StringComparer.Ordinal);
                Assert.Equal(all.Any(a => a.All(tokens.Contains)), fewer.Any(a => a.All(tokens.Contains)));
            }
        }
    }
    [Theory]
    [InlineData("电镜 扫描 电镜 电镜x", "电镜", 2)]
    [InlineData("x电镜 电镜x", "电镜", 0)]
    [InlineData("jem2100f jem2100", "jem2100", 1)]
    [InlineData("", "电镜", 0)]
    public void Occurrences_CountsWholeTokensOnly(string tokens, string token, int expected) =>
        Assert.Equal(expected, Chuanyu.Web.Features.Search.SearchService.Occurrences(tokens, token));

    [Theory]
    [InlineData("", 0)]
    [InlineData("电镜", 1)]
    [InlineData(" 电镜  扫描 ", 2)]
    public void TokenCount_CountsTokensBetweenSpaces(string tokens, int expected) =>
        Assert.Equal(expected, Chuanyu.Web.Features.Search.SearchService.TokenCount(tokens));

    [Fact]
    public void StoredTokens_CountTheSameAsTheAnalyser()
    {
        var stored = ChineseAnalyzer.IndexText("场发射扫描电子显微镜 Gemini 300，扫描电镜");
        var split = stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(split.Length, Chuanyu.Web.Features.Search.SearchService.TokenCount(stored));
        foreach (var token in split.Distinct())
        {
            Assert.Equal(split.Count(t => t == token), Chuanyu.Web.Features.Search.SearchService.Occurrences(stored, token));
        }
    }
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Resources;
using System.Text.RegularExpressions;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Tests.Localization;

/// <summary>
/// One language path (docs/architecture.md, "Messages"): services answer message keys, the edge says them in the
/// reader's language. These tests keep the files complete and every key the code uses known in both languages.
/// </summary>
public sealed partial class MessagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly CultureInfo English = new("en");

    /// <summary>The message files: Resources/Messages/{Area}.resx, by area.</summary>
    private static Dictionary<string, (Dictionary<string, string> Zh, Dictionary<string, string> En)> Files()
    {
        var assembly = typeof(Message).Assembly;
        var prefix = "Chuanyu.Web.Resources.Messages.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".resources", StringComparison.Ordinal))
            .Select(n => n[prefix.Length..^".resources".Length])
            .ToDictionary(area => area, area =>
            {
                var manager = new ResourceManager(Messages.BaseName(area), assembly);
                return (Read(manager, CultureInfo.InvariantCulture), Read(manager, English));
            });
    }

    private static Dictionary<string, string> Read(ResourceManager manager, CultureInfo culture) =>
        manager.GetResourceSet(culture, true, false)?.Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!)
        ?? [];

    [Fact]
    public void EveryFile_HasTheSameKeysInBothLanguages_ChineseInOne_NoneInTheOther_TheSamePlaceholders()
    {
        var files = Files();
        Assert.Contains("Common", files.Keys);
        foreach (var (area, (zh, en)) in files)
        {
            Assert.True(zh.Count > 0, $"{area}: no Chinese entries");
            Assert.Empty(zh.Keys.Except(en.Keys).Select(k => $"{area}: {k} has no English"));
            Assert.Empty(en.Keys.Except(zh.Keys).Select(k => $"{area}: {k} has no Chinese"));
            Assert.Empty(zh.Keys.Where(k => !k.StartsWith(area + ".", StringComparison.Ordinal)).Select(k => $"{area}: {k} belongs in another file"));
            Assert.Empty(zh.Where(kv => !Cjk().IsMatch(kv.Value) && !kv.Key.Contains(".Problem.", StringComparison.Ordinal) && kv.Value.Any(char.IsLetter))
                .Select(kv => $"{area}: {kv.Key} is not Chinese"));
            Assert.Empty(en.Where(kv => Cjk().IsMatch(kv.Value)).Select(kv => $"{area}: {kv.Key} has Chinese in English: {kv.Value}"));
            Assert.Empty(zh.Where(kv => !Placeholders(kv.Value).SetEquals(Placeholders(en[kv.Key])))
                .Select(kv => $"{area}: {kv.Key} has other placeholders in English"));
        }
    }

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value)];

    [Fact]
    public void EveryKeyTheCodeNames_IsInBothLanguages()
    {
        var files = Files();
        var shared = new ResourceManager("Chuanyu.Web.Resources.SharedResource", typeof(Message).Assembly);
        var sharedZh = Read(shared, CultureInfo.InvariantCulture);
        var sharedEn = Read(shared, English);
        var areas = string.Join('|', files.Keys.Select(Regex.Escape));
        var key = new Regex($"\"((?:{areas})\\.[A-Za-z][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)*)\"");
        var missing = new List<string>();
        var named = 0;
        foreach (var file in SourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match m in key.Matches(lines[i]))
                {
                    named++;
                    var k = m.Groups[1].Value;
                    var area = Messages.AreaOf(k);
                    var inMessages = files[area].Zh.ContainsKey(k) && files[area].En.ContainsKey(k);
                    var inShared = sharedZh.ContainsKey(k) && sharedEn.ContainsKey(k);
                    if (!inMessages && !inShared)
                    {
                        missing.Add($"{Path.GetRelativePath(SourceRoot(), file)}:{i + 1}: {k}");
                    }
                }
            }
        }
        Assert.True(named > 0, "the scan found no key at all");
        Assert.True(missing.Count == 0, "keys without both languages:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void AnEnumWithLabels_HasOneForEveryValue()
    {
        var files = Files();
        var missing = new List<string>();
        foreach (var type in typeof(Message).Assembly.GetTypes().Where(t => t.IsEnum))
        {
            var area = Messages.AreaOf(type);
            if (!files.TryGetValue(area, out var file) || !file.Zh.Keys.Any(k => k.StartsWith($"{area}.{type.Name}.", StringComparison.Ordinal)))
            {
                continue;
            }
            missing.AddRange(Enum.GetValues(type).Cast<Enum>().Select(v => Messages.Label(v).Key).Where(k => !file.Zh.ContainsKey(k)));
        }
        Assert.Empty(missing);
    }

    [Fact]
    public void AMessage_IsSaidInTheCulture_WithItsArguments_AndAnUnknownKeyShowsItself()
    {
        var message = Paging.Reason;
        Assert.Equal("页码为 1–10000，每页 1–200 条。", Messages.Translate(message, new CultureInfo("zh-CN")));
        Assert.Equal("Page numbers run from 1 to 10000, with 1 to 200 rows a page.", Messages.Translate(message, English));
        Assert.Equal("Common.NoSuchKey", Messages.Translate(new Message("Common.NoSuchKey"), English));
        Assert.Equal(new Message("Common.PageOutOfRange", 10000, 200), message);
    }

    [Fact]
    public async Task ApiErrors_CarryACode_AndSpeakTheClientsLanguage_ChineseByDefault()
    {
        var client = factory.CreateClient();
        var chinese = await (await client.GetAsync("/api/v1/organizations?page=0")).AssertProblemAsync(400);
        Assert.Equal("validation", chinese.GetProperty("code").GetString());
        Assert.Equal("Common.PageOutOfRange", chinese.GetProperty("errorCodes").GetProperty("page")[0].GetString());
        Assert.Matches(Cjk(), chinese.GetProperty("errors").GetProperty("page")[0].GetString()!);
        Assert.Matches(Cjk(), chinese.GetProperty("title").GetString()!);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/organizations?page=0");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en-GB"));
        var english = await (await client.SendAsync(request)).AssertProblemAsync(400);
        Assert.Equal("validation", english.GetProperty("code").GetString());
        Assert.DoesNotMatch(Cjk(), english.GetProperty("errors").GetProperty("page")[0].GetString()!);
        Assert.DoesNotMatch(Cjk(), english.GetProperty("title").GetString()!);

        // A route that does not exist: the framework's 404, named too.
        var none = await (await client.GetAsync("/api/v1/no-such-thing")).AssertProblemAsync(404);
        Assert.Equal("notFound", none.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Pages_DoNotFollowTheBrowsersLanguage_OnlyTheSwitch()
    {
        var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Accounts/Login");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en-US"));
        var html = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("lang=\"zh-CN\"", html, StringComparison.Ordinal);
    }

    private static string SourceRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "src", "Chuanyu.Web")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("src/Chuanyu.Web"), "src", "Chuanyu.Web");
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(SourceRoot(), "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();

    [GeneratedRegex(@"\{(\d+)(?:[:,][^}]*)?\}")]
    private static partial Regex Placeholder();
}

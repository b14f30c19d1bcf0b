using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Chuanyu.BrowserTests.Infrastructure;

/// <summary>
/// Runs axe-core (vendored in <c>axe/axe.min.js</c>, MPL-2.0, copied to the test output) on the page in the browser
/// and returns the violations of WCAG 2.0/2.1 level A and AA rules whose impact is serious or critical.
/// </summary>
/// <remarks>
/// The script is evaluated through <see cref="IPage.EvaluateAsync(string, object?)"/> (the DevTools protocol), not added
/// as a <c>&lt;script&gt;</c> element, so the site's <c>script-src 'self'</c> policy stays in force and untouched.
/// </remarks>
public static class AxeCheck
{
    private static readonly Lazy<string> AxeSource = new(() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js")));

    private const string RunScript = """
        async () => {
            const result = await axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                resultTypes: ['violations'],
            });
            return JSON.stringify(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({ target: n.target.join(' '), summary: n.failureSummary ?? '' })),
                })));
        }
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The serious and critical violations on the page as it stands once the network is idle (htmx parts loaded).</summary>
    public static async Task<IReadOnlyList<AxeViolation>> SeriousViolationsAsync(IPage page)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(AxeSource.Value);
        }
        var json = await page.EvaluateAsync<string>(RunScript);
        return JsonSerializer.Deserialize<List<AxeViolation>>(json, Json) ?? [];
    }

    /// <summary>One line per rule and one indented line per element: what the assertion message shows.</summary>
    public static string Describe(string pageName, IEnumerable<AxeViolation> violations)
    {
        var text = new StringBuilder();
        foreach (var v in violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{pageName}: {v.Id} ({v.Impact}, {v.Nodes.Count} element(s)) {v.Help} <{v.HelpUrl}>");
            foreach (var node in v.Nodes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {node.Target} — {node.Summary.ReplaceLineEndings(" ")}");
            }
        }
        return text.ToString();
    }
}

public sealed record AxeViolation(string Id, string Impact, string Help, string HelpUrl, IReadOnlyList<AxeNode> Nodes);

public sealed record AxeNode(string Target, string Summary);

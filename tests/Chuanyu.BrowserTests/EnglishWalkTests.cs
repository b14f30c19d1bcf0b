using System.Text;
using System.Text.RegularExpressions;
using Chuanyu.BrowserTests.Infrastructure;
using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// One language path (docs/architecture.md, "Messages"): every demo role walks its main pages in English and finds no
/// Chinese outside data. Data is what the database holds (names, addresses, titles, descriptions) and the reference
/// files the platform ships (divisions, the instrument classification): a run of Chinese characters on the page must
/// occur in one of them. Text marked <c>lang="zh…"</c> (the language switch's 中文) is Chinese on purpose.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed partial class EnglishWalkTests(BrowserFixture browser)
{
    private const string Resource = "{resource}";
    private const string Organization = "{organization}";

    [Fact]
    public async Task PublicPages_InEnglish_ShowNoChineseOutsideData()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/culture/en?returnUrl=%2F");
        await AssertEnglishAsync(page,
            "/",
            "/Search?q=" + Uri.EscapeDataString("电镜"),
            $"/Resources/{Resource}",
            "/Organizations",
            $"/Organizations/Details/{Organization}",
            $"/Organizations/{Organization}/Resources",
            "/Accounts/Login",
            "/Accounts/Register",
            "/Accounts/ForgotPassword",
            "/Signatures/Verify",
            "/Vouchers",
            "/Vouchers/Providers",
            "/Experts");
    }

    [Theory]
    [InlineData("scu.researcher@chuanyu.demo", "/Me", "/Me/Bookings", "/Me/ServiceOrders", "/Me/Sessions", "/Me/Privacy", "/Me/ChangePassword", "/Me/TwoFactor")]
    [InlineData("engineer@chuanyu.demo", $"/Resources/{Resource}", $"/Resources/{Resource}/Book", $"/Resources/{Resource}/Order", "/Me/Bookings")]
    [InlineData("cqu.instrument@chuanyu.demo", "/Me/Resources", "/Me/BookingQueue", "/Me/ServiceOrderQueue", $"/Resources/{Resource}", $"/Resources/{Resource}/BookingRules", $"/Resources/{Resource}/Achievements", $"/Me/Resources/{Resource}/Edit", "/Me/Resources/New", "/Me/Resources/Import", "/Me/UsageStatement")]
    [InlineData("cq.admin@chuanyu.demo", "/Me/BookingQueue", "/Evaluation", "/Evaluation/Scheme", "/Admin/Organizations")]
    [InlineData("auditadmin@chuanyu.demo", "/Admin/Audit")]
    [InlineData("secadmin@chuanyu.demo", "/Admin/Users", "/Admin/ApiClients", "/Admin/SecurityPolicy")]
    [InlineData("sysadmin@chuanyu.demo", "/Admin/System", "/Admin/Outbox")]
    [InlineData("sc.admin@chuanyu.demo", "/Vouchers/Admin/Programmes", "/Vouchers/Admin/Applications", "/Vouchers/Admin/Providers")]
    // integrity: the shared records and the form
    [InlineData("cq.admin@chuanyu.demo", "/Admin/Integrity", "/Admin/Integrity/Edit")]
    [InlineData("cqu.admin@chuanyu.demo", "/Vouchers/Applications", "/Vouchers/Provider/Register")]
    // xpages: the expert pool's pages
    [InlineData("cq.admin@chuanyu.demo", "/Admin/Experts", "/Admin/Experts/New", "/Admin/Experts/Import")]
    [InlineData("expert1@chuanyu.demo", "/Me/Expert")]
    // review activities (main)
    [InlineData("cq.admin@chuanyu.demo", "/Experts/Reviews")]
    [InlineData("expert1@chuanyu.demo", "/Me/Invitations", "/Me/Relations")]
    // vredeem: the pages of using vouchers
    [InlineData("engineer@chuanyu.demo", "/Vouchers/Mine", "/Vouchers/Redemptions")]
    [InlineData("sc.admin@chuanyu.demo", "/Vouchers/Admin/Redemptions", "/Vouchers/Admin/Ledger")]
    // vsettle
    [InlineData("sc.admin@chuanyu.demo", "/Vouchers/Admin/Payouts", "/Vouchers/Admin/Settlement", "/Vouchers/Admin/Alerts")]
    public async Task SignedInPages_InEnglish_ShowNoChineseOutsideData(string email, params string[] paths)
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, email);
        await page.GotoAsync("/culture/en?returnUrl=%2F");
        await AssertEnglishAsync(page, paths);
    }

    /// <summary>Visits every page (200, no redirect) and collects the Chinese that is not data on all of them before asserting.</summary>
    private async Task AssertEnglishAsync(IPage page, params string[] paths)
    {
        var data = await DataAsync();
        var (resource, organization) = await DemoInstrumentAsync(page);
        var report = new StringBuilder();
        foreach (var template in paths)
        {
            var path = template.Replace(Resource, resource, StringComparison.Ordinal).Replace(Organization, organization, StringComparison.Ordinal);
            var response = await page.GotoAsync(path);
            Assert.True(response is { Status: 200 }, $"{path} answered {response?.Status}");
            Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
            var texts = await page.EvaluateAsync<string[]>(CollectTexts);
            var foreign = texts
                .SelectMany(t => ChineseRun().Matches(t).Select(m => (Run: m.Value, Context: t.Trim())))
                .Where(x => !data.Contains(x.Run, StringComparison.Ordinal))
                .Select(x => $"  {path}: “{x.Run}” in “{Shorten(x.Context)}”")
                .Distinct()
                .ToList();
            foreach (var line in foreign)
            {
                report.AppendLine(line);
            }
        }
        Assert.True(report.Length == 0, "Chinese that is not data on English pages:\n" + report);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    /// <summary>Every text node of the body (hidden ones too: menus, dialogs, options), the title, and the words in attributes people meet.</summary>
    private const string CollectTexts = """
        () => {
          const out = [document.title];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const el = walker.currentNode.parentElement;
            if (!el || el.closest('script,style,template,[lang^="zh"]')) continue;
            out.push(walker.currentNode.textContent);
          }
          for (const el of document.querySelectorAll('[title],[placeholder],[aria-label],[alt],input[type=submit],input[type=button]')) {
            if (el.closest('[lang^="zh"]')) continue;
            for (const a of ['title', 'placeholder', 'aria-label', 'alt']) { if (el.getAttribute(a)) out.push(el.getAttribute(a)); }
            if (el.matches('input[type=submit],input[type=button]') && el.value) out.push(el.value);
          }
          return out;
        }
        """;

    private string? _data;

    /// <summary>All the text the database holds and the reference files the platform ships, as one string to search in.</summary>
    private async Task<string> DataAsync()
    {
        if (_data is not null)
        {
            return _data;
        }
        var all = new StringBuilder();
        using (var scope = browser.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned()))
            {
                var table = entity.GetTableName()!;
                foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(string)))
                {
                    var column = property.GetColumnName();
                    // Names from the EF model, not from input: nothing to inject.
                    var sql = "SELECT \"" + column + "\" AS \"Value\" FROM \"" + table + "\" WHERE \"" + column + "\" IS NOT NULL";
                    var values = await db.Database.SqlQueryRaw<string>(sql).ToListAsync();
                    foreach (var v in values)
                    {
                        all.Append(v).Append('\n');
                        AppendJsonStrings(v, all);
                    }
                }
            }
        }
        var assembly = typeof(AppDbContext).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".csv", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            all.Append(await reader.ReadToEndAsync()).Append('\n');
        }
        return _data = all.ToString();
    }

    /// <summary>A value stored as JSON (a run's scheme) holds its text escaped: add its strings as they read.</summary>
    private static void AppendJsonStrings(string value, StringBuilder all)
    {
        if (!value.StartsWith('{') && !value.StartsWith('['))
        {
            return;
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(value);
            var stack = new Stack<System.Text.Json.JsonElement>([doc.RootElement]);
            while (stack.TryPop(out var e))
            {
                switch (e.ValueKind)
                {
                    case System.Text.Json.JsonValueKind.String:
                        all.Append(e.GetString()).Append('\n');
                        break;
                    case System.Text.Json.JsonValueKind.Object:
                        foreach (var p in e.EnumerateObject())
                        {
                            stack.Push(p.Value);
                        }
                        break;
                    case System.Text.Json.JsonValueKind.Array:
                        foreach (var item in e.EnumerateArray())
                        {
                            stack.Push(item);
                        }
                        break;
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON after all: the raw value is already in.
        }
    }

    /// <summary>A run of Chinese characters (CJK ideographs; punctuation alone is not a word).</summary>
    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}+")]
    private static partial Regex ChineseRun();
}

using System.Diagnostics.CodeAnalysis;
using Microsoft.Playwright;

namespace Chuanyu.BrowserTests.Infrastructure;

/// <summary>
/// One running application and one headless Chromium for the whole browser-test collection. Every test opens its own
/// <see cref="IBrowserContext"/> (fresh cookies, so fresh sign-in and language state) with <see cref="NewPageAsync"/>.
/// Uses the system Chromium (<c>PLAYWRIGHT_CHROMIUM_PATH</c>, default <c>/usr/bin/chromium</c>); never downloads one.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes a fixture through IAsyncLifetime.DisposeAsync.")]
public sealed class BrowserFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private KestrelAppFactory? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseAddress { get; private set; } = null!;

    public string DatabaseProvider => _app?.Database.Provider ?? "";

    /// <summary>The running application's services (its database, to tell data from the interface's words).</summary>
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        _app = new KestrelAppFactory();
        BaseAddress = _app.Start();

        var chromium = Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (MissingPrerequisites(chromium, ChineseFontsInstalled()) is { } missing)
        {
            throw new InvalidOperationException(missing);
        }
        UseSystemNodeIfNoBundledDriverNode();
        _playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(15_000);
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A page in a new, isolated browser context whose relative URLs resolve against the app.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "zh-CN",
        });
        // Generous: CI runs both test projects at once on two cores, and password hashing is deliberately slow.
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>The one line a newcomer needs when the machine lacks what the browser tests drive; null when nothing is missing.</summary>
    public static string? MissingPrerequisites(string chromiumPath, bool chineseFonts)
    {
        var packages = new List<string>();
        if (!File.Exists(chromiumPath))
        {
            packages.Add("chromium");
        }
        if (!chineseFonts)
        {
            packages.Add("fonts-noto-cjk");
        }
        return packages.Count == 0 ? null
            : $"The browser tests need {string.Join(" and ", packages)} (Chromium expected at {chromiumPath}, or set PLAYWRIGHT_CHROMIUM_PATH). "
              + $"Install with: sudo apt-get update && sudo apt-get install -y {string.Join(' ', packages)}   — or run `bash test.sh`, which installs them.";
    }

    /// <summary>Whether fontconfig knows a font that covers Chinese (without one every Chinese character is a box).</summary>
    private static bool ChineseFontsInstalled()
    {
        try
        {
            using var fcList = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("fc-list", ":lang=zh family")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            var output = fcList.StandardOutput.ReadToEnd();
            fcList.WaitForExit();
            return output.Trim().Length > 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no fontconfig at all: no fonts for Chromium either
        }
    }

    /// <summary>
    /// The Playwright .NET driver runs on Node. The package normally copies its own Node into the build output
    /// (<c>.playwright/node/&lt;platform&gt;/node</c>); when that is missing, use the system one.
    /// </summary>
    private static void UseSystemNodeIfNoBundledDriverNode()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PLAYWRIGHT_NODEJS_PATH")))
        {
            return;
        }
        var nodeDir = Path.Combine(AppContext.BaseDirectory, ".playwright", "node");
        var bundled = Directory.Exists(nodeDir)
            && Directory.EnumerateDirectories(nodeDir).Any(d => File.Exists(Path.Combine(d, "node")) || File.Exists(Path.Combine(d, "node.exe")));
        if (!bundled && File.Exists("/usr/bin/node"))
        {
            Environment.SetEnvironmentVariable("PLAYWRIGHT_NODEJS_PATH", "/usr/bin/node");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserSuite : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

using Chuanyu.BrowserTests.Infrastructure;

namespace Chuanyu.BrowserTests;

/// <summary>
/// Issue 21, point 6: on a machine with only the .NET SDK the browser tests say what to install, in one line, instead
/// of failing with a launch stack trace.
/// </summary>
public sealed class PrerequisitesTests
{
    [Fact]
    public void MissingChromiumAndFont_NameTheAptLineAndTheScript()
    {
        var message = BrowserFixture.MissingPrerequisites("/nonexistent/chromium", chineseFonts: false);

        Assert.NotNull(message);
        Assert.Contains("apt-get install -y chromium fonts-noto-cjk", message, StringComparison.Ordinal);
        Assert.Contains("bash test.sh", message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheFontMissing_AsksOnlyForTheFont()
    {
        var existing = typeof(PrerequisitesTests).Assembly.Location; // a file that exists, standing in for the browser

        Assert.EndsWith("apt-get install -y fonts-noto-cjk   — or run `bash test.sh`, which installs them.",
            BrowserFixture.MissingPrerequisites(existing, chineseFonts: false), StringComparison.Ordinal);
        Assert.Null(BrowserFixture.MissingPrerequisites(existing, chineseFonts: true));
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// The built platform (<c>dotnet Chuanyu.Web.dll</c>) started in the background as an operator would start it, for tests
/// of what only a real process shows (where Kestrel listens). Disposing it kills it.
/// </summary>
public sealed class PlatformProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PlatformProcess(Process process) => _process = process;

    /// <summary>Everything the process has written so far (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A loopback port nothing listens on at the moment of asking.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    public static PlatformProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }
        // Whatever the test runner's own environment says about addresses, only what the test passes counts.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        start.Environment.Remove("ASPNETCORE_HTTPS_PORTS");
        start.Environment.Remove("DOTNET_URLS");
        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }
        var process = new Process { StartInfo = start };
        var platform = new PlatformProcess(process);
        process.OutputDataReceived += (_, e) => platform.Append(e.Data);
        process.ErrorDataReceived += (_, e) => platform.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return platform;
    }

    /// <summary>
    /// Asks <paramref name="url"/> until it answers 200, at most <paramref name="attempts"/> times half a second apart;
    /// false when it never did or the process ended first.
    /// </summary>
    public async Task<bool> AnswersAsync(Uri url, int attempts = 120)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < attempts && !_process.HasExited; i++)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening there (yet)
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

using System.Diagnostics;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>Runs a program as an operator would (the built app, pg_dump…), with a deadline; returns exit code and output.</summary>
public static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The platform's own command (<c>dotnet Chuanyu.Web.dll COMMAND …</c>) on the given database.</summary>
    public static Task<(int ExitCode, string Output)> RunPlatformAsync(string provider, string connectionString, params string[] commandAndOperands) =>
        RunAsync("dotnet", [typeof(Program).Assembly.Location, .. commandAndOperands], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = provider,
            [$"ConnectionStrings__{provider}"] = connectionString,
        });
}

using Microsoft.Extensions.Logging;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// Where a test host's start-up time goes, for whoever tunes the suite: with <c>CHUANYU_TEST_TIMINGS=/some/file</c>
/// every host appends its start time and the platform's start-up lines ("Database prepared …", the demo's steps at
/// Debug) to that file, one line each. Off (nothing written, nothing logged at Debug) without the variable.
/// </summary>
public static class HostTimings
{
    private static readonly string? File = Environment.GetEnvironmentVariable("CHUANYU_TEST_TIMINGS");
    private static readonly Lock Gate = new();

    public static bool On => File is not null;

    public static void Write(string line)
    {
        if (File is null)
        {
            return;
        }
        lock (Gate)
        {
            System.IO.File.AppendAllText(File, $"{DateTime.UtcNow:HH:mm:ss.fff} {line}{Environment.NewLine}");
        }
    }

    /// <summary>Copies the start-up lines of the platform's log into the file.</summary>
    public sealed class Provider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => category.StartsWith("Chuanyu.Web", StringComparison.Ordinal);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = formatter(state, exception);
                if (text.StartsWith("Database prepared", StringComparison.Ordinal) || text.StartsWith("Demo ", StringComparison.Ordinal))
                {
                    Write($"{category}: {text}");
                }
            }
        }
    }
}

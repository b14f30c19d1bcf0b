using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Evaluation;

/// <summary>
/// <c>evaluate --year Y</c> (registered by <see cref="EvaluationApi.AddEvaluation"/>).
/// Computes the open-sharing evaluation of a year now, with the platform's scheme, as the background runner would
/// (docs/evaluation.md): exit 0 when completed, 1 when it failed, 2 for a usage error.
/// </summary>
public sealed class EvaluateCommand : IPlatformCommand
{
    public string Name => "evaluate";

    public async Task<int> RunAsync(PlatformCommandContext context, string[] args)
    {
        var services = context.Services;
        if (args.Length != 3 || args[1] != "--year" || !int.TryParse(args[2], System.Globalization.CultureInfo.InvariantCulture, out var year) || year is < 2000 or > 2100)
        {
            Console.Error.WriteLine("usage: evaluate --year Y");
            return 2;
        }
        var runner = services.GetRequiredService<EvaluationRunner>();
        var run = await runner.QueueAsync(year, Guid.Empty, CancellationToken.None);
        await services.GetRequiredService<AppDbContext>().SaveChangesAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await runner.RunAsync(run.Id, CancellationToken.None);
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture, $"Evaluation {year} ({run.Id}): {run.Status}, {run.Instruments:N0} instruments, {run.UsageRecords:N0} usage records in {watch.Elapsed.TotalSeconds:F1} s.")
            + (run.Error is null ? "" : $" Error: {run.Error}"));
        await services.GetRequiredService<AuditLog>().RecordAsync("evaluation.start", $"evaluation:{run.Id}", detail: $"{year} 年度（命令行）", actorName: "console"); // audit detail: a record, kept in Chinese
        return run.Status == EvaluationRunStatus.Completed ? 0 : 1;
    }
}

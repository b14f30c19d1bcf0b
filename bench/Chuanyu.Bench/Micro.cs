using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Chuanyu.Web.Features.Accounts;

namespace Chuanyu.Bench;

/// <summary>
/// BenchmarkDotNet entry: every [Benchmark] class in this assembly, run in-process (no generated project, which
/// would not build under this repository's central package pinning). The job is ShortRun (3 warm-up and 3 measured
/// iterations), which keeps a run to seconds per benchmark; <c>--long</c> uses BenchmarkDotNet's default job for more
/// statistical weight. Other arguments go to BenchmarkSwitcher (e.g. <c>--filter *CreditCode*</c>). Artifacts go to
/// bench/results (git-ignored).
/// </summary>
public static class Micro
{
    public static int Run(string[] args)
    {
        var longRun = args.Contains("--long", StringComparer.Ordinal);
        args = args.Where(a => a != "--long").ToArray();
        var config = DefaultConfig.Instance
            .AddJob((longRun ? Job.Default : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(RepositoryRoot(), "bench", "results", "BenchmarkDotNet.Artifacts"))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Micro).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Chuanyu.slnx")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}

/// <summary>Unified social credit code validation (run on every organisation registration and import row).</summary>
[MemoryDiagnoser]
public class CreditCodeBenchmarks
{
    private string _valid = "";
    private string _badCheck = "";
    private string _badCharacter = "";
    private string _tooShort = "";

    [GlobalSetup]
    public void Setup()
    {
        _valid = CreditCode.Complete("91510116MA6C12345");
        _badCheck = _valid[..17] + (_valid[17] == '0' ? '1' : '0');
        _badCharacter = "91510116MA6C1234O0";
        _tooShort = _valid[..10];
    }

    [Benchmark(Baseline = true)]
    public string? ValidCode() => CreditCode.Validate(_valid);

    [Benchmark]
    public string? WrongCheckCharacter() => CreditCode.Validate(_badCheck);

    [Benchmark]
    public string? ForbiddenCharacter() => CreditCode.Validate(_badCharacter);

    [Benchmark]
    public string? WrongLength() => CreditCode.Validate(_tooShort);
}

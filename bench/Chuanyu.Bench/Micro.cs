using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Chuanyu.Web.Features.Accounts;

namespace Chuanyu.Bench;

/// <summary>BenchmarkDotNet entry: every [Benchmark] class in this assembly, run in-process (no generated project).</summary>
public static class Micro
{
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Micro).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
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

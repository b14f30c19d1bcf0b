using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// An operator command that a feature adds to the platform's command line (<c>dotnet Chuanyu.Web.dll NAME …</c>), so
/// <see cref="Commands"/> dispatches by name without naming the feature. Registered with
/// <see cref="PlatformCommandRegistration.AddPlatformCommand{T}"/> by the feature's <c>AddXxx</c>; its name must also be
/// listed in <see cref="Commands.Names"/>, which <c>Program</c> reads before the host (and so DI) exists.
/// </summary>
public interface IPlatformCommand
{
    string Name { get; }

    /// <summary>Runs the command; <paramref name="args"/> are the whole command line, the name first. Returns the exit code.</summary>
    Task<int> RunAsync(PlatformCommandContext context, string[] args);
}

/// <summary>
/// What a command runs with: the services of its own scope, the host's environment, and the host's database preparation
/// (migrated where configured, every <see cref="Data.IDatabasePreparation"/> with the reference data, the demo data where configured).
/// </summary>
public sealed record PlatformCommandContext(IServiceProvider Services, IHostEnvironment Environment, Func<Task> PrepareDatabaseAsync);

public static class PlatformCommandRegistration
{
    /// <summary>Adds a command. Commands take no constructor dependencies (every registered one is created to find one by name); they resolve what they need from the context's services.</summary>
    public static IServiceCollection AddPlatformCommand<T>(this IServiceCollection services)
        where T : class, IPlatformCommand
    {
        services.TryAddEnumerable(ServiceDescriptor.Transient<IPlatformCommand, T>());
        return services;
    }
}

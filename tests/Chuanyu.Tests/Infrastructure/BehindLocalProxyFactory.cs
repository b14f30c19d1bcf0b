using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// The platform behind nginx on the same host: every request arrives from 127.0.0.1, and (unless
/// <see cref="TrustLoopbackProxy"/> is false) 127.0.0.1 is configured as a known proxy, so its
/// <c>X-Forwarded-For</c> is the client's address.
/// </summary>
public class BehindLocalProxyFactory : ChuanyuFactory
{
    protected virtual bool TrustLoopbackProxy => true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (TrustLoopbackProxy)
        {
            builder.UseSetting("ForwardedHeaders:KnownProxies:0", "127.0.0.1");
        }
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, FromLoopback>());
    }

    private sealed class FromLoopback : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(nextMiddleware => context =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chuanyu.Tests.Data;

/// <summary>Two instances of the platform on one database, as behind a load balancer.</summary>
public sealed class MultiInstanceTests
{
    [Fact]
    public async Task TokenIssuedByOneInstance_IsAcceptedByAnother()
    {
        using var first = new ChuanyuFactory();
        _ = first.Services;
        using var second = ChuanyuFactory.OnSameDatabase(first.Database);

        var login = await first.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = Demo.ScuResearcher, password = DemoData.Password });
        var token = (await login.ReadJsonAsync()).GetProperty("accessToken").GetString();

        var other = second.CreateClient();
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await other.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(Demo.ScuResearcher, (await me.ReadJsonAsync()).GetProperty("email").GetString());

        // In one test process both hosts could also fall back to the same per-user key folder; what makes this
        // hold across machines is that the key ring lives in the database, read through our repository.
        Assert.True(await first.WithDbAsync(db => Task.FromResult(db.DataProtectionKeys.Any())));
        var options = second.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;
        Assert.IsType<DatabaseXmlRepository>(options.XmlRepository);

        // Both started on the same database: the second neither re-ran migrations nor seeded twice.
        Assert.Equal(1, await first.WithDbAsync(db => Task.FromResult(db.Users.Count(u => u.Email == Demo.ScuResearcher))));
    }

    [Fact]
    public async Task CookieIssuedByOneInstance_IsAcceptedByAnother()
    {
        using var first = new ChuanyuFactory();
        _ = first.Services;
        using var second = ChuanyuFactory.OnSameDatabase(first.Database);

        // Sign in on the first instance, then present its auth cookie to the second.
        var signIn = await new PageSession(first).SubmitAsync("/Accounts/Login", new Dictionary<string, string> { ["Input.Email"] = Demo.CquOrgAdmin, ["Input.Password"] = DemoData.Password });
        var authCookie = signIn.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("chuanyu.auth=", StringComparison.Ordinal)).Split(';')[0];
        var client = second.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", authCookie);
        var response = await client.GetAsync("/Me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("陈静", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

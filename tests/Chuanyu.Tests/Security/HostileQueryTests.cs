using System.Reflection;
using System.Text;
using Chuanyu.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Chuanyu.Tests.Security;

/// <summary>
/// Hostile values in every query parameter of every GET endpoint and page — a NUL, another control character, and dates
/// at year 1 and year 9999 — are refused or ignored, never a 5xx. The parameters come from the endpoint metadata (the
/// API explorer for the API, the bound properties and handler parameters of each page model), not from a hand list.
/// </summary>
public sealed class HostileQueryTests(ChuanyuFactory factory, ITestOutputHelper output) : IClassFixture<ChuanyuFactory>
{
    private static readonly string[] HostileValues = ["\0", "\u0001x", "0001-01-01", "9999-12-31"];
    private static readonly string[] Roles = [Demo.AuditAdmin, Demo.ChongqingAdmin, Demo.CquInstrumentManager, Demo.SecurityAdmin];

    /// <summary>Every GET route of the API with its query parameter names, from the API explorer.</summary>
    private List<(string Url, List<string> Parameters)> ApiGets()
    {
        var groups = factory.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items;
        var endpoints = factory.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().ToList();
        var result = new List<(string, List<string>)>();
        foreach (var description in groups.SelectMany(g => g.Items).Where(d => d.HttpMethod == "GET"))
        {
            var template = "/" + description.RelativePath!.Split('?')[0];
            var endpoint = endpoints.FirstOrDefault(e => "/" + e.RoutePattern.RawText!.TrimStart('/') == template);
            var url = endpoint is null ? template : RouteValues.Fill(endpoint.RoutePattern);
            var parameters = description.ParameterDescriptions.Where(p => p.Source == BindingSource.Query).Select(p => p.Name).Distinct().ToList();
            result.Add((url, parameters));
        }
        return result;
    }

    /// <summary>
    /// Every page with its GET parameters: the properties bound on GET and the parameters of its OnGet handlers. The page
    /// route comes from the page endpoints; the model by the folder convention (Features/{Folder}/{Name} → {Folder}.{Name}Model).
    /// </summary>
    private List<(string Url, List<string> Parameters)> PageGets()
    {
        var assembly = typeof(Program).Assembly;
        var endpoints = factory.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is not null)
            .GroupBy(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>()!.ViewEnginePath)
            .Select(g => g.OrderBy(e => e.RoutePattern.RawText!.Length).First());
        var result = new List<(string, List<string>)>();
        foreach (var endpoint in endpoints)
        {
            var path = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>()!.ViewEnginePath;
            var parts = path.Trim('/').Split('/');
            var typeName = "Chuanyu.Web.Features." + string.Join('.', parts[..^1].Append(parts[^1] + "Model"));
            var model = assembly.GetType(typeName.Replace("Features..", "Features.", StringComparison.Ordinal));
            var parameters = new List<string>();
            if (model is not null && typeof(PageModel).IsAssignableFrom(model))
            {
                foreach (var property in model.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (property.GetCustomAttribute<BindPropertyAttribute>() is { SupportsGet: true } || property.GetCustomAttribute<FromQueryAttribute>() is not null)
                    {
                        parameters.Add(property.Name);
                    }
                }
                foreach (var handler in model.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name.StartsWith("OnGet", StringComparison.Ordinal)))
                {
                    parameters.AddRange(handler.GetParameters().Where(p => p.ParameterType.IsValueType || p.ParameterType == typeof(string)).Select(p => p.Name!));
                }
            }
            result.Add((RouteValues.Fill(endpoint.RoutePattern), parameters.Distinct().ToList()));
        }
        return result;
    }

    private static string WithQuery(string url, string name, string value) =>
        url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value);

    private static async Task<List<string>> ServerErrorsAsync(HttpClient client, IEnumerable<(string Url, List<string> Parameters)> routes)
    {
        var failures = new List<string>();
        foreach (var (url, parameters) in routes)
        {
            foreach (var name in parameters)
            {
                foreach (var value in HostileValues)
                {
                    var target = WithQuery(url, name, value);
                    var response = await client.GetAsync(target);
                    if ((int)response.StatusCode >= 500)
                    {
                        failures.Add($"{(int)response.StatusCode} GET {target}");
                    }
                }
            }
        }
        return failures;
    }

    [Fact]
    public async Task EveryQueryParameterOfEveryApiGet_RefusesHostileValuesWithoutA5xx()
    {
        var routes = ApiGets();
        Assert.Contains(routes, r => r.Url == "/api/v1/admin/audit/entries" && r.Parameters.Contains("From", StringComparer.OrdinalIgnoreCase));
        Assert.Contains(routes, r => r.Url == "/api/v1/search" && r.Parameters.Contains("q"));
        output.WriteLine($"{routes.Count} GET routes, {routes.Sum(r => r.Parameters.Count)} query parameters");
        var failures = new List<string>();
        foreach (var role in Roles)
        {
            failures.AddRange((await ServerErrorsAsync(await factory.ApiClientAsync(role), routes)).Select(f => $"{role}: {f}"));
        }
        failures.AddRange((await ServerErrorsAsync(factory.CreateClient(), routes)).Select(f => $"anonymous: {f}"));
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task EveryQueryParameterOfEveryPage_RefusesHostileValuesWithoutA5xx()
    {
        var pages = PageGets();
        Assert.Contains(pages, p => p.Url == "/Admin/Audit" && p.Parameters.Contains("From", StringComparer.OrdinalIgnoreCase));
        output.WriteLine($"{pages.Count} pages, {pages.Sum(r => r.Parameters.Count)} query parameters");
        var failures = new List<string>();
        foreach (var role in Roles)
        {
            var session = new PageSession(factory);
            await session.SignInAsync(role);
            failures.AddRange((await ServerErrorsAsync(session.Client, pages)).Select(f => $"{role}: {f}"));
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [InlineData("/api/v1/admin/audit/entries?From=0001-01-01")]
    [InlineData("/api/v1/admin/audit/entries?To=9999-12-31")]
    [InlineData("/api/v1/admin/audit/export?From=0001-01-01")]
    public async Task AuditSearch_OutOfRangeDates_Are400NamingTheField(string url)
    {
        var client = await factory.ApiClientAsync(Demo.AuditAdmin);
        var field = url.Contains("From", StringComparison.Ordinal) ? "from" : "to";
        var reasons = await (await client.GetAsync(url)).AssertFieldErrorAsync(field);
        Assert.Contains(reasons, r => r.Contains("2000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnknownCharset_Is415_AndChangesNothing()
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        using var content = new StringContent("{\"name\":\"字符集测试\"}", Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; charset=bogus-42");
        var response = await client.PostAsync("/api/v1/bookings", content);
        var problem = await response.AssertProblemAsync(415);
        Assert.Equal("unsupportedCharset", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ModelBindingErrors_NameTheFieldInPlainWords_NotOurTypes()
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        var responses = new[]
        {
            await client.PostAsync("/api/v1/bookings", new StringContent("[]", Encoding.UTF8, "application/json")),
            await client.PostAsync("/api/v1/bookings", new StringContent("{\"start\": 12}", Encoding.UTF8, "application/json")),
            await client.PostAsync("/api/v1/bookings", null),
            await client.GetAsync("/api/v1/organizations?kind=NotAKind"),
            await client.GetAsync("/api/v1/organizations?page=abc"),
        };
        foreach (var response in responses)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is 400 or 415, $"{(int)response.StatusCode}: {body}");
            Assert.DoesNotContain("Chuanyu.", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Implicit body", body, StringComparison.Ordinal);
            Assert.DoesNotContain("parameter \\\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        }
        await responses[1].AssertFieldErrorAsync("start");
        await responses[3].AssertFieldErrorAsync("kind");
        await responses[4].AssertFieldErrorAsync("page");
    }
}

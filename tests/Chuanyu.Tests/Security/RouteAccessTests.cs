using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chuanyu.Tests.Security;

/// <summary>
/// Secure by default: every page and endpoint the host maps (read from its endpoint data sources, not from a list
/// kept by hand) has a line in <see cref="RouteAccessTable"/> saying who may use it, and what the table says is what
/// the endpoint's metadata says. A route added without a line fails here, as does a route whose protection changed.
/// </summary>
public sealed partial class RouteAccessTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public void EveryRoute_HasALine_SayingWhoMayUseIt()
    {
        var actual = RouteAccess.Describe(factory.Services).Select(r => r.Line).ToHashSet(StringComparer.Ordinal);
        var table = RouteAccessTable.Entries.Select(e => e.Line).ToList();
        Assert.True(table.Count == table.Distinct(StringComparer.Ordinal).Count(), "route-access table: a line appears twice");
        var missing = actual.Except(table, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var unexpected = table.Except(actual, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && unexpected.Count == 0,
            "A new route must get a line in RouteAccessTable.cs saying who may use it (and a changed route a changed line)."
            + (missing.Count == 0 ? "" : "\nRoutes the host maps that the table lacks (or whose access differs):\n    " + string.Join("\n    ", missing))
            + (unexpected.Count == 0 ? "" : "\nLines in the table that no route matches:\n    " + string.Join("\n    ", unexpected)));
    }

    [Fact]
    public async Task NoRoute_IsWithoutAuthorization_AndTheFallbackRequiresASignedInPerson()
    {
        var options = factory.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value;
        var fallback = options.FallbackPolicy;
        Assert.NotNull(fallback);
        Assert.Contains(fallback.Requirements, r => r is DenyAnonymousAuthorizationRequirement);
        // A person, exactly as Policies.SignedIn: a signed API client is authenticated too, but a route meant for other
        // systems names Policies.ApiClient (and its scope) itself.
        Assert.Contains(fallback.Requirements, r => r is PersonRequirement);
        var provider = factory.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var signedIn = await provider.GetPolicyAsync(Policies.SignedIn);
        Assert.NotNull(signedIn);
        Assert.Equal(signedIn.Requirements.Select(r => r.GetType()), fallback.Requirements.Select(r => r.GetType()));
        Assert.Equal(signedIn.AuthenticationSchemes, fallback.AuthenticationSchemes);

        // The framework's own combination (what the authorization middleware evaluates): only an explicit
        // AllowAnonymous may leave a route without a policy.
        var open = new List<string>();
        foreach (var route in RouteAccess.Describe(factory.Services))
        {
            var metadata = route.Endpoint.Metadata;
            var policy = await AuthorizationPolicy.CombineAsync(provider, metadata.GetOrderedMetadata<IAuthorizeData>(), metadata.GetOrderedMetadata<AuthorizationPolicy>());
            if (metadata.GetMetadata<IAllowAnonymous>() is null && (policy is null || policy.Requirements.Count == 0))
            {
                open.Add(route.Line);
            }
        }
        Assert.True(open.Count == 0, "Routes with no authorization at all:\n    " + string.Join("\n    ", open));
    }

    [Fact]
    public async Task EveryRouteThatIsNotAnonymous_RefusesAnAnonymousCaller()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var wrong = new List<string>();
        var guarded = RouteAccessTable.Entries.Where(e => e.Access != RouteAccess.Anonymous).ToList();
        Assert.Contains(guarded, e => e.Kind == RouteAccess.Page);
        Assert.Contains(guarded, e => e.Route.StartsWith("/api/", StringComparison.Ordinal));
        foreach (var entry in guarded)
        {
            var url = FillRouteValues(entry.Route);
            // Pages answer any method and GET is what a browser sends; an API route is called with its own method
            // (no body: authorization runs before the body is read).
            var method = entry.Kind is RouteAccess.Page or RouteAccess.AnyMethod ? HttpMethod.Get : new HttpMethod(entry.Kind.Split(',')[0]);
            using var request = new HttpRequestMessage(method, url);
            using var response = await client.SendAsync(request);
            var refused = entry.Route.StartsWith("/api/", StringComparison.Ordinal)
                ? response.StatusCode == HttpStatusCode.Unauthorized
                : response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location
                    && (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0]) == "/Accounts/Login";
            if (!refused)
            {
                wrong.Add($"{method} {url} ({entry.Line}) answered {(int)response.StatusCode} {response.Headers.Location}");
            }
        }
        Assert.True(wrong.Count == 0, "An anonymous caller was not refused (401 for the API, the sign-in page for pages):\n    " + string.Join("\n    ", wrong));
    }

    [Theory]
    [InlineData("GET", "/css/site.css", HttpStatusCode.OK)] // static files are served before routing and authorization
    [InlineData("GET", "/js/site.js", HttpStatusCode.OK)]
    [InlineData("GET", "/api/v1/no-such-route", HttpStatusCode.NotFound)] // no route: nothing runs, so nothing to guard
    [InlineData("GET", "/No/Such/Page", HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/api/v1/regions", HttpStatusCode.MethodNotAllowed)] // a public route, a method it does not take
    public async Task StaticFiles_AndRequestsThatMatchNoRoute_KeepTheirAnswers_ForAnonymousCallers(string method, string url, HttpStatusCode expected)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        using var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public void TheTable_CoversPagesAndApiRoutes_AndEveryAdministrationPageNamesItsPolicy()
    {
        Assert.Contains(RouteAccessTable.Entries, e => e.Kind == RouteAccess.Page);
        Assert.Contains(RouteAccessTable.Entries, e => e.Route.StartsWith("/api/v1/", StringComparison.Ordinal));
        Assert.All(RouteAccessTable.Entries.Where(e => e.Route.StartsWith("/Admin/", StringComparison.Ordinal) || e.Route.StartsWith("/api/v1/admin/", StringComparison.Ordinal)),
            e => Assert.True(e.Access.Contains("Admin", StringComparison.Ordinal), $"{e.Line}: an administration route names an administrator policy"));
    }

    /// <summary>A route from the table with its parameters filled: a new GUID, a number, or a random word.</summary>
    private static string FillRouteValues(string route) => RouteParameter().Replace(route, m =>
    {
        var constraints = m.Groups["constraints"].Value;
        return constraints.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString()
            : constraints.Contains(":int", StringComparison.Ordinal) || constraints.Contains(":long", StringComparison.Ordinal)
                ? RandomNumberGenerator.GetInt32(1, 1_000_000).ToString(CultureInfo.InvariantCulture)
                : "r" + Guid.NewGuid().ToString("N")[..8];
    });

    [GeneratedRegex(@"\{\**(?<name>\w+)(?<constraints>(:[^}?=]+)*)(=[^}]*)?\??\}")]
    private static partial Regex RouteParameter();
}

/// <summary>One mapped route as the table writes it: kind (PAGE, or the HTTP methods), route, who may use it.</summary>
public sealed record RouteLine(string Kind, string Route, string Access, RouteEndpoint Endpoint)
{
    public string Line => RouteAccess.Format(Kind, Route, Access);
}

public static class RouteAccess
{
    public const string Page = "PAGE";
    public const string AnyMethod = "ANY";
    public const string Anonymous = "anonymous";
    public const string Fallback = "fallback";

    public static string Format(string kind, string route, string access) => $"{kind} {route}  {access}";

    /// <summary>Every route endpoint the host maps, with the access its metadata gives it.</summary>
    public static IReadOnlyList<RouteLine> Describe(IServiceProvider services) =>
        [.. services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ISuppressMatchingMetadata>() is not { SuppressMatching: true })
            .Select(e => new RouteLine(KindOf(e), RouteOf(e), AccessOf(e.Metadata), e))
            .DistinctBy(r => r.Line)
            .OrderBy(r => r.Route, StringComparer.Ordinal).ThenBy(r => r.Kind, StringComparer.Ordinal)];

    private static bool IsPage(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not null;

    private static string KindOf(RouteEndpoint endpoint) => IsPage(endpoint) ? Page
        : endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is { HttpMethods.Count: > 0 } methods
            ? string.Join(',', methods.HttpMethods.Order(StringComparer.Ordinal))
            : AnyMethod;

    private static string RouteOf(RouteEndpoint endpoint)
    {
        var raw = endpoint.RoutePattern.RawText ?? "";
        raw = "/" + raw.TrimStart('/');
        return raw.Length > 1 ? raw.TrimEnd('/') : raw;
    }

    /// <summary>
    /// <c>anonymous</c> for AllowAnonymous (it wins over any policy); else the policy names and the inline
    /// requirements, sorted and joined with <c>+</c> (all must hold); <c>fallback</c> when nothing is declared.
    /// </summary>
    public static string AccessOf(EndpointMetadataCollection metadata)
    {
        if (metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return Anonymous;
        }
        var parts = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var data in metadata.GetOrderedMetadata<IAuthorizeData>())
        {
            if (data.Policy is { Length: > 0 } policy)
            {
                parts.Add(policy);
            }
            if (data.Roles is { Length: > 0 } roles)
            {
                parts.Add($"roles({roles})");
            }
            if (data.AuthenticationSchemes is { Length: > 0 } schemes)
            {
                parts.Add($"schemes({schemes})");
            }
            if (data.Policy is not { Length: > 0 } && data.Roles is not { Length: > 0 })
            {
                parts.Add("authenticated");
            }
        }
        foreach (var policy in metadata.GetOrderedMetadata<AuthorizationPolicy>())
        {
            foreach (var requirement in policy.Requirements)
            {
                parts.Add(requirement switch
                {
                    ClaimsAuthorizationRequirement claim => $"claim({claim.ClaimType}={string.Join('|', claim.AllowedValues ?? [])})",
                    DenyAnonymousAuthorizationRequirement => "authenticated",
                    RolesAuthorizationRequirement roles => $"roles({string.Join(',', roles.AllowedRoles)})",
                    _ => requirement.GetType().Name,
                });
            }
        }
        return parts.Count == 0 ? Fallback : string.Join('+', parts);
    }
}

/// <summary>The checked-in table parsed: one entry per line "KIND ROUTE  ACCESS" (# starts a comment).</summary>
public sealed record RouteAccessEntry(string Kind, string Route, string Access)
{
    public string Line => RouteAccess.Format(Kind, Route, Access);
}

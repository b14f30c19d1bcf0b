using Microsoft.AspNetCore.Routing.Patterns;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>A URL for a route pattern with its values filled: a fresh uuid for ids, 2026 for a year, 1 for other numbers, "x" for the rest.</summary>
public static class RouteValues
{
    public static string Fill(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart p when p.Name.Contains("year", StringComparison.OrdinalIgnoreCase) => "2026",
            RoutePatternParameterPart p when p.ParameterPolicies.Any(x => x.Content is "int" or "long") => "1",
            RoutePatternParameterPart p when p.ParameterPolicies.Any(x => x.Content == "guid") => Guid.NewGuid().ToString(),
            RoutePatternParameterPart => "x",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
}

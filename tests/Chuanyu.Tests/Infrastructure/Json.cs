using System.Net.Http.Json;
using System.Text.Json;

namespace Chuanyu.Tests.Infrastructure;

public static class Json
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts a ProblemDetails body (RFC 9457) with the given status, and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status)
    {
        Xunit.Assert.Equal(status, (int)response.StatusCode);
        Xunit.Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Xunit.Assert.Equal(status, body.GetProperty("status").GetInt32());
        Xunit.Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("title").GetString()));
        // Every API error carries a stable machine-readable code next to its localised words.
        Xunit.Assert.True(body.TryGetProperty("code", out var code) && !string.IsNullOrWhiteSpace(code.GetString()), $"problem without a code: {body}");
        return body;
    }

    /// <summary>Asserts a 400 validation ProblemDetails that names <paramref name="field"/>, and returns its reasons.</summary>
    public static async Task<string[]> AssertFieldErrorAsync(this HttpResponseMessage response, string field)
    {
        var body = await response.AssertProblemAsync(400);
        var errors = body.GetProperty("errors");
        Xunit.Assert.True(errors.TryGetProperty(field, out var reasons), $"expected an error on '{field}', got {errors}");
        return reasons.EnumerateArray().Select(r => r.GetString()!).ToArray();
    }
}

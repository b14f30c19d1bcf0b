using System.Collections.Concurrent;
using System.Globalization;
using System.Resources;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// A sentence for a person, said at the edge in the reader's language: a key and its arguments. The key's first part
/// names the file that holds it (<c>Booking.SlotTaken</c> → <c>Resources/Messages/Booking.resx</c>, Chinese, and
/// <c>Booking.en.resx</c>, English); the rest is the sentence's stable name, which the API also sends as <c>code</c>.
/// Services answer messages, never text; pages and endpoints turn them into text (<see cref="ToString"/>) in the
/// request's culture. Arguments that are messages or enum values are translated too.
/// </summary>
public sealed record Message(string Key, params object?[] Args)
{
    /// <summary>The text in the current UI culture (the request's, set by the localization middleware).</summary>
    public override string ToString() => Messages.Translate(this, CultureInfo.CurrentUICulture);

    /// <summary>Messages are equal when their keys and arguments are.</summary>
    public bool Equals(Message? other) => other is not null && Key == other.Key && Args.SequenceEqual(other.Args);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
}

/// <summary>Where message keys are looked up: one resource file per area (a feature, or <c>Common</c> for the kernel).</summary>
public static class Messages
{
    private static readonly System.Reflection.Assembly Assembly = typeof(Messages).Assembly;
    private static readonly HashSet<string> Embedded = [.. Assembly.GetManifestResourceNames()];
    private static readonly ConcurrentDictionary<string, ResourceManager?> Managers = new(StringComparer.Ordinal);

    /// <summary>The resource file base name of an area, as the build embeds it.</summary>
    public static string BaseName(string area) => $"Chuanyu.Web.Resources.Messages.{area}";

    /// <summary>The area of a key: its first part.</summary>
    public static string AreaOf(string key) => key.IndexOf('.') is > 0 and var dot ? key[..dot] : key;

    /// <summary>The text of a key in a culture, or null when no file of the area holds it.</summary>
    public static string? Find(string key, CultureInfo culture) =>
        Managers.GetOrAdd(AreaOf(key), area => Embedded.Contains(BaseName(area) + ".resources") ? new ResourceManager(BaseName(area), Assembly) : null)
            ?.GetString(key, culture);

    /// <summary>The message in a culture; an unknown key comes back as itself (a test keeps every key used in the code known).</summary>
    public static string Translate(Message message, CultureInfo culture)
    {
        var format = Find(message.Key, culture) ?? message.Key;
        if (message.Args.Length == 0)
        {
            return format;
        }
        var args = message.Args.Select(a => a switch
        {
            Message m => Translate(m, culture),
            Enum e => Translate(Label(e), culture),
            _ => a,
        }).ToArray();
        return string.Format(culture, format, args);
    }

    /// <summary>
    /// The label of an enum value, as a message: <c>{Area}.{EnumType}.{Member}</c>, the area being the enum's feature
    /// folder (<c>Common</c> for the kernel), e.g. <c>ServiceOrders.ServiceOrderStatus.Submitted</c>.
    /// </summary>
    public static Message Label(Enum value) => new($"{AreaOf(value.GetType())}.{value.GetType().Name}.{value}");

    /// <summary>The area of a type: the folder under Features it lives in, or Common for the kernel.</summary>
    public static string AreaOf(Type type)
    {
        const string features = "Chuanyu.Web.Features.";
        var ns = type.Namespace ?? "";
        return ns.StartsWith(features, StringComparison.Ordinal) ? ns[features.Length..].Split('.')[0] : "Common";
    }
}

/// <summary>
/// The API's error answers: RFC 9457 ProblemDetails with a stable machine-readable <c>code</c> and a title and detail in
/// the request's language (Chinese unless the client's <c>Accept-Language</c> or the language cookie asks for English).
/// </summary>
public static class ApiProblem
{
    /// <summary>A problem whose title is the code's (<c>Common.Problem.{titleCode ?? code}</c>) and whose detail is the message.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Result(int status, string code, Message detail, string? titleCode = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: status, title: Title(titleCode ?? code), detail: detail.ToString(), extensions: With(code, extensions));

    /// <summary>400 naming each bad field with its reasons, and the reasons' keys under <c>errorCodes</c>.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Validation(FieldErrors errors, string code = "validation", Message? detail = null) =>
        TypedResults.ValidationProblem(errors.Translated(), title: Title("validation"), detail: detail?.ToString(),
            extensions: With(code, new Dictionary<string, object?> { ["errorCodes"] = errors.Codes() }));

    /// <summary>The title of a code in the current culture.</summary>
    public static string Title(string code) => new Message($"Common.Problem.{code}").ToString();

    private static Dictionary<string, object?> With(string code, IDictionary<string, object?>? extensions)
    {
        var all = extensions is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(extensions);
        all["code"] = code;
        return all;
    }

    /// <summary>The code a problem gets when whoever made it gave none: named after its status.</summary>
    public static string CodeFor(int status) => status switch
    {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "notFound",
        405 => "methodNotAllowed",
        406 => "notAcceptable",
        409 => "conflict",
        413 => "payloadTooLarge",
        415 => "unsupportedMediaType",
        422 => "ruleBroken",
        429 => "tooManyRequests",
        _ when status >= 500 => "internalError",
        _ => "error",
    };
}

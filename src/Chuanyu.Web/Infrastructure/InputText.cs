using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Chuanyu.Web.Infrastructure;

/// <summary>The first character <see cref="InputText"/> refuses in a text: its code point and its 1-based position (in characters as a person counts them).</summary>
public readonly record struct InputTextRefusal(int CodePoint, int Position)
{
    public string CodePointText => $"U+{CodePoint:X4}";

    public Message Message => new("Common.InvisibleCharacter", CodePointText, Position);
}

/// <summary>
/// The platform's one rule for text people and systems send in (issue 20, point 4): names, titles and free text are
/// <b>refused, not stripped</b>, when they contain characters that are invisible or change how the text around them is
/// displayed. Stripping would store something other than what was sent and hide that anything happened; refusing
/// names the field, the code point and its position so the sender can fix it.
/// <para>Refused:</para>
/// <list type="bullet">
/// <item>C0 controls U+0000–U+001F except TAB, LF and CR (allowed everywhere: multi-line free text needs them, and CSV
/// and the pages quote or render them safely), DEL U+007F, C1 controls U+0080–U+009F;</item>
/// <item>the bidirectional controls (Unicode's Bidi_Control set): U+061C, U+200E/U+200F (LRM/RLM), the embeddings and
/// overrides U+202A–U+202E, the isolates U+2066–U+2069 — "RTL", U+202E, "gpj.exe" shows as "RTLexe.jpg";</item>
/// <item>zero-width and invisible format characters: U+200B, U+200C, U+2060–U+2064, U+FEFF, the deprecated format
/// characters U+206A–U+206F and the interlinear annotation characters U+FFF9–U+FFFB;</item>
/// <item>U+200D (zero width joiner) <i>except between two emoji</i> (the scientist emoji is 👩 U+200D 🔬): elsewhere it is as
/// invisible as U+200B, so 零 U+200D 宽 would pass for 零宽;</item>
/// <item>tag characters U+E0000–U+E007F except in an emoji tag sequence after 🏴 (the flags of England, Scotland and
/// Wales): elsewhere they carry hidden ASCII text;</item>
/// <item>noncharacters (U+FDD0–U+FDEF and every U+xxFFFE/U+xxFFFF) and unpaired surrogates.</item>
/// </list>
/// Everything else is accepted, including emoji and their sequences (skin tones, variation selectors, ZWJ), CJK in
/// the supplementary planes (𠀀 U+20000), NBSP and U+FFFD.
/// <para>Applied in one place for every input model: <see cref="InputTextEndpoints.CheckInputText{TBuilder}"/> on the
/// root group that holds every API endpoint (400 ValidationProblem naming the JSON field, e.g. <c>name</c> or
/// <c>fees[0].unit</c>), <see cref="InputTextPageFilter"/> on every Razor page (the request is refused before the
/// handler runs), the bulk import's row check (the row is reported, nothing is imported), and
/// <see cref="ReplaceRefused"/> in the catalogue exports for rows stored before the rule existed.</para>
/// </summary>
public static class InputText
{
    /// <summary>The first refused character of <paramref name="text"/>, or null when the text is acceptable.</summary>
    public static InputTextRefusal? Find(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var position = 0;
        for (var i = 0; i < text.Length;)
        {
            position++;
            var (codePoint, length, refused) = At(text, i);
            if (refused)
            {
                return new InputTextRefusal(codePoint, position);
            }
            i += length;
        }
        return null;
    }

    public static bool IsAcceptable(string? text) => Find(text) is null;

    /// <summary>
    /// The text with every refused character replaced by U+FFFD, for exports of values stored before the rule: the
    /// file never carries a raw control byte or a hidden direction change, the replacement is visible, and the file
    /// imports again.
    /// </summary>
    public static string ReplaceRefused(string text)
    {
        if (Find(text) is null)
        {
            return text;
        }
        var b = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length;)
        {
            var (_, length, refused) = At(text, i);
            if (refused)
            {
                b.Append('\uFFFD');
            }
            else
            {
                b.Append(text, i, length);
            }
            i += length;
        }
        return b.ToString();
    }

    /// <summary>The code point at <paramref name="i"/>, its length in UTF-16 units, and whether the rule refuses it there.</summary>
    private static (int CodePoint, int Length, bool Refused) At(string text, int i)
    {
        var c = text[i];
        if (c < 0x7F)
        {
            return (c, 1, c < 0x20 && c is not ('\t' or '\n' or '\r'));
        }
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            var cp = char.ConvertToUtf32(c, text[i + 1]);
            var refused = (cp & 0xFFFE) == 0xFFFE || (cp is >= 0xE0000 and <= 0xE007F && !InTagSequence(text, i, cp));
            return (cp, 2, refused);
        }
        if (char.IsSurrogate(c))
        {
            return (c, 1, true);
        }
        return (c, 1, c switch
        {
            <= '\u009F' => true,
            '\u061C' => true,
            '\u200D' => !JoinsEmoji(text, i),
            >= '\u200B' and <= '\u200F' => true,
            >= '\u202A' and <= '\u202E' => true,
            >= '\u2060' and <= '\u2064' => true,
            >= '\u2066' and <= '\u206F' => true,
            >= '\uFDD0' and <= '\uFDEF' => true,
            '\uFEFF' => true,
            >= '\uFFF9' and <= '\uFFFB' => true,
            '\uFFFE' or '\uFFFF' => true,
            _ => false,
        });
    }

    /// <summary>A zero width joiner between two emoji (after an optional variation selector): 👩+🔬, 🏳+U+FE0F+🌈, 👩🏽+🚀.</summary>
    private static bool JoinsEmoji(string text, int i)
    {
        var before = i - 1;
        if (before >= 0 && text[before] is '\uFE0F' or '\uFE0E')
        {
            before--;
        }
        return before >= 0 && IsEmojiLike(CodePointEndingAt(text, before)) && i + 1 < text.Length && IsEmojiLike(CodePointStartingAt(text, i + 1));
    }

    /// <summary>Tags U+E0020–U+E007F right after 🏴 U+1F3F4 or after another tag: the subdivision flags.</summary>
    private static bool InTagSequence(string text, int i, int codePoint)
    {
        if (codePoint < 0xE0020 || i == 0)
        {
            return false;
        }
        var previous = CodePointEndingAt(text, i - 1);
        return previous == 0x1F3F4 || (previous is >= 0xE0020 and <= 0xE007E);
    }

    private static bool IsEmojiLike(int codePoint) =>
        codePoint >= 0 && CharUnicodeInfo.GetUnicodeCategory(codePoint) is UnicodeCategory.OtherSymbol or UnicodeCategory.ModifierSymbol;

    private static int CodePointEndingAt(string text, int end) =>
        char.IsLowSurrogate(text[end]) && end > 0 && char.IsHighSurrogate(text[end - 1]) ? char.ConvertToUtf32(text[end - 1], text[end]) : text[end];

    private static int CodePointStartingAt(string text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];

    // ---- walking a bound input model ----

    /// <summary>How field paths are spelled: as the JSON the API takes (<c>fees[0].unit</c>) or as form fields and ModelState keys (<c>Form.Fees[0].Unit</c>).</summary>
    public enum Naming
    {
        Json,
        Form,
    }

    private const int MaxDepth = 16;

    private static readonly ConcurrentDictionary<(Type, Naming), (string Name, PropertyInfo Property)[]> PropertiesByType = new();

    /// <summary>
    /// Every refused text in <paramref name="value"/>: a string, an input model of the platform (its bindable
    /// properties, nested), or a list, array or dictionary of them. Other types (files, streams, numbers, framework
    /// objects) hold no text people typed and are not entered. The first refusal of each field is added under its path.
    /// </summary>
    public static void Collect(object? value, string path, Naming naming, IDictionary<string, string[]> errors) =>
        Collect(value, path, naming, errors, 0, new HashSet<object>(ReferenceEqualityComparer.Instance));

    private static void Collect(object? value, string path, Naming naming, IDictionary<string, string[]> errors, int depth, HashSet<object> seen)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                if (Find(s) is { } refusal && !errors.ContainsKey(path))
                {
                    errors[path] = [refusal.Message.ToString()];
                }
                return;
        }
        var type = value.GetType();
        if (depth >= MaxDepth || !MayHoldText(type) || (!type.IsValueType && !seen.Add(value)))
        {
            return;
        }
        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
                var entryPath = naming == Naming.Json ? Join(path, key) : $"{path}[{key}]";
                Collect(entry.Key as string, entryPath, naming, errors, depth + 1, seen);
                Collect(entry.Value, entryPath, naming, errors, depth + 1, seen);
            }
            return;
        }
        if (value is IEnumerable sequence)
        {
            var index = 0;
            foreach (var item in sequence)
            {
                Collect(item, $"{path}[{index++}]", naming, errors, depth + 1, seen);
            }
            return;
        }
        foreach (var (name, property) in PropertiesByType.GetOrAdd((type, naming), static key => BindableProperties(key.Item1, key.Item2)))
        {
            Collect(property.GetValue(value), Join(path, name), naming, errors, depth + 1, seen);
        }
    }

    /// <summary>Whether a value of this type can carry text: strings, the platform's own models, collections of them.</summary>
    internal static bool MayHoldText(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || IsPlatformModel(type))
        {
            return true;
        }
        if (type.IsArray)
        {
            return MayHoldText(type.GetElementType()!);
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
        {
            return type.GetGenericArguments().Any(MayHoldText);
        }
        var sequence = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return sequence is not null && MayHoldText(sequence.GetGenericArguments()[0]);
    }

    private static bool IsPlatformModel(Type type) =>
        !type.IsEnum && !type.IsPrimitive && !typeof(Delegate).IsAssignableFrom(type) && type.Namespace?.StartsWith("Chuanyu.", StringComparison.Ordinal) == true;

    /// <summary>Public properties a binder can fill: settable (set or init) or auto-implemented get-only collections; computed ones are left alone.</summary>
    private static (string, PropertyInfo)[] BindableProperties(Type type, Naming naming) =>
    [
        .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true } && MayHoldText(p.PropertyType))
            .Where(p => p.SetMethod is { IsPublic: true } ||
                        type.GetField($"<{p.Name}>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance) is not null)
            .Where(p => naming == Naming.Form || p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            .Select(p => (naming == Naming.Json
                ? p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name)
                : p.Name, p)),
    ];

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}

/// <summary>Marks an endpoint whose bound arguments go through <see cref="InputText"/>; a test checks every <c>/api</c> endpoint carries it.</summary>
public sealed class InputTextChecked
{
    public static readonly InputTextChecked Instance = new();

    private InputTextChecked()
    {
    }
}

public static class InputTextEndpoints
{
    public static string ProblemTitle => new Message("Common.InvisibleCharacterTitle").ToString();

    /// <summary>
    /// Checks the text in every bound argument of the endpoints under <paramref name="builder"/> (a JSON body, an
    /// <c>[AsParameters]</c> set, query, route, header and form values) before the handler runs; a refused character
    /// is a 400 ValidationProblem naming each field as the caller sent it. Services, the HttpContext, files and
    /// streams are not looked at. ASP.NET Core has no global endpoint filter, so Program.cs maps every API inside one
    /// root group carrying this (the framework's recommended way).
    /// </summary>
    public static TBuilder CheckInputText<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(InputTextChecked.Instance);
        builder.AddEndpointFilterFactory(static (context, next) =>
        {
            var isService = context.ApplicationServices.GetService<IServiceProviderIsService>();
            var checks = new List<(int Index, string Root)>();
            var parameters = context.MethodInfo.GetParameters();
            for (var i = 0; i < parameters.Length; i++)
            {
                var p = parameters[i];
                var attributes = p.GetCustomAttributes(true);
                if (!InputText.MayHoldText(p.ParameterType) || attributes.OfType<IFromServiceMetadata>().Any() ||
                    attributes.OfType<FromKeyedServicesAttribute>().Any() || isService?.IsService(p.ParameterType) == true)
                {
                    continue;
                }
                var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
                // A model (JSON body, [AsParameters], form model) spreads its properties at the top level; a plain value has its bound name.
                var bound = attributes.OfType<IFromQueryMetadata>().FirstOrDefault()?.Name ?? attributes.OfType<IFromRouteMetadata>().FirstOrDefault()?.Name ??
                    attributes.OfType<IFromHeaderMetadata>().FirstOrDefault()?.Name ?? attributes.OfType<IFromFormMetadata>().FirstOrDefault()?.Name ?? p.Name ?? "";
                checks.Add((i, type.Namespace?.StartsWith("Chuanyu.", StringComparison.Ordinal) == true ? "" : bound));
            }
            if (checks.Count == 0)
            {
                return next;
            }
            return async invocation =>
            {
                var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
                foreach (var (index, root) in checks)
                {
                    InputText.Collect(invocation.Arguments[index], root, InputText.Naming.Json, errors);
                }
                return errors.Count == 0 ? await next(invocation) : TypedResults.ValidationProblem(errors, title: ProblemTitle, extensions: new Dictionary<string, object?> { ["code"] = "invisibleCharacter" });
            };
        });
        return builder;
    }
}

/// <summary>What the refusal page lists: each field (its form name) with the reason, and where to go back to.</summary>
public sealed record InputTextRefusedView(IReadOnlyList<KeyValuePair<string, string>> Problems, string ReturnUrl);

/// <summary>
/// The same rule for every Razor page, registered once for all pages (PlatformSetup). After model binding it walks the
/// page's bound properties and the handler's arguments; a refused character is added to ModelState under the form
/// field's name (<c>Form.Name</c>, <c>Input.DisplayName</c>) and the request is answered with 400 and a page naming
/// each field, the code point and its position — <b>the handler does not run</b>, so nothing is written. Letting the
/// handler see <c>ModelState.IsValid == false</c> is not enough: most handlers (the catalogue form, bookings, the
/// administration pages) report their own service's errors and never consult ModelState. Reads are refused too, as
/// the API refuses them: a link carrying such characters is as suspicious as a form.
/// </summary>
public sealed class InputTextPageFilter : IAsyncPageFilter
{
    public const string ViewPath = "/Features/Shared/_InputTextRefused.cshtml";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (context.HandlerInstance is { } instance)
        {
            foreach (var bound in context.ActionDescriptor.BoundProperties.OfType<PageBoundPropertyDescriptor>())
            {
                if (IsInput(bound.BindingInfo) && bound.Property.DeclaringType!.IsInstanceOfType(instance))
                {
                    InputText.Collect(bound.Property.GetValue(instance), bound.BindingInfo?.BinderModelName ?? bound.Name, InputText.Naming.Form, errors);
                }
            }
        }
        foreach (var parameter in context.HandlerMethod?.Parameters ?? [])
        {
            if (IsInput(parameter.BindingInfo) && context.HandlerArguments.TryGetValue(parameter.Name, out var value))
            {
                InputText.Collect(value, parameter.BindingInfo?.BinderModelName ?? parameter.Name, InputText.Naming.Form, errors);
            }
        }
        if (errors.Count == 0)
        {
            await next();
            return;
        }
        foreach (var (field, reasons) in errors)
        {
            foreach (var reason in reasons)
            {
                context.ModelState.AddModelError(field, reason);
            }
        }
        var metadata = context.HttpContext.RequestServices.GetRequiredService<IModelMetadataProvider>();
        var request = context.HttpContext.Request;
        context.Result = new ViewResult
        {
            ViewName = ViewPath,
            StatusCode = StatusCodes.Status400BadRequest,
            ViewData = new ViewDataDictionary<InputTextRefusedView>(metadata, context.ModelState)
            {
                Model = new InputTextRefusedView([.. errors.Select(e => KeyValuePair.Create(e.Key, string.Join(" ", e.Value)))],
                    (request.PathBase + request.Path).Value is { Length: > 0 } path ? path : "/"),
            },
        };
    }

    private static bool IsInput(BindingInfo? binding) =>
        binding?.BindingSource is not { } source || !(source.CanAcceptDataFrom(BindingSource.Services) || source == BindingSource.Special);
}

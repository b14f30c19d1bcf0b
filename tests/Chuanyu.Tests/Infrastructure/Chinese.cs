using System.Globalization;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>A message as a Chinese reader sees it, for tests that call a service directly (outside a request's culture).</summary>
public static class Chinese
{
    private static readonly CultureInfo ZhCn = new("zh-CN");

    public static string Zh(this Message? message) => message is null ? "" : Messages.Translate(message, ZhCn);
}

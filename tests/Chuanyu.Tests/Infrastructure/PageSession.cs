using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// A person with a browser session (cookies, antiforgery tokens) using the server-rendered pages: GET a page,
/// fill its form, POST it. Redirects are not followed automatically so tests can see where a form leads.
/// </summary>
public sealed class PageSession(ChuanyuFactory factory)
{
    public HttpClient Client { get; } = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<(HttpResponseMessage Response, IHtmlDocument Document)> GetAsync(string url)
    {
        var response = await Client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        return (response, new HtmlParser().ParseDocument(html));
    }

    /// <summary>Posts the page's first form (or the one matching <paramref name="formSelector"/>) with its hidden fields plus <paramref name="fields"/>.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string url, IDictionary<string, string> fields, string formSelector = "main form")
    {
        var (_, doc) = await GetAsync(url);
        var form = doc.QuerySelector(formSelector) as IHtmlFormElement ?? throw new InvalidOperationException($"no form '{formSelector}' on {url}");
        var values = form.QuerySelectorAll("input[type=hidden]").Cast<IHtmlInputElement>()
            .Where(i => !string.IsNullOrEmpty(i.Name))
            .GroupBy(i => i.Name!).ToDictionary(g => g.Key, g => g.First().Value);
        foreach (var (k, v) in fields)
        {
            values[k] = v;
        }
        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? url : form.GetAttribute("action")!;
        using var content = new FormUrlEncodedContent(values);
        return await Client.PostAsync(action, content);
    }

    public async Task<IHtmlDocument> FollowAsync(HttpResponseMessage redirect)
    {
        var location = redirect.Headers.Location ?? throw new InvalidOperationException($"expected a redirect, got {(int)redirect.StatusCode}");
        return (await GetAsync(location.OriginalString)).Document;
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password = Chuanyu.Web.Data.DemoData.Password) =>
        await SubmitAsync("/Accounts/Login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });
}

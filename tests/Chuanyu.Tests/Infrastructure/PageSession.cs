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

    /// <summary>
    /// Posts the page's first form (or the one matching <paramref name="formSelector"/>) as a browser would — every
    /// named input with its value, ticked boxes only, selected options, text areas — with <paramref name="fields"/>
    /// replacing the values of those names.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitAsync(string url, IDictionary<string, string> fields, string formSelector = "main form")
    {
        var (_, doc) = await GetAsync(url);
        var form = doc.QuerySelector(formSelector) as IHtmlFormElement ?? throw new InvalidOperationException($"no form '{formSelector}' on {url}");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var element in form.QuerySelectorAll("input, select, textarea"))
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name) && input.Type is not ("submit" or "button" or "file"):
                    if (input.Type is not ("checkbox" or "radio") || input.IsChecked)
                    {
                        values.Add(new(input.Name!, input.Value));
                    }
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                    var option = select.Options.FirstOrDefault(o => o.IsSelected) ?? (select.Options.Length > 0 ? select.Options[0] : null);
                    if (option is not null)
                    {
                        values.Add(new(select.Name!, option.Value));
                    }
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                    values.Add(new(area.Name!, area.Value));
                    break;
            }
        }
        values.RemoveAll(v => fields.ContainsKey(v.Key));
        values.AddRange(fields);
        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? url : form.GetAttribute("action")!;
        using var content = new FormUrlEncodedContent(values);
        return await Client.PostAsync(action, content);
    }

    public async Task<IHtmlDocument> FollowAsync(HttpResponseMessage redirect)
    {
        var location = redirect.Headers.Location ?? throw new InvalidOperationException($"expected a redirect, got {(int)redirect.StatusCode}");
        return (await GetAsync(location.OriginalString)).Document;
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password = Chuanyu.Web.Seeding.DemoData.Password) =>
        await SubmitAsync("/Accounts/Login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Market;
using Microsoft.EntityFrameworkCore;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Market;

/// <summary>
/// The attachments of a result on its edit page: a file of the wrong type or with content that does not match its
/// extension is refused beside the file field in Chinese and nothing is stored; a PDF is listed and downloads; deleting
/// asks first and is audited; another organisation's member cannot delete.
/// </summary>
public sealed class MarketAttachmentPageTests : IDisposable
{
    private readonly ChuanyuFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

    private static async Task<HttpResponseMessage> UploadAsync(PageSession session, string url, byte[] bytes, string name, string type)
    {
        var (_, doc) = await session.GetAsync(url);
        var form = (IHtmlFormElement)doc.QuerySelector("[data-testid=upload-form]")!;
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var content = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(type);
        content.Add(part, "file", name);
        return await session.Client.PostAsync(form.GetAttribute("action"), content);
    }

    private static string FileError(string html) =>
        new HtmlParser().ParseDocument(html).QuerySelector("[data-testid=error-file]")!.TextContent;

    [Fact]
    public async Task BadFilesAreRefusedOnTheFileField_APdfIsListed_AndDeletingAsksFirst()
    {
        var api = await SignedInAsync(_factory, "cqu.instrument@chuanyu.demo");
        var created = await api.PostAsJsonAsync("/api/v1/achievements", MarketTests.Achievement());
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        var url = $"/Market/Achievements/Edit/{id}";

        var member = new PageSession(_factory);
        await member.SignInAsync("cqu.instrument@chuanyu.demo");
        Assert.NotNull((await member.GetAsync(url)).Document.QuerySelector("[data-testid=no-attachments]"));

        // A text file named .pdf: the content does not match; an .exe: not an accepted type. Both in Chinese beside the field.
        var fake = await UploadAsync(member, url, Encoding.ASCII.GetBytes("not a pdf at all"), "说明.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.BadRequest, fake.StatusCode);
        Assert.Contains("文件内容与扩展名", FileError(await fake.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var exe = await UploadAsync(member, url, Pdf, "setup.exe", "application/octet-stream");
        Assert.Equal(HttpStatusCode.BadRequest, exe.StatusCode);
        Assert.Contains("不支持的文件类型“.exe”", FileError(await exe.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(0, await WithDbAsync(_factory, db => db.Set<AchievementAttachment>().CountAsync(x => x.AchievementId == id)));

        var ok = await UploadAsync(member, url, Pdf, "成果简介.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var page = await member.FollowAsync(ok);
        var item = Assert.Single(page.QuerySelectorAll("[data-testid=attachment]"));
        Assert.Contains("成果简介.pdf", item.TextContent, StringComparison.Ordinal);
        var download = await member.Client.GetAsync(item.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());

        // Delete: the link opens a confirmation, only its form deletes.
        var confirmUrl = item.QuerySelector("[data-testid=remove-attachment]")!.GetAttribute("href")!;
        var (_, confirm) = await member.GetAsync(confirmUrl);
        Assert.Contains("成果简介.pdf", confirm.QuerySelector("[data-testid=remove-confirm]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(1, await WithDbAsync(_factory, db => db.Set<AchievementAttachment>().CountAsync(x => x.AchievementId == id)));

        // Another organisation's member posting the same form cannot reach the draft (404).
        var stranger = new PageSession(_factory);
        await stranger.SignInAsync("engineer@chuanyu.demo");
        var attachmentId = confirm.QuerySelector("[data-testid=remove-confirm] input[name=attachmentId]")!.GetAttribute("value")!;
        var (_, strangerPage) = await stranger.GetAsync("/Market/Achievements/Edit");
        var strangerToken = strangerPage.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var refused = await stranger.Client.PostAsync($"{url}?handler=Remove", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = strangerToken,
            ["attachmentId"] = attachmentId,
        }));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(1, await WithDbAsync(_factory, db => db.Set<AchievementAttachment>().CountAsync(x => x.AchievementId == id)));

        var removed = await member.SubmitAsync(confirmUrl, new Dictionary<string, string>(), "[data-testid=remove-confirm]");
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(0, await WithDbAsync(_factory, db => db.Set<AchievementAttachment>().CountAsync(x => x.AchievementId == id)));
        Assert.Contains("market.achievement.detach",
            await WithDbAsync(_factory, db => db.AuditEntries.Where(a => a.Target == $"achievement:{id}").Select(a => a.Action).ToListAsync()));
    }
}

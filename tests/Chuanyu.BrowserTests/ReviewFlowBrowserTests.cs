using System.Globalization;
using System.Text.Json;
using Chuanyu.BrowserTests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// A review activity in a real Chromium, each step by the person who takes it: the Chongqing administrator creates a
/// consultation on the page (a refused panel size marked first), adds the item and draws after confirming; the drawn
/// expert finds the invitation under 我的评审邀请, is told a decline needs a reason, and accepts; the administrator sees
/// the answer, cancels the activity before the review (the seeds are revealed at once), and anyone — signed in or not —
/// reads on the public page that the revealed draw recomputes to the published panel.
/// The pool is 考古学 (780), which no demo expert has: expert1 moves into it and two experts are created for the test,
/// so the panel of three is certain.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class ReviewFlowBrowserTests(BrowserFixture browser)
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private static readonly string[] Archaeology = ["78010"];

    [Fact]
    public async Task ADrawnPanel_IsAnsweredByTheExpert_AndTheCancelledDrawVerifiesInPublic()
    {
        var title = $"巴蜀考古遗址保护咨询论证 {Guid.NewGuid().ToString("N")[..6]}";
        var expert = await browser.NewPageAsync();
        await SignInAsync(expert, "expert1@chuanyu.demo");
        var expertName = (await ApiAsync(expert, "GET", "/api/v1/experts/me")).GetProperty("name").GetString()!;
        await ApiAsync(expert, "PUT", "/api/v1/experts/me", new { disciplines = Archaeology, primaryDiscipline = "78010", availability = "Available" });

        var admin = await browser.NewPageAsync();
        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await SignInAsync(admin, "cq.admin@chuanyu.demo");
        foreach (var (name, institution) in new[] { ("考古浏览器专家甲", "西南大学"), ("考古浏览器专家乙", "重庆医科大学") })
        {
            await ApiAsync(admin, "POST", "/api/v1/experts", NewExpert(name, await OrganizationAsync(institution)));
        }

        // 1. The administrator creates the activity; a panel of two is refused with the field marked.
        await admin.GotoAsync("/Experts/Reviews");
        var form = admin.GetByTestId("create-review");
        var now = DateTimeOffset.UtcNow.ToOffset(China);
        await form.Locator("#Form_Title").FillAsync(title);
        await form.Locator("#Form_Kind").SelectOptionAsync("Consulting");
        await form.Locator("#Form_Disciplines").FillAsync("780");
        await form.Locator("#Form_PanelSize").FillAsync("2");
        await form.Locator("#Form_Alternates").FillAsync("0");
        await form.Locator("#Form_MinSeniorPercent").FillAsync("0");
        await form.Locator("#Form_MinOtherRegion").FillAsync("0");
        await form.Locator("#Form_CoolDownDays").FillAsync("0");
        await form.Locator("#Form_ReviewStartsAt").FillAsync(Local(now.AddDays(10)));
        await form.Locator("#Form_ReviewEndsAt").FillAsync(Local(now.AddDays(11)));
        await form.Locator("#Form_ResponseDeadline").FillAsync(Local(now.AddDays(3)));
        await admin.GetByTestId("create-submit").ClickAsync();
        await Expect(admin.GetByTestId("error-panelSize")).ToBeVisibleAsync();
        await Expect(admin.Locator("#Form_PanelSize")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-invalid"));
        await admin.Locator("#Form_PanelSize").FillAsync("3");
        await admin.GetByTestId("create-submit").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(title);
        await Expect(admin.GetByTestId("activity-status")).ToHaveTextAsync("筹备中");

        // 2. One item, its applicant an institution none of the three works at; then the draw, after confirming.
        await admin.Locator("#ItemTitle").FillAsync("巴蜀文化遗址保护方案");
        await admin.Locator("#ApplicantId").SelectOptionAsync(new SelectOptionValue { Label = "重庆市计量质量检测研究院" });
        await admin.GetByTestId("item-submit").ClickAsync();
        await Expect(admin.GetByTestId("items")).ToContainTextAsync("巴蜀文化遗址保护方案");
        await admin.GetByTestId("draw").ClickAsync();
        await Expect(admin.GetByTestId("activity-status")).ToHaveTextAsync("已抽取");
        await Expect(admin.GetByTestId("draw-1").GetByTestId("commitment")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        var seats = admin.GetByTestId("seats");
        await Expect(seats.Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(seats.Locator("tbody tr").Filter(new() { HasText = expertName })).ToContainTextAsync("已邀请");

        // 3. The expert answers: a decline without a reason is refused with the field marked; then an acceptance.
        await expert.GotoAsync("/Me/Invitations");
        var invitation = expert.GetByTestId("invitation").Filter(new() { HasText = title });
        await Expect(invitation.GetByTestId("invitation-status")).ToHaveTextAsync("已邀请");
        await invitation.GetByLabel("答复").SelectOptionAsync("Decline");
        await invitation.GetByTestId("answer-submit").ClickAsync();
        invitation = expert.GetByTestId("invitation").Filter(new() { HasText = title });
        await Expect(invitation.GetByTestId("error-reason")).ToBeVisibleAsync();
        await Expect(invitation.GetByTestId("invitation-status")).ToHaveTextAsync("已邀请");
        await invitation.GetByLabel("答复").SelectOptionAsync("Accept");
        await invitation.GetByTestId("answer-submit").ClickAsync();
        await Expect(expert.GetByTestId("invitation").Filter(new() { HasText = title }).GetByTestId("invitation-status")).ToHaveTextAsync("已接受");

        // 4. The administrator sees the answer and cancels before the review: the seed is revealed on the page at once.
        await admin.ReloadAsync();
        await Expect(admin.GetByTestId("seats").Locator("tbody tr").Filter(new() { HasText = expertName })).ToContainTextAsync("已接受");
        await admin.Locator("#CancelReason").FillAsync("论证事项已由主管部门另行安排");
        await admin.GetByTestId("cancel").ClickAsync();
        await Expect(admin.GetByTestId("activity-status")).ToHaveTextAsync("已撤销");
        await Expect(admin.GetByTestId("cancel")).ToHaveCountAsync(0);

        // 5. Anyone can check the cancelled draw: the public page recomputes it from the revealed seed.
        await admin.GetByTestId("public-draw-link").ClickAsync();
        var drawUrl = admin.Url;
        await Expect(admin.GetByTestId("published-draw-1").GetByTestId("verification")).ToContainTextAsync("核验通过");
        var visitor = await browser.NewPageAsync();
        await visitor.GotoAsync(drawUrl);
        var published = visitor.GetByTestId("published-draw-1");
        await Expect(published.GetByTestId("seed")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        await Expect(published.GetByTestId("verification")).ToContainTextAsync("核验通过");
        await Expect(published.GetByTestId("drawn")).ToContainTextAsync(expertName);
        await Expect(visitor.GetByTestId("cancelled-note")).ToBeVisibleAsync();
        await SaveScreenshotAsync(visitor, "review-draw-public.png");
    }

    private static string Local(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private async Task<Guid> OrganizationAsync(string name)
    {
        using var scope = browser.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync();
    }

    private static Dictionary<string, object?> NewExpert(string name, Guid organization) => new()
    {
        ["name"] = name,
        ["gender"] = "Male",
        ["birthYear"] = 1972,
        ["titleLevel"] = "FullSenior",
        ["position"] = "研究员",
        ["organizationId"] = organization,
        ["category"] = "Technical",
        ["entryRoute"] = "OpenCall",
        ["yearsInField"] = 25,
        ["disciplines"] = Archaeology,
        ["primaryDiscipline"] = "78010",
        ["keywords"] = "田野考古、文物保护",
        ["availability"] = "Available",
        ["phone"] = "13900139000",
        ["email"] = "archaeology.browser@example.org",
        ["idNumber"] = ResidentIdNumber.Complete($"5001061972{Random.Shared.Next(1, 13):00}{Random.Shared.Next(1, 29):00}{Random.Shared.Next(100, 999)}"),
    };

    /// <summary>A call to the platform's API with the page's sign-in and antiforgery token; fails the test on an error answer.</summary>
    private static async Task<JsonElement> ApiAsync(IPage page, string method, string path, object? body = null)
    {
        var token = await page.Locator("meta[name=request-verification-token]").GetAttributeAsync("content");
        var response = await page.APIRequest.FetchAsync(path, new()
        {
            Method = method,
            Headers = new Dictionary<string, string> { ["RequestVerificationToken"] = token! },
            DataObject = body,
        });
        var text = await response.TextAsync();
        Assert.True(response.Ok, $"{method} {path}: {response.Status} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}

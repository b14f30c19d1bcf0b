using System.Text.RegularExpressions;
using Chuanyu.BrowserTests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Features.MarketEvents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// Matchmaking events in a real Chromium: the public calendar shows the demo's online biomedicine event and its .ics
/// downloads; the organiser puts a result on show; 四川大学 and an enterprise (蓉芯) register, the enterprise books a
/// meeting slot about the exhibit, and the organiser's grid shows the slot taken.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class MarketEventsBrowserTests(BrowserFixture browser)
{
    private const string OnlineEvent = "川渝生物医药线上对接会（示例）";
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private async Task<(Guid Event, string Exhibit)> DemoAsync()
    {
        using var scope = browser.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var id = await db.Set<MatchmakingEvent>().Where(e => e.Title == OnlineEvent).Select(e => e.Id).SingleAsync();
        var now = DateTimeOffset.UtcNow;
        var exhibit = await scope.ServiceProvider.GetRequiredService<MarketDirectory>().LiveAchievements(now).OrderBy(a => a.Id).Select(a => a.Title).FirstAsync();
        return (id, exhibit);
    }

    private static async Task RegisterAsync(IPage page, Guid id, string contact, string phone)
    {
        await page.GotoAsync($"/Market/Events/{id}");
        await page.Locator("#ContactName").FillAsync(contact);
        await page.Locator("#ContactPhone").FillAsync(phone);
        await page.Locator("#Note").FillAsync("浏览器测试：寻求生物医药成果合作");
        await page.GetByTestId("register").ClickAsync();
        await Expect(page.GetByTestId("registered")).ToBeVisibleAsync(Slow);
    }

    [Fact]
    public async Task TheCalendarShowsADemoEvent_AnEnterpriseRegistersAndBooksASlot_AndTheGridShowsItTaken()
    {
        var (id, exhibit) = await DemoAsync();

        // The public calendar of the event's month (China time), anonymous; the event's .ics.
        var visitor = await browser.NewPageAsync();
        await visitor.GotoAsync($"/Market/Events/{id}");
        var when = await visitor.GetByTestId("event-details").InnerTextAsync();
        var month = Regex.Match(when, @"(\d{4})-(\d{2})");
        await visitor.GotoAsync($"/Market/Events?month={month.Groups[1].Value}-{month.Groups[2].Value}");
        await Expect(visitor.GetByTestId("event-list").GetByRole(AriaRole.Link, new() { Name = OnlineEvent })).ToBeVisibleAsync(Slow);
        await visitor.GetByTestId("event-list").GetByRole(AriaRole.Link, new() { Name = OnlineEvent }).ClickAsync();
        var icsHref = await visitor.GetByTestId("event-ics").GetAttributeAsync("href");
        var ics = await visitor.APIRequest.GetAsync(icsHref!);
        Assert.Equal(200, ics.Status);
        Assert.StartsWith("text/calendar", ics.Headers["content-type"], StringComparison.Ordinal);
        // Long lines are folded (RFC 5545: CRLF and a space): unfolded before reading.
        var body = (await ics.TextAsync()).Replace("\r\n ", "", StringComparison.Ordinal);
        Assert.Contains("BEGIN:VCALENDAR", body, StringComparison.Ordinal);
        Assert.Contains("BEGIN:VEVENT", body, StringComparison.Ordinal);
        Assert.Contains("@chuanyu", body, StringComparison.Ordinal);

        // The organiser (Sichuan's administrator) puts a live result on show.
        var organizer = await browser.NewPageAsync();
        await SignInAsync(organizer, "sc.admin@chuanyu.demo");
        await organizer.GotoAsync($"/Market/Events/{id}/Manage?Kind=Achievement&Q=" + Uri.EscapeDataString(exhibit));
        await organizer.GetByTestId("exhibit-candidates").GetByTestId("add-exhibit").First.ClickAsync();
        await Expect(organizer.GetByTestId("manage-exhibits").GetByTestId("exhibit").Filter(new() { HasText = exhibit })).ToBeVisibleAsync(Slow);
        await visitor.GotoAsync($"/Market/Events/{id}");
        await Expect(visitor.GetByTestId("exhibits").GetByRole(AriaRole.Link, new() { Name = exhibit })).ToBeVisibleAsync(Slow);

        // 四川大学 registers, then the enterprise, which books the first slot with 四川大学 about the exhibit.
        var researcher = await browser.NewPageAsync();
        await SignInAsync(researcher, "scu.researcher@chuanyu.demo");
        await RegisterAsync(researcher, id, "李老师", "13800000202");
        var enterprise = await browser.NewPageAsync();
        await SignInAsync(enterprise, "engineer@chuanyu.demo");
        await RegisterAsync(enterprise, id, "赵工", "13800000201");
        await enterprise.GetByTestId("my-meetings").ClickAsync();
        var form = enterprise.GetByTestId("request-form");
        await Expect(form).ToBeVisibleAsync(Slow);
        var partner = await form.Locator("#WithOrganizationId option").Filter(new() { HasText = "四川大学" }).First.GetAttributeAsync("value");
        await form.Locator("#WithOrganizationId").SelectOptionAsync(partner!);
        // The first slot of the grid (its label starts with the slot's start, as the grid's row header shows it).
        var slot = (await form.Locator("#SlotStart option").First.InnerTextAsync()).Trim()[..16];
        await form.Locator("#ExhibitId").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await form.GetByTestId("request-meeting").ClickAsync();
        var meeting = enterprise.GetByTestId("meeting-list").GetByTestId("meeting");
        await Expect(meeting).ToContainTextAsync("四川大学", new() { Timeout = 30_000 });
        await Expect(meeting.GetByTestId("meeting-exhibit")).ToContainTextAsync(exhibit);
        await SaveScreenshotAsync(enterprise, "market-event-meetings.png");

        // The organiser's grid: the first slot's first table is taken by the two organisations.
        await organizer.GotoAsync($"/Market/Events/{id}/Manage");
        var firstRow = organizer.GetByTestId("meeting-grid").Locator("tbody tr").First;
        await Expect(firstRow.Locator("th")).ToHaveTextAsync(slot, new() { Timeout = 30_000 });
        await Expect(firstRow.Locator("td").First).ToContainTextAsync("蓉芯");
        await Expect(firstRow.Locator("td").First).ToContainTextAsync("四川大学");
        await SaveScreenshotAsync(organizer, "market-event-grid.png");
    }
}

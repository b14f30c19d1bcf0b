using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.ServiceOrders;
using Chuanyu.Web.Features.Usage;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.ServiceOrders;

/// <summary>
/// The service-order pages (送样检测) as people use them: a testing service of 重庆大学 made
/// for each test with a per-sample fee schedule, ordered by the 四川大学 researcher (跨区域 price) and handled by the
/// 重庆大学 instrument manager, every step through the pages' own forms.
/// </summary>
public sealed class ServiceOrderPagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private async Task<PageSession> SignedInAsync(string email)
    {
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email)).StatusCode);
        return session;
    }

    /// <summary>A published testing service of 重庆大学 charging per sample: 100 yuan internal, 150 across the regions.</summary>
    private Task<Guid> TestingServiceAsync(string unit = "样品") => factory.WithDbAsync(async db =>
    {
        var cqu = await db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync();
        var manager = await db.Users.Where(u => u.Email == Demo.CquInstrumentManager).Select(u => u.Id).FirstAsync();
        var now = DateTimeOffset.UtcNow;
        var r = new Resource
        {
            Id = Guid.CreateVersion7(),
            Kind = ResourceKind.TestingService,
            Name = $"材料力学性能检测 {Guid.NewGuid():N}"[..20],
            OrganizationId = cqu,
            RegionCode = "500000",
            DistrictCode = "500106",
            Status = ResourceStatus.Published,
            SharingStatus = SharingStatus.OpenToAll,
            CreatedBy = manager,
            CreatedAt = now,
            UpdatedBy = manager,
            UpdatedAt = now,
            PublishedAt = now,
        };
        foreach (var (type, yuan) in new[] { (FeeUserType.Internal, 100), (FeeUserType.SameRegion, 150), (FeeUserType.OtherRegion, 150), (FeeUserType.Enterprise, 200) })
        {
            r.Fees.Add(new ResourceFee { Id = Guid.CreateVersion7(), ResourceId = r.Id, UserType = type, PriceFen = yuan * 100, Unit = unit });
        }
        db.Add(r);
        await db.SaveChangesAsync();
        return r.Id;
    });

    private static Dictionary<string, string> OrderFields(string items, string purpose, params (string Name, string Quantity)[] samples)
    {
        var fields = new Dictionary<string, string> { ["Form.Items"] = items, ["Form.Purpose"] = purpose };
        for (var i = 0; i < samples.Length; i++)
        {
            fields[$"Form.Samples[{i}].Name"] = samples[i].Name;
            fields[$"Form.Samples[{i}].Quantity"] = samples[i].Quantity;
        }
        return fields;
    }

    private static string Status(IHtmlDocument doc) => doc.QuerySelector("[data-testid=status]")!.TextContent.Trim();

    /// <summary>Posts a form of the order page (its action and antiforgery token) and follows the redirect back.</summary>
    private static async Task<IHtmlDocument> ActAsync(PageSession session, string url, string form, Dictionary<string, string>? fields = null)
    {
        var response = await session.SubmitAsync(url, fields ?? [], $"form[data-testid={form}]");
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{form}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(url, response.Headers.Location!.OriginalString);
        return await session.FollowAsync(response);
    }

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

    [Fact]
    public async Task InstrumentUnderMaintenance_OffersNoOrder_SaysWhyOnce_AndAPostChangesNothing()
    {
        // Issue 21, point 1, for samples as for bookings: 冷场发射扫描电子显微镜 SU8010 of 西南大学 is under maintenance in the demo.
        var su8010 = await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Model == "SU8010").Select(r => new { r.Id, r.Kind, r.SharingStatus }).FirstAsync());
        Assert.Equal(SharingStatus.UnderMaintenance, su8010.SharingStatus);
        Assert.True(ServiceOrderService.IsOrderable(su8010.Kind));
        var researcher = await SignedInAsync(Demo.ScuResearcher);

        var (_, details) = await researcher.GetAsync($"/Resources/{su8010.Id}");
        Assert.Null(details.QuerySelector("[data-testid=order-link]"));

        var url = $"/Resources/{su8010.Id}/Order";
        var (response, page) = await researcher.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(page.QuerySelectorAll("[data-testid=maintenance]"));
        Assert.Null(page.QuerySelector("form[data-testid=order-form]"));

        // A post sent anyway (with the page's antiforgery token) is refused, says why once and stores nothing.
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Form.Items"] = "形貌观察",
            ["Form.Purpose"] = "维护期间送样",
            ["Form.Samples[0].Name"] = "样品",
            ["Form.Samples[0].Quantity"] = "1",
        });
        var posted = await researcher.Client.PostAsync(url, content);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, posted.StatusCode);
        var refused = new HtmlParser().ParseDocument(await posted.Content.ReadAsStringAsync());
        Assert.Single(refused.QuerySelectorAll("[data-testid=maintenance]"));
        Assert.Null(refused.QuerySelector("[data-testid=order-error]"));
        Assert.False(await factory.WithDbAsync(db => db.Set<ServiceOrder>().AnyAsync(o => o.ResourceId == su8010.Id)));
    }

    [Fact]
    public async Task Order_QuoteAcceptStartReportComplete_ThroughThePages()
    {
        var service = await TestingServiceAsync();
        // The resource page leads to the order form, which shows the fee schedule and the caller's price.
        var researcher = await SignedInAsync(Demo.ScuResearcher);
        var (_, details) = await researcher.GetAsync($"/Resources/{service}");
        Assert.Equal($"/Resources/{service}/Order", details.QuerySelector("[data-testid=order-link]")!.GetAttribute("href"));
        Assert.Equal("送样检测", details.QuerySelector("[data-testid=order-link]")!.TextContent.Trim());
        var orderUrl = $"/Resources/{service}/Order";
        var (formResponse, form) = await researcher.GetAsync(orderUrl);
        Assert.Equal(HttpStatusCode.OK, formResponse.StatusCode);
        Assert.Equal(4, form.QuerySelectorAll("[data-testid=fees] tbody tr").Length);
        Assert.Contains("您的类型", form.QuerySelector("[data-testid=fees] tr[data-user-type=OtherRegion]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(ServiceOrderPages.SampleRows, form.QuerySelectorAll("[data-testid=samples] tbody tr").Length);

        // Two items, 3 + 2 samples at 150 yuan each (per sample): the order goes to its own page.
        var fields = OrderFields("拉伸强度\n断后伸长率", "钢材来料检验，常温拉伸。", ("Q235 钢板试样", "3"), ("Q345 钢板试样", "2"));
        var submitted = await researcher.SubmitAsync(orderUrl, fields, "form[data-testid=order-form]");
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var orderPage = submitted.Headers.Location!.OriginalString;
        Assert.StartsWith("/ServiceOrders/", orderPage, StringComparison.Ordinal);
        var (_, order) = await researcher.GetAsync(orderPage);
        Assert.Equal("待报价", Status(order));
        Assert.Equal(["拉伸强度", "断后伸长率"], order.QuerySelectorAll("[data-testid=items] li").Select(li => li.TextContent.Trim()).ToArray());
        Assert.Equal(["Q235 钢板试样 × 3", "Q345 钢板试样 × 2"], order.QuerySelectorAll("[data-testid=samples] li").Select(li => li.TextContent.Trim()).ToArray());
        Assert.NotNull(order.QuerySelector("[data-testid=cancel-form]"));
        Assert.Null(order.QuerySelector("[data-testid=quote-form]"));
        Assert.Null(order.QuerySelector("[data-testid=accept-form]"));
        Assert.NotNull(order.QuerySelector("[data-testid=cancel-form] button[data-confirm]"));

        // The manager finds it in the queue and quotes from the schedule (per sample: no hours asked).
        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        var (_, queue) = await manager.GetAsync("/Me/ServiceOrderQueue?status=Submitted");
        Assert.Contains(queue.QuerySelectorAll("[data-testid=order-link]"), a => a.GetAttribute("href") == orderPage);
        var (_, managerView) = await manager.GetAsync(orderPage);
        Assert.Null(managerView.QuerySelector("[data-testid=quote-form] input[name=Hours]"));
        Assert.Contains("¥750.00", managerView.QuerySelector("[data-testid=suggested]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(managerView.QuerySelector("[data-testid=reject-form] button[data-confirm]"));
        var promised = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(10)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var quoted = await ActAsync(manager, orderPage, "quote-form", new() { ["Note"] = "五个工作日内出报告", ["PromisedOn"] = promised });
        Assert.Equal("待确认报价", Status(quoted));
        Assert.Contains("¥750.00", quoted.QuerySelector("[data-testid=quote]")!.TextContent, StringComparison.Ordinal);

        // The customer accepts; the manager receives the samples.
        var accepted = await ActAsync(researcher, orderPage, "accept-form");
        Assert.Equal("待送样", Status(accepted));
        Assert.Null(accepted.QuerySelector("[data-testid=accept-form]"));
        var started = await ActAsync(manager, orderPage, "start-form");
        Assert.Equal("检测中", Status(started));

        // The report: a PDF and the machine time, as a multipart post to the page handler.
        var (_, reporting) = await manager.GetAsync(orderPage);
        var reportForm = reporting.QuerySelector("form[data-testid=report-form]")!;
        Assert.Equal("multipart/form-data", reportForm.GetAttribute("enctype"));
        var token = reportForm.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        async Task<HttpResponseMessage> UploadAsync(byte[] bytes, string name, string minutes)
        {
            using var content = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new StringContent(minutes), "MachineMinutes" } };
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            content.Add(part, "ReportFile", name);
            return await manager.Client.PostAsync(reportForm.GetAttribute("action"), content);
        }
        // Not a PDF, and no machine time: both refused beside their fields, nothing changes.
        var bad = await UploadAsync(Encoding.ASCII.GetBytes("hello, not a pdf"), "报告.pdf", "");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badDoc = new HtmlParser().ParseDocument(await bad.Content.ReadAsStringAsync());
        Assert.Contains("文件内容与扩展名", badDoc.QuerySelector("[data-testid=error-report-file]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("机时", badDoc.QuerySelector("[data-testid=error-report-machineMinutes]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("检测中", Status(badDoc));
        var uploaded = await UploadAsync(Pdf, "检测报告.pdf", "90");
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var reported = await manager.FollowAsync(uploaded);
        Assert.Equal("待验收", Status(reported));
        Assert.Equal("90 分钟", reported.QuerySelector("[data-testid=machine-minutes]")!.TextContent.Trim());
        Assert.Equal($"/api/v1/service-orders{orderPage["/ServiceOrders".Length..]}/report", reported.QuerySelector("[data-testid=report-link]")!.GetAttribute("href"));

        // The customer downloads the report through the link and accepts it.
        var (_, customerView) = await researcher.GetAsync(orderPage);
        var download = await researcher.Client.GetAsync(customerView.QuerySelector("[data-testid=report-link]")!.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        var completed = await ActAsync(researcher, orderPage, "complete-form");
        Assert.Equal("已完成", Status(completed));
        Assert.Null(completed.QuerySelector("[data-testid=actions]"));
        Assert.Equal(6, completed.QuerySelectorAll("[data-testid=timeline] li").Length);

        // The order is in "my orders" as completed, and a usage record of 90 minutes and 750 yuan was written.
        var (_, mine) = await researcher.GetAsync("/Me/ServiceOrders?status=Completed");
        var row = mine.QuerySelectorAll("[data-testid=orders] tbody tr").Single(tr => tr.QuerySelector("a[data-testid=order-link]")!.GetAttribute("href") == orderPage);
        Assert.Equal("已完成", row.QuerySelector("[data-testid=status]")!.TextContent.Trim());
        var id = Guid.Parse(orderPage["/ServiceOrders/".Length..]);
        var usage = await factory.WithDbAsync(db => db.Set<UsageRecord>().SingleAsync(u => u.ServiceOrderId == id));
        Assert.Equal(90, usage.Minutes);
        Assert.Equal(75_000, usage.FeeFen);
    }

    [Fact]
    public async Task OrderForm_ShowsTheEstimate_AndFieldErrorsInChinese_AndKeepsWhatWasTyped()
    {
        var service = await TestingServiceAsync("项");
        var session = await SignedInAsync(Demo.ScuResearcher);
        var url = $"/Resources/{service}/Order";

        // The estimate handler: 4 samples × 2 items at 150 yuan per item.
        var (_, page) = await session.GetAsync(url);
        var token = page.QuerySelector("form[data-testid=order-form] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var estimateFields = OrderFields("硬度\n金相组织", "来料检验", ("铸件", "4"));
        estimateFields["__RequestVerificationToken"] = token;
        using var estimateContent = new FormUrlEncodedContent(estimateFields);
        var estimate = await session.Client.PostAsync(page.QuerySelector("[data-testid=estimate-button]")!.GetAttribute("formaction"), estimateContent);
        Assert.Equal(HttpStatusCode.OK, estimate.StatusCode);
        var estimated = new HtmlParser().ParseDocument(await estimate.Content.ReadAsStringAsync());
        Assert.Contains("¥1,200.00", estimated.QuerySelector("[data-testid=estimate]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("样品数 × 检测项目数", estimated.QuerySelector("[data-testid=pricing-rule]")!.TextContent, StringComparison.Ordinal);

        // No items, a sample without a name on the second row: errors beside the fields, the rest kept, no order made.
        var before = await factory.WithDbAsync(db => db.Set<ServiceOrder>().CountAsync(o => o.ResourceId == service));
        var response = await session.SubmitAsync(url, OrderFields("", "来料检验 铸件", ("铸件", "4"), ("", "2")), "form[data-testid=order-form]");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("请至少填写一个检测项目。", doc.QuerySelector("[data-testid=error-items]")!.TextContent.Trim());
        Assert.Contains("is-invalid", doc.QuerySelector("#Form_Items")!.ClassName, StringComparison.Ordinal);
        Assert.Equal("样品名称为 1–100 个字。", doc.QuerySelector("[data-testid='error-samples[1].name']")!.TextContent.Trim());
        Assert.Equal("", doc.QuerySelector("[data-testid='error-samples[0].name']")!.TextContent.Trim());
        Assert.Equal("来料检验 铸件", doc.QuerySelector("#Form_Purpose")!.TextContent);
        Assert.Equal("铸件", doc.QuerySelector("#sample-name-0")!.GetAttribute("value"));
        Assert.NotNull(doc.QuerySelector("[data-testid=form-errors]"));
        Assert.Equal(before, await factory.WithDbAsync(db => db.Set<ServiceOrder>().CountAsync(o => o.ResourceId == service)));

        // Instruments and testing services only; unknown ids are 404.
        Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync($"/Resources/{Guid.NewGuid()}/Order")).Response.StatusCode);
    }

    [Fact]
    public async Task OrderPage_IsNotFoundForAnotherOrganisationsUser_AndTheirActionsAreRefused()
    {
        var service = await TestingServiceAsync();
        var researcher = await SignedInAsync(Demo.ScuResearcher);
        var created = await researcher.SubmitAsync($"/Resources/{service}/Order", OrderFields("拉伸强度", "来料检验", ("试样", "1")), "form[data-testid=order-form]");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var orderPage = created.Headers.Location!.OriginalString;

        // The engineer (an enterprise, neither customer nor provider) cannot see it nor act on it.
        var engineer = await SignedInAsync(Demo.Engineer);
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.GetAsync(orderPage)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.GetAsync($"/ServiceOrders/{Guid.NewGuid()}")).Response.StatusCode);
        var (_, ownPage) = await engineer.GetAsync("/Me/ServiceOrders");
        var token = ownPage.QuerySelector("form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var cancel = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.Client.PostAsync(orderPage + "?handler=Cancel", cancel)).StatusCode);
        Assert.Equal("待报价", Status((await researcher.GetAsync(orderPage)).Document));

        // The customer may not quote their own order: the form is not offered, and a hand-made post is 403.
        var (_, customerView) = await researcher.GetAsync(orderPage);
        Assert.Null(customerView.QuerySelector("[data-testid=quote-form]"));
        var customerToken = customerView.QuerySelector("form[data-testid=cancel-form] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var quote = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = customerToken, ["Note"] = "自己报价" });
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.Client.PostAsync(orderPage + "?handler=Quote", quote)).StatusCode);

        // The manager's reject needs a reason (shown beside the field); then the customer can no longer cancel.
        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        var noReason = await manager.SubmitAsync(orderPage, new Dictionary<string, string> { ["Note"] = "" }, "form[data-testid=reject-form]");
        Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
        var noReasonDoc = new HtmlParser().ParseDocument(await noReason.Content.ReadAsStringAsync());
        Assert.Contains("拒绝的理由", noReasonDoc.QuerySelector("[data-testid=error-reject-note]")!.TextContent, StringComparison.Ordinal);
        var rejected = await ActAsync(manager, orderPage, "reject-form", new() { ["Note"] = "样品不符合检测要求" });
        Assert.Equal("已拒绝", Status(rejected));
        Assert.Equal("样品不符合检测要求", rejected.QuerySelector("[data-testid=decision-note]")!.TextContent.Trim());
        Assert.Null((await researcher.GetAsync(orderPage)).Document.QuerySelector("[data-testid=cancel-form]"));
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.ServiceOrders;
using Chuanyu.Web.Features.Usage;
using Microsoft.EntityFrameworkCore;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.ServiceOrders;

/// <summary>Service orders (送样检测) through the API: the whole life of an order, the price from the fee schedule, bad input and other people's orders.</summary>
public sealed class ServiceOrderApiTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private static readonly object[] PerSample =
    [
        new { userType = "Internal", price = 100m, unit = "样品" },
        new { userType = "SameRegion", price = 150m, unit = "样品" },
        new { userType = "OtherRegion", price = 180m, unit = "样品" },
    ];

    private async Task<(HttpClient Manager, Guid Service)> ServiceAsync(string name, object[]? fees = null, string sharing = "OpenToAll")
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        return (manager, await InstrumentAsync(factory, manager, name, sharing, "TestingService", fees ?? PerSample));
    }

    private static object Order(Guid service, int[]? quantities = null, string[]? items = null) => new
    {
        serviceId = service,
        items = items ?? ["物相分析", "晶粒尺寸"],
        samples = (quantities ?? [3, 2]).Select((q, i) => new { name = $"正极粉末 {i + 1} 号", quantity = q }).ToArray(),
        purpose = "锂电正极材料 XRD 物相鉴定，样品干燥密封",
    };

    private static async Task<Guid> CreateAsync(HttpClient client, object order)
    {
        var response = await client.PostAsJsonAsync("/api/v1/service-orders", order);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private static MultipartFormDataContent Report(byte[] content, string fileName, string? minutes)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", fileName);
        if (minutes is not null)
        {
            form.Add(new StringContent(minutes), "machineMinutes");
        }
        return form;
    }

    [Fact]
    public async Task Order_Quote_Accept_Start_Report_Complete_RecordsUsageAndFee()
    {
        var (manager, service) = await ServiceAsync("送样流程 X 射线衍射检测");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);

        var created = await researcher.PostAsJsonAsync("/api/v1/service-orders", Order(service));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var order = await created.ReadJsonAsync();
        var id = order.GetProperty("id").GetGuid();
        Assert.Equal("Submitted", order.GetProperty("status").GetString());
        Assert.Equal("OtherRegion", order.GetProperty("userType").GetString()); // 四川大学 orders from 重庆大学
        Assert.Equal(5, order.GetProperty("sampleCount").GetInt32());
        Assert.Matches(@"^SO\d{8}-[0-9A-F]{10}$", order.GetProperty("number").GetString());

        // Only the provider quotes; the price comes from the schedule: 5 samples × 180 元.
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.PostAsJsonAsync($"/api/v1/service-orders/{id}/quote", new { })).StatusCode);
        await (await researcher.PostAsync($"/api/v1/service-orders/{id}/accept", null)).AssertProblemAsync(409);
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/service-orders/{id}/quote",
            new { note = "含制样费", promisedOn = DateTimeOffset.UtcNow.AddDays(10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) })).StatusCode);
        order = await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/service-orders/{id}");
        Assert.Equal("Quoted", order.GetProperty("status").GetString());
        Assert.Equal(900m, order.GetProperty("quote").GetDecimal());
        Assert.Equal(180m, order.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(5m, order.GetProperty("quantity").GetDecimal());
        Assert.True(order.GetProperty("canAccept").GetBoolean());

        // Accepting a quote the customer has not seen (a stale version) is refused.
        var version = order.GetProperty("version").GetInt32();
        await (await researcher.PostAsync($"/api/v1/service-orders/{id}/accept?version={version - 1}", null)).AssertProblemAsync(409);
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsync($"/api/v1/service-orders/{id}/accept?version={version}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsync($"/api/v1/service-orders/{id}/start", null)).StatusCode);

        // The report must be a real PDF with the machine time.
        await (await manager.PostAsync($"/api/v1/service-orders/{id}/report", Report(Encoding.ASCII.GetBytes("MZ not a pdf"), "报告.pdf", "90")))
            .AssertFieldErrorAsync("file");
        await (await manager.PostAsync($"/api/v1/service-orders/{id}/report", Report(Pdf, "报告.pdf", null))).AssertFieldErrorAsync("machineMinutes");
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsync($"/api/v1/service-orders/{id}/report", Report(Pdf, "XRD 检测报告.pdf", "90"))).StatusCode);

        var download = await researcher.GetAsync($"/api/v1/service-orders/{id}/report");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync($"/api/v1/service-orders/{id}/complete", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsync($"/api/v1/service-orders/{id}/complete", null)).StatusCode);
        order = await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/service-orders/{id}");
        Assert.Equal("Completed", order.GetProperty("status").GetString());

        var usage = await factory.WithDbAsync(db => db.Set<UsageRecord>().AsNoTracking().SingleAsync(u => u.ServiceOrderId == id));
        Assert.Equal(90, usage.Minutes);
        Assert.Equal(90_000, usage.FeeFen);
        Assert.True(usage.External);
        Assert.Equal(service, usage.ResourceId);

        var mail = await factory.WithDbAsync(db => db.Outbox.Where(m => m.Subject.Contains("送样流程 X 射线衍射检测")).Select(m => new { m.Recipient, m.Subject }).ToListAsync());
        Assert.Contains(mail, m => m.Recipient == Demo.CquInstrumentManager && m.Subject.Contains("新的送样检测订单", StringComparison.Ordinal));
        Assert.Contains(mail, m => m.Recipient == Demo.ScuResearcher && m.Subject.Contains("已报价", StringComparison.Ordinal));
        Assert.Contains(mail, m => m.Recipient == Demo.ScuResearcher && m.Subject.Contains("检测报告已出具", StringComparison.Ordinal));
        var audited = await factory.WithDbAsync(db => db.AuditEntries.Where(a => a.Target == $"service-order:{id}").Select(a => a.Action).ToListAsync());
        Assert.Equal(["service-order.accept", "service-order.complete", "service-order.quote", "service-order.report"], audited.Order().ToArray());

        // Both sides list it.
        var mine = await researcher.GetFromJsonAsync<JsonElement>("/api/v1/me/service-orders?status=Completed");
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), o => o.GetProperty("id").GetGuid() == id);
        var managed = await manager.GetFromJsonAsync<JsonElement>("/api/v1/service-orders/managed?status=Completed");
        Assert.Contains(managed.GetProperty("items").EnumerateArray(), o => o.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task PricePerItem_MultipliesSamplesByItems_AndHourlyPriceNeedsHours()
    {
        var (manager, perItem) = await ServiceAsync("按项收费 元素分析", [new { userType = "OtherRegion", price = 60m, unit = "项" }]);
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        var id = await CreateAsync(researcher, Order(perItem, [4], ["C", "H", "N"]));
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/service-orders/{id}/quote", new { })).StatusCode);
        var order = await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/service-orders/{id}");
        Assert.Equal(12m, order.GetProperty("quantity").GetDecimal());
        Assert.Equal(720m, order.GetProperty("quote").GetDecimal());

        var (_, hourly) = await ServiceAsync("按机时收费 透射电镜送样", [new { userType = "OtherRegion", price = 500m, unit = "小时" }]);
        id = await CreateAsync(researcher, Order(hourly));
        await (await manager.PostAsJsonAsync($"/api/v1/service-orders/{id}/quote", new { })).AssertFieldErrorAsync("hours");
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/service-orders/{id}/quote", new { hours = 2.5m })).StatusCode);
        order = await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/service-orders/{id}");
        Assert.Equal(1250m, order.GetProperty("quote").GetDecimal());
    }

    [Fact]
    public async Task BadOrders_AreRefusedWithTheFieldOrTheRule_AndWriteNothing()
    {
        var (manager, service) = await ServiceAsync("送样校验 拉曼光谱");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        var before = await factory.WithDbAsync(db => db.Set<ServiceOrder>().CountAsync());

        await (await researcher.PostAsJsonAsync("/api/v1/service-orders", new { serviceId = service, items = Array.Empty<string>(), samples = Array.Empty<object>(), purpose = "测" }))
            .AssertFieldErrorAsync("items");
        await (await researcher.PostAsJsonAsync("/api/v1/service-orders", Order(service, [0]))).AssertFieldErrorAsync("samples[0].quantity");
        await (await researcher.PostAsJsonAsync("/api/v1/service-orders", Order(service, items: Enumerable.Range(1, 21).Select(i => $"项目{i}").ToArray())))
            .AssertFieldErrorAsync("items");
        await (await researcher.PostAsJsonAsync("/api/v1/service-orders", Order(service, items: ["重复", "重复"]))).AssertFieldErrorAsync("items");
        await (await researcher.PostAsJsonAsync("/api/v1/service-orders", Order(service, items: [new string('长', 101)]))).AssertFieldErrorAsync("items");
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.PostAsJsonAsync("/api/v1/service-orders", Order(Guid.NewGuid()))).StatusCode);

        // An enterprise has no price in this schedule; an internal-only service is not for outsiders; a data set takes no samples.
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        Assert.Equal("noPrice", (await (await engineer.PostAsJsonAsync("/api/v1/service-orders", Order(service))).AssertProblemAsync(422)).GetProperty("rule").GetString());
        var (_, internalOnly) = await ServiceAsync("送样校验 仅校内", sharing: "InternalOnly");
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.PostAsJsonAsync("/api/v1/service-orders", Order(internalOnly))).StatusCode); // not even listed to outsiders
        var dataSet = await InstrumentAsync(factory, manager, "送样校验 数据集", kind: "DataSet");
        Assert.Equal("kind", (await (await researcher.PostAsJsonAsync("/api/v1/service-orders", Order(dataSet))).AssertProblemAsync(422)).GetProperty("rule").GetString());

        Assert.Equal(before, await factory.WithDbAsync(db => db.Set<ServiceOrder>().CountAsync()));
    }

    [Fact]
    public async Task OtherPeoplesOrders_AreInvisible_AndTheirActionsRefused()
    {
        var (manager, service) = await ServiceAsync("送样权限 热重分析");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        var id = await CreateAsync(researcher, Order(service));

        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.GetAsync($"/api/v1/service-orders/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.PostAsJsonAsync($"/api/v1/service-orders/{id}/quote", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.PostAsync($"/api/v1/service-orders/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.GetAsync($"/api/v1/service-orders/{id}/report")).StatusCode);
        Assert.DoesNotContain((await engineer.GetFromJsonAsync<JsonElement>("/api/v1/service-orders/managed")).GetProperty("items").EnumerateArray(),
            o => o.GetProperty("id").GetGuid() == id);

        // The region's admin reads it; the customer cannot start the work; a rejection needs a reason and ends the order.
        var chongqing = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        Assert.Equal(HttpStatusCode.OK, (await chongqing.GetAsync($"/api/v1/service-orders/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.PostAsync($"/api/v1/service-orders/{id}/start", null)).StatusCode);
        await (await manager.PostAsJsonAsync($"/api/v1/service-orders/{id}/reject", new { note = "" })).AssertFieldErrorAsync("note");
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/service-orders/{id}/reject", new { note = "设备检修至月底" })).StatusCode);
        await (await researcher.PostAsync($"/api/v1/service-orders/{id}/cancel", null)).AssertProblemAsync(409);
        var order = await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/service-orders/{id}");
        Assert.Equal("Rejected", order.GetProperty("status").GetString());
        Assert.Equal("设备检修至月底", order.GetProperty("decisionNote").GetString());
    }
}

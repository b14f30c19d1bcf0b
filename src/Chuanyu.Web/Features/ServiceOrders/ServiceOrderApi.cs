using System.ComponentModel;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Chuanyu.Web.Features.ServiceOrders;

/// <summary>Service orders (送样检测) over HTTP: ordering, quoting, the report and its acceptance.</summary>
public static class ServiceOrderApi
{
    /// <summary>Endpoint names (WithName): links and Location headers are generated from them, not typed.</summary>
    public const string OrderEndpoint = "GetServiceOrder";
    public const string ReportEndpoint = "GetServiceOrderReport";

    public static IServiceCollection AddServiceOrders(this IServiceCollection services)
    {
        services.AddScoped<ServiceOrderService>();
        services.AddScoped<ServiceOrderDirectory>();
        services.AddScoped<ServiceOrderRefunds>();
        return services;
    }

    public static IEndpointRouteBuilder MapServiceOrderApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/v1/service-orders").WithTags("Service orders").RequireAuthorization(Policies.SignedIn);
        orders.MapPost("/", async (ServiceOrderInput input, ServiceOrderService service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await service.CreateAsync(input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created(links.EndpointPath(context, OrderEndpoint, new { id = created.Id }), created);
            })
            .WithSummary("Order testing: serviceId (a testing service or an instrument), items (检测项目), samples [{name, quantity}], purpose; 201 with the order.");
        orders.MapGet("/{id:guid}", async (Guid id, ServiceOrderService service, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } o ? Results.Ok(o) : Results.NotFound())
            .WithName(OrderEndpoint).WithSummary("One order: for its customer, the provider's managers and the region's admins.");
        orders.MapGet("/managed", async (ServiceOrderService service, ServiceOrderStatus? status,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListManagedAsync(status, page, pageSize, ct)))
            .WithSummary("Orders for the services of the caller's organisations (status=Submitted: waiting for a quote).");
        orders.MapPost("/{id:guid}/quote", async (Guid id, QuoteInput input, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.QuoteAsync(id, input, ct))).WithSummary("Quote from the fee schedule (hours when it charges by the hour).");
        orders.MapPost("/{id:guid}/reject", async (Guid id, BookingNoteInput? input, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.RejectAsync(id, input?.Note, ct))).WithSummary("Refuse an order before the work starts; `note` is required.");
        orders.MapPost("/{id:guid}/accept", async (Guid id, int? version, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.AcceptAsync(id, version, ct))).WithSummary("The customer accepts the quote (`version`: the quote seen).");
        orders.MapPost("/{id:guid}/cancel", async (Guid id, BookingNoteInput? input, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.CancelAsync(id, input?.Note, ct))).WithSummary("The customer cancels before the work starts.");
        orders.MapPost("/{id:guid}/start", async (Guid id, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.StartAsync(id, ct))).WithSummary("The samples arrived; the work begins.");
        orders.MapPost("/{id:guid}/report", UploadReportAsync)
            .DisableAntiforgery() // checked in Uploads.ReadFormAsync for cookie callers
            .WithMetadata(new RequestSizeLimitAttribute(ServiceOrderService.MaxReportRequestBytes))
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Upload the report (multipart: file = PDF up to 20 MB, machineMinutes = machine time the work took).");
        orders.MapGet("/{id:guid}/report", async (Guid id, ServiceOrderService service, HttpContext context, CancellationToken ct) =>
            {
                var report = await service.ReportAsync(id, ct);
                if (report is null)
                {
                    return Results.NotFound();
                }
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.CacheControl = "private, no-store";
                return Results.File(report.Content, "application/pdf", report.FileName);
            })
            .WithName(ReportEndpoint).WithSummary("The report (PDF) for whoever may see the order.");
        orders.MapPost("/{id:guid}/refund", async (Guid id, RefundInput? input, ServiceOrderRefunds refunds, CancellationToken ct) =>
            ApiResults.ToHttp(await refunds.RefundAsync(id, input?.Note, ct)))
            .WithSummary("The provider's managers refund a completed order with a note (required); a voucher used on it is reversed, a paid one refuses (409).");
        orders.MapPost("/{id:guid}/complete", async (Guid id, ServiceOrderService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.CompleteAsync(id, ct))).WithSummary("The customer accepts the report: completed, machine time and fee recorded.");

        app.MapGet("/api/v1/me/service-orders", async (ServiceOrderService service, ServiceOrderStatus? status,
                [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default) =>
                Paging.Check(page, pageSize) ?? Results.Ok(await service.ListMineAsync(status, page, pageSize, ct)))
            .RequireAuthorization(Policies.SignedIn).WithTags("Service orders").WithSummary("The caller's orders, latest first.");
        return app;
    }

    private static async Task<IResult> UploadReportAsync(Guid id, HttpRequest request, ServiceOrderService service, IAntiforgery antiforgery, CancellationToken ct)
    {
        var tooLarge = ApiProblem.Result(StatusCodes.Status413PayloadTooLarge, "ServiceOrders.ReportTooLarge",
            new Message("ServiceOrders.ReportTooLarge", ServiceOrderService.MaxReportBytes / 1024 / 1024), titleCode: "payloadTooLarge");
        var (form, refused) = await Uploads.ReadFormAsync(request, antiforgery, ServiceOrderService.MaxReportRequestBytes, tooLarge, ct);
        if (form is null)
        {
            return refused!;
        }
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            var missing = new FieldErrors();
            missing.Add("file", new Message("ServiceOrders.ReportFileMissing"));
            return ApiProblem.Validation(missing);

        }
        int? minutes = int.TryParse(form["machineMinutes"], out var m) ? m : null;
        await using var content = file.OpenReadStream();
        return ApiResults.ToHttp(await service.ReportAsync(id, file.FileName, content, file.Length, minutes, ct));
    }
}

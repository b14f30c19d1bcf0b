using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.ServiceOrders;

/// <summary>What the two order lists show: the orders of a page, the filter, and the page (its name) the filter links go to.</summary>
public sealed record ServiceOrderListView(IReadOnlyList<ServiceOrderDto> Items, int Total, Pager Pager, ServiceOrderStatus? Status, string ListPage, bool Managed);

/// <summary>"我的送样订单": the caller's orders, latest first, filtered by status.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class MyServiceOrdersModel(ServiceOrderService orders) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public ServiceOrderStatus? Status { get; set; }

    public ServiceOrderListView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var page = Pager.RequestedPage(Request);
        var list = await orders.ListMineAsync(Status, page, PageSize, ct);
        View = new ServiceOrderListView(list.Items, list.Total, new Pager(page, PageSize, list.Total, Request), Status, "/ServiceOrders/MyServiceOrders", false);
    }
}

/// <summary>"送样订单处理": orders for the services of the organisations the caller manages, latest first, filtered by status.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class ServiceOrderQueueModel(ServiceOrderService orders, CurrentUser me) : PageModel
{
    [BindProperty(SupportsGet = true)] public ServiceOrderStatus? Status { get; set; }

    public bool IsManager { get; private set; }
    public ServiceOrderListView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        IsManager = me.ManagedOrganizations.Count > 0;
        var page = Pager.RequestedPage(Request);
        var list = IsManager ? await orders.ListManagedAsync(Status, page, MyServiceOrdersModel.PageSize, ct)
            : new PagedList<ServiceOrderDto>(0, 1, MyServiceOrdersModel.PageSize, []);
        View = new ServiceOrderListView(list.Items, list.Total, new Pager(page, MyServiceOrdersModel.PageSize, list.Total, Request), Status, "/ServiceOrders/ServiceOrderQueue", true);
    }
}

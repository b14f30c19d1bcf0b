using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Vouchers;

/// <summary>
/// Programmes, providers, vouchers and finished uses written for one test: the entities directly, the money through the
/// ledger's primitives (<see cref="VoucherFunding"/>, <see cref="VoucherIssuing"/>) in a transaction, as the workflow does.
/// </summary>
public static class VoucherTestData
{
    public const string Sichuan = "510000";
    public const string Chongqing = "500000";

    /// <summary>成都蓉芯 (an enterprise of Chengdu, 赵磊 is its member) and 重庆大学 (the provider of the uses).</summary>
    public static Task<Guid> OrgAsync(ChuanyuFactory factory, string name) =>
        factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    public static Task<Guid> RongxinAsync(ChuanyuFactory factory) => OrgAsync(factory, "成都蓉芯微纳检测技术有限公司");

    public static Task<Guid> CquAsync(ChuanyuFactory factory) => OrgAsync(factory, "重庆大学");

    public static Task<Guid> UserAsync(ChuanyuFactory factory, string email) =>
        factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());

    /// <summary>Runs <paramref name="work"/> in a transaction of a fresh scope and commits it.</summary>
    public static async Task<T> InTransactionAsync<T>(ChuanyuFactory factory, Func<IServiceProvider, AppDbContext, Task<T>> work)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync();
        var result = await work(scope.ServiceProvider, db);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return result;
    }

    /// <summary>
    /// An open Sichuan programme (通兑, 1/3, both categories, other region allowed, use until half a year ahead) with its
    /// budget funded; <paramref name="change"/> adjusts it before it is written.
    /// </summary>
    public static Task<VoucherProgramme> ProgrammeAsync(ChuanyuFactory factory, long budgetFen = 100_000_000, Action<VoucherProgramme>? change = null) =>
        InTransactionAsync(factory, async (services, db) =>
        {
            var today = ChinaTime.Today(TimeProvider.System);
            var programme = new VoucherProgramme
            {
                Id = Guid.CreateVersion7(),
                Code = "T" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant(),
                Name = "测试创新券项目",
                IssuingRegionCode = Sichuan,
                IssuerDivisionCode = Sichuan,
                Year = today.Year,
                Mode = VoucherMode.Redeem,
                FaceValues = "100000",
                RatioNum = 1,
                RatioDen = 3,
                VouchersPerEnterprise = 3,
                Categories = VoucherServiceCategory.InstrumentUse | VoucherServiceCategory.Testing,
                AllowOtherRegion = true,
                Allocation = VoucherAllocation.FirstCome,
                ApplyFrom = today.AddDays(-30),
                ApplyUntil = today.AddDays(30),
                UseUntil = today.AddDays(180),
                RedeemUntil = today.AddDays(270),
                Status = VoucherProgrammeStatus.Open,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            change?.Invoke(programme);
            db.Add(programme);
            await db.SaveChangesAsync();
            await services.GetRequiredService<VoucherFunding>().SetBudgetAsync(programme.Id, budgetFen, default);
            return programme;
        });

    public static Task<Voucher> IssueAsync(ChuanyuFactory factory, VoucherProgramme programme, Guid holder, long faceValueFen) =>
        InTransactionAsync(factory, (services, db) =>
            services.GetRequiredService<VoucherIssuing>().IssueAsync(programme, null, holder, faceValueFen, programme.RatioNum, programme.RatioDen, default));

    /// <summary>The organisation as an approved provider of both categories (once; later calls leave it as it is).</summary>
    public static async Task ApprovedProviderAsync(ChuanyuFactory factory, Guid organizationId, string regionCode,
        VoucherProviderStatus status = VoucherProviderStatus.Approved)
    {
        await factory.WithDbAsync(async db =>
        {
            var provider = await db.Set<VoucherProvider>().FirstOrDefaultAsync(p => p.OrganizationId == organizationId);
            if (provider is null)
            {
                db.Add(new VoucherProvider
                {
                    Id = Guid.CreateVersion7(),
                    OrganizationId = organizationId,
                    RegionCode = regionCode,
                    Categories = VoucherServiceCategory.InstrumentUse | VoucherServiceCategory.Testing,
                    Services = "测试服务",
                    Status = status,
                    CreatedAt = DateTimeOffset.UtcNow,
                });
            }
            else
            {
                provider.Status = status;
            }
            return await db.SaveChangesAsync();
        });
    }

    /// <summary>A confirmed 科技型中小企业 declaration of the organisation for the year (once), as its region's admin leaves it.</summary>
    public static Task ConfirmedSmeAsync(ChuanyuFactory factory, Guid organizationId, int year, SmeDeclarationStatus status = SmeDeclarationStatus.Confirmed) =>
        factory.WithDbAsync(async db =>
        {
            var declaration = await db.Set<OrganizationSmeDeclaration>().FirstOrDefaultAsync(d => d.OrganizationId == organizationId && d.Year == year);
            if (declaration is null)
            {
                db.Add(declaration = new OrganizationSmeDeclaration
                {
                    Id = Guid.CreateVersion7(),
                    OrganizationId = organizationId,
                    Year = year,
                    RegistrationNumber = $"{year}5101160000{Random.Shared.Next(1000, 9999)}",
                    DeclaredAt = DateTimeOffset.UtcNow,
                });
            }
            declaration.Status = status;
            declaration.DecidedAt = DateTimeOffset.UtcNow;
            return await db.SaveChangesAsync();
        });

    /// <summary>
    /// The usual scene: 成都蓉芯 a confirmed SME for the programme's year, 重庆大学 an approved provider in Chongqing, a Sichuan
    /// programme (adjusted by <paramref name="change"/>) and a voucher of <paramref name="faceValueFen"/> held by 蓉芯.
    /// </summary>
    public static async Task<(VoucherProgramme Programme, Voucher Voucher)> SceneAsync(ChuanyuFactory factory, long faceValueFen = 100_000,
        Action<VoucherProgramme>? change = null)
    {
        var holder = await RongxinAsync(factory);
        await ApprovedProviderAsync(factory, await CquAsync(factory), Chongqing);
        var programme = await ProgrammeAsync(factory, 100_000_000, change);
        await ConfirmedSmeAsync(factory, holder, programme.Year);
        return (programme, await IssueAsync(factory, programme, holder, faceValueFen));
    }

    /// <summary>A published instrument of 重庆大学 from the demo catalogue.</summary>
    public static Task<Guid> CquInstrumentAsync(ChuanyuFactory factory) => factory.WithDbAsync(async db =>
    {
        var cqu = await db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync();
        return await db.Set<Resource>().Where(r => r.OrganizationId == cqu && r.Kind == ResourceKind.Instrument).OrderBy(r => r.Id).Select(r => r.Id).FirstAsync();
    });

    /// <summary>
    /// A booking of a 重庆大学 instrument by 赵磊 for 成都蓉芯, written as check-out leaves it (Completed, fee, checked out
    /// yesterday), or still approved when <paramref name="completed"/> is false; on <paramref name="instrumentId"/> (重庆大学's) when given.
    /// </summary>
    public static async Task<Guid> BookingAsync(ChuanyuFactory factory, long feeFen, bool completed = true, string user = Demo.Engineer, Guid? owner = null,
        Guid? instrumentId = null) =>
        (await BookingsAsync(factory, 1, feeFen, completed, user, owner, instrumentId))[0];

    /// <summary><paramref name="count"/> such bookings, written in one save.</summary>
    public static async Task<IReadOnlyList<Guid>> BookingsAsync(ChuanyuFactory factory, int count, long feeFen, bool completed = true, string user = Demo.Engineer,
        Guid? owner = null, Guid? instrumentId = null)
    {
        var instrument = instrumentId ?? await CquInstrumentAsync(factory);
        var cqu = owner ?? await CquAsync(factory);
        var holder = await RongxinAsync(factory);
        var userId = await UserAsync(factory, user);
        var list = Enumerable.Range(0, count).Select(_ => Booking(instrument, cqu, holder, userId, feeFen, completed)).ToList();
        await factory.WithDbAsync(db =>
        {
            db.AddRange(list);
            return db.SaveChangesAsync();
        });
        return [.. list.Select(b => b.Id)];
    }

    private static InstrumentBooking Booking(Guid instrument, Guid cqu, Guid holder, Guid userId, long feeFen, bool completed)
    {
        // Years back, at a random minute: clear of the demo year's bookings and of each other (PostgreSQL's exclusion constraint).
        var start = DateTimeOffset.UtcNow.AddYears(-3).AddMinutes(-Random.Shared.Next(0, 500_000) * 2);
        return new InstrumentBooking
        {
            Id = Guid.CreateVersion7(),
            ResourceId = instrument,
            OwnerOrganizationId = cqu,
            UserId = userId,
            UserOrganizationId = holder,
            BookedBy = userId,
            UserType = FeeUserType.Enterprise,
            StartAt = start,
            EndAt = start.AddHours(1),
            BlockedUntil = start.AddHours(1),
            Status = completed ? BookingStatus.Completed : BookingStatus.Approved,
            Purpose = "创新券测试",
            CreatedAt = start.AddDays(-1),
            CheckedInAt = completed ? start : null,
            CheckedOutAt = completed ? start.AddHours(1) : null,
            FeeFen = completed ? feeFen : null,
        };
    }
}

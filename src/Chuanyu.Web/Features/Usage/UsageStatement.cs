using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NPOI.SS.UserModel;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Usage;

/// <summary>Which side of the use an organisation's statement shows: what its people used (and owe), or what its instruments earned.</summary>
public enum StatementSide
{
    /// <summary>使用方：本单位人员使用仪器的机时与费用</summary>
    User,

    /// <summary>提供方：本单位仪器对内对外服务的机时与收入</summary>
    Owner,
}

public sealed record StatementLine(DateTimeOffset Start, DateTimeOffset End, string Instrument, string? Model, string OwnerOrganization,
    string User, string UserOrganization, FeeUserType UserType, string Item, decimal Hours, decimal Fee, decimal? VoucherSubsidy = null, bool VoucherPending = false);

public sealed record UsageStatementDto(Guid OrganizationId, string OrganizationName, string Month, StatementSide Side,
    decimal Hours, decimal ExternalHours, decimal Fee, IReadOnlyList<StatementLine> Lines, decimal VoucherSubsidy = 0);

/// <summary>
/// The monthly statement of one organisation (机时费用月结单): every use recorded at check-out in the month (China
/// Standard Time) with its hours and fee, plus the no-show and late-cancellation fees, from either side. Read by the
/// organisation's admins and resource managers, the region's admins and the system admin.
/// </summary>
public sealed class UsageStatements(AppDbContext db, CurrentUser me, CatalogDirectory catalog, OrganizationDirectory organizations,
    UserDirectory users, BookingDirectory bookings, VoucherDirectory vouchers)
{
    public const int MaxLines = 50_000;

    public bool CanView(OrganizationRef o) =>
        me.IsSystemAdmin || me.HasInRegion(PlatformRole.RegionAdmin, o.RegionCode) ||
        me.HasInOrganization(PlatformRole.OrgAdmin, o.Id) || me.HasInOrganization(PlatformRole.ResourceManager, o.Id);

    public static DateTimeOffset? ParseMonth(string? month) =>
        month is { Length: 7 } && DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 2000 and <= 2100
            ? new DateTimeOffset(d, Display.ChinaStandardTime) : null;

    public async Task<(UsageStatementDto? Statement, ServiceResult Result)> GetAsync(Guid organizationId, string? month, StatementSide side, CancellationToken ct)
    {
        var from = ParseMonth(month);
        if (from is null)
        {
            var e = new FieldErrors();
            e.Add("month", new Message("Usage.MonthFormat"));
            return (null, new ServiceResult.Invalid(e));
        }
        var organization = await organizations.FindAsync(organizationId, ct);
        if (organization is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        if (!CanView(organization))
        {
            return (null, new ServiceResult.Forbidden());
        }
        var start = from.Value.ToUniversalTime();
        var end = from.Value.AddMonths(1).ToUniversalTime();
        var usage = db.Set<UsageRecord>().AsNoTracking().Where(u => u.StartedAt >= start && u.StartedAt < end);
        usage = side == StatementSide.User ? usage.Where(u => u.UserOrganizationId == organizationId) : usage.Where(u => u.OwnerOrganizationId == organizationId);
        // The voucher subsidy of each use (its live redemption, at most one a use): final once approved or paid, else
        // pending. Joined in the same query, by the booking or else by the service order, as the use is keyed.
        var subsidies = vouchers.Subsidies();
        var uses = await (
            from u in usage
            join b in subsidies on u.BookingId equals b.BookingId into byBooking
            from b in byBooking.DefaultIfEmpty()
            join o in subsidies on u.ServiceOrderId equals o.ServiceOrderId into byOrder
            from o in byOrder.DefaultIfEmpty()
            orderby u.StartedAt
            select new
            {
                u.ResourceId,
                u.OwnerOrganizationId,
                u.UserId,
                u.UserOrganizationId,
                u.UserType,
                u.External,
                Start = u.StartedAt,
                End = u.EndedAt,
                u.Minutes,
                u.FeeFen,
                u.BookingId,
                BookingSubsidyFen = (long?)b.SubsidyFen,
                BookingSubsidyStatus = (VoucherRedemptionStatus?)b.Status,
                OrderSubsidyFen = (long?)o.SubsidyFen,
                OrderSubsidyStatus = (VoucherRedemptionStatus?)o.Status,
            })
            .Take(MaxLines).ToListAsync(ct);
        static (long SubsidyFen, VoucherRedemptionStatus Status)? Voucher(Guid? booking, long? bookingFen, VoucherRedemptionStatus? bookingStatus,
            long? orderFen, VoucherRedemptionStatus? orderStatus) =>
            booking is not null ? (bookingFen is { } b ? (b, bookingStatus!.Value) : null)
            : orderFen is { } o ? (o, orderStatus!.Value) : null;
        var voucherOf = uses.Select(u => Voucher(u.BookingId, u.BookingSubsidyFen, u.BookingSubsidyStatus, u.OrderSubsidyFen, u.OrderSubsidyStatus)).ToList();
        var charged = bookings.Charges().Where(b => b.Start >= start && b.Start < end);
        charged = side == StatementSide.User ? charged.Where(b => b.UserOrganizationId == organizationId) : charged.Where(b => b.OwnerOrganizationId == organizationId);
        var fees = await charged.OrderBy(b => b.Start).Take(MaxLines).ToListAsync(ct);

        var resourceIds = uses.Select(u => u.ResourceId).Concat(fees.Select(f => f.ResourceId)).Distinct().ToList();
        var resources = await catalog.Instruments().Where(r => resourceIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => (r.Name, r.Model), ct);
        var orgs = await organizations.NamesAsync(uses.SelectMany(u => new[] { u.OwnerOrganizationId, u.UserOrganizationId })
            .Concat(fees.SelectMany(f => new[] { f.OwnerOrganizationId, f.UserOrganizationId })), ct);
        var people = await users.NamesAsync(uses.Select(u => u.UserId).Concat(fees.Select(f => f.UserId)), ct);

        // The names and items a line shows are said in the request's language (the statement is read in it, and its sheet made from it).
        var deleted = new Message("Usage.DeletedInstrument").ToString();
        var closed = new Message("Usage.ClosedAccount").ToString();
        StatementLine Line(Guid resource, Guid owner, Guid user, Guid userOrg, FeeUserType type, Message item, DateTimeOffset s, DateTimeOffset e, int minutes, long fee)
        {
            var (name, model) = resources.GetValueOrDefault(resource, (deleted, null));
            return new StatementLine(s, e, name, model, orgs.GetValueOrDefault(owner, ""), people.GetValueOrDefault(user, closed),
                orgs.GetValueOrDefault(userOrg, ""), type, item.ToString(), Math.Round(minutes / 60m, 2), fee / 100m);
        }
        var lines = uses.Select((u, i) => Line(u.ResourceId, u.OwnerOrganizationId, u.UserId, u.UserOrganizationId, u.UserType, new Message("Usage.Item.MachineTime"),
                u.Start, u.End, u.Minutes, u.FeeFen) with
        {
            VoucherSubsidy = voucherOf[i]?.SubsidyFen / 100m,
            VoucherPending = voucherOf[i] is { } v && v.Status is not (VoucherRedemptionStatus.Approved or VoucherRedemptionStatus.Paid),
        })
            .Concat(fees.Select(f => Line(f.ResourceId, f.OwnerOrganizationId, f.UserId, f.UserOrganizationId, f.UserType,
                new Message(f.NoShow ? "Usage.Item.NoShowFee" : "Usage.Item.LateCancelFee"), f.Start, f.End, 0, f.FeeFen)))
            .OrderBy(l => l.Start).ToList();
        return (new UsageStatementDto(organization.Id, organization.Name, month!, side,
            Math.Round(uses.Sum(u => u.Minutes) / 60m, 2), Math.Round(uses.Where(u => u.External).Sum(u => u.Minutes) / 60m, 2),
            (uses.Sum(u => u.FeeFen) + fees.Sum(f => f.FeeFen)) / 100m, lines, voucherOf.Sum(v => v?.SubsidyFen ?? 0) / 100m), new ServiceResult.Ok());
    }

    /// <summary>
    /// The statement as a one-sheet .xlsx: a title, the lines and a total row (numbers as numbers, text as text), with the
    /// voucher subsidy of a use in yuan and whether it still awaits the issuer's review (blank without a voucher). It is
    /// read, never uploaded again, so its words are in the request's language like the page's.
    /// </summary>
    public static byte[] ToXlsx(UsageStatementDto s)
    {
        var workbook = new XSSFWorkbook();
        var sheet = workbook.CreateSheet(new Message("Usage.Sheet.Name").ToString());
        var bold = workbook.CreateFont();
        bold.IsBold = true;
        var header = workbook.CreateCellStyle();
        header.SetFont(bold);
        var money = workbook.CreateCellStyle();
        money.DataFormat = workbook.CreateDataFormat().GetFormat("0.00");
        var title = sheet.CreateRow(0).CreateCell(0, CellType.String);
        title.SetCellValue(new Message("Usage.Sheet.Title", ResourceSheet.XmlSafe(s.OrganizationName), s.Month, s.Side).ToString());
        title.CellStyle = header;
        Message[] headers =
        [
            new("Usage.Sheet.Start"), new("Usage.Sheet.End"), new("Usage.Sheet.Instrument"), new("Usage.Sheet.Model"), new("Usage.Sheet.Owner"),
            new("Usage.Sheet.User"), new("Usage.Sheet.UserOrganization"), new("Usage.Sheet.UserType"), new("Usage.Sheet.Item"),
            new("Usage.Sheet.Hours"), new("Usage.Sheet.Fee"), new("Usage.Sheet.VoucherSubsidy"), new("Usage.Sheet.VoucherPending"),
        ];
        var head = sheet.CreateRow(1);
        for (var i = 0; i < headers.Length; i++)
        {
            var cell = head.CreateCell(i, CellType.String);
            cell.SetCellValue(headers[i].ToString());
            cell.CellStyle = header;
        }
        var r = 2;
        foreach (var l in s.Lines)
        {
            var row = sheet.CreateRow(r++);
            string[] texts = [Display.Minute(l.Start), Display.Minute(l.End), l.Instrument, l.Model ?? "", l.OwnerOrganization, l.User,
                l.UserOrganization, Messages.Label(l.UserType).ToString(), l.Item];
            for (var i = 0; i < texts.Length; i++)
            {
                // Always string cells: a name that starts with '=' stays text, never a formula.
                row.CreateCell(i, CellType.String).SetCellValue(ResourceSheet.XmlSafe(texts[i]));
            }
            row.CreateCell(9, CellType.Numeric).SetCellValue((double)l.Hours);
            var fee = row.CreateCell(10, CellType.Numeric);
            fee.SetCellValue((double)l.Fee);
            fee.CellStyle = money;
            if (l.VoucherSubsidy is { } subsidy)
            {
                var voucher = row.CreateCell(11, CellType.Numeric);
                voucher.SetCellValue((double)subsidy);
                voucher.CellStyle = money;
                row.CreateCell(12, CellType.String).SetCellValue(new Message(l.VoucherPending ? "Usage.Sheet.VoucherPendingYes" : "Usage.Sheet.VoucherPendingNo").ToString());
            }
        }
        var total = sheet.CreateRow(r);
        var label = total.CreateCell(0, CellType.String);
        label.SetCellValue(new Message("Usage.Sheet.Total", s.Lines.Count).ToString());
        label.CellStyle = header;
        total.CreateCell(9, CellType.Numeric).SetCellValue((double)s.Hours);
        var sum = total.CreateCell(10, CellType.Numeric);
        sum.SetCellValue((double)s.Fee);
        sum.CellStyle = money;
        var subsidies = total.CreateCell(11, CellType.Numeric);
        subsidies.SetCellValue((double)s.VoucherSubsidy);
        subsidies.CellStyle = money;
        for (var i = 0; i < headers.Length; i++)
        {
            sheet.SetColumnWidth(i, (i is 2 or 4 or 6 ? 24 : 14) * 256);
        }
        using var output = new MemoryStream();
        workbook.Write(output, true);
        return output.ToArray();
    }
}

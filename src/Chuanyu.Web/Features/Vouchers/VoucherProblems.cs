using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>Which of the engine's refusals a failed write met, on either engine.</summary>
internal static class VoucherProblems
{
    /// <summary>A unique index whose name (PostgreSQL) or column list (SQLite's message) contains <paramref name="part"/>.</summary>
    public static bool Is(DbUpdateException e, string part) => e.InnerException switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation && (pg.ConstraintName ?? "").Contains(part, StringComparison.Ordinal),
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 2067 && SqliteColumns(part).Any(c => sqlite.Message.Contains(c, StringComparison.Ordinal)),
        _ => false,
    };

    /// <summary>SQLite names the columns, not the index: the columns each index named here covers.</summary>
    private static string[] SqliteColumns(string part) => part switch
    {
        "ix_voucher_redemptions_live" => ["voucher_redemptions.booking_id", "voucher_redemptions.service_order_id"],
        "invoice_number" => ["voucher_redemptions.invoice_number"],
        _ => [part],
    };

    /// <summary>A CHECK constraint refused the write (PostgreSQL 23514, SQLite 275).</summary>
    public static bool IsCheckViolation(Exception e) => (e is DbUpdateException { InnerException: { } inner } ? inner : e) switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.CheckViolation,
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 275,
        _ => false,
    };
}

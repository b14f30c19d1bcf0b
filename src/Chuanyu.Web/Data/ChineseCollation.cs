using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Chuanyu.Web.Data;

/// <summary>
/// Chinese names in the order a reader looks for them: by pinyin (阿坝 a, 北京 bei, 重庆 chong, 四川 si), not by code
/// point, which scatters them (四 U+56DB sorts before 重 U+91CD and 阿 U+963F). A query orders by
/// <c>EF.Functions.Collate(x.Name, ChineseCollation.Name)</c>; the same collation name exists on both engines, so the
/// sorting, and the paging after it, stays in SQL:
/// <list type="bullet">
/// <item>PostgreSQL: an ICU collation (<c>zh-u-co-pinyin</c>) created by migration 0015.</item>
/// <item>SQLite has no ICU: every connection the context creates registers the collation in code
/// (<see cref="SqliteRegistration"/>), comparing with .NET's zh-CN <see cref="CompareInfo"/>, which is ICU's pinyin
/// order too (globalization-invariant mode is off in Directory.Build.props; with it on every culture compares by
/// code point). Only the context's connections know the collation: raw SQL elsewhere must not name it.</item>
/// </list>
/// Both follow CLDR's pinyin order, a character at a time: a character with several readings sorts by its usual one
/// (重 as chóng, 长 as zhǎng), which a per-word pinyin dictionary would do better; no such library is at hand.
/// Latin names follow the Chinese ones.
/// </summary>
public static class ChineseCollation
{
    public const string Name = "zh_pinyin";

    private static readonly CompareInfo Chinese = CultureInfo.GetCultureInfo("zh-CN").CompareInfo;

    /// <summary>Pinyin order; names ICU holds equal (full- and half-width forms) by code point, so the order is total, as PostgreSQL's deterministic collations make it.</summary>
    public static int Compare(string? a, string? b)
    {
        var byPinyin = Chinese.Compare(a, b, CompareOptions.None);
        return byPinyin != 0 ? byPinyin : string.CompareOrdinal(a, b);
    }

    /// <summary>Registers the collation on each SQLite connection EF creates (kept by the connection across opens).</summary>
    public sealed class SqliteRegistration : DbConnectionInterceptor
    {
        public static readonly SqliteRegistration Instance = new();

        private SqliteRegistration()
        {
        }

        public override DbConnection ConnectionCreated(ConnectionCreatedEventData eventData, DbConnection result)
        {
            if (result is SqliteConnection sqlite)
            {
                sqlite.CreateCollation(Name, Compare);
            }
            return result;
        }
    }
}

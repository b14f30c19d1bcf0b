using System.Globalization;
using Chuanyu.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Chuanyu.Web.Infrastructure;

/// <summary>An entity's table and columns as EF maps them, and each row's values as the provider stores them.</summary>
public sealed class TableColumns<T>
{
    private readonly IProperty[] _properties;

    public TableColumns(IEntityType entity)
    {
        Table = entity.GetTableName()!;
        var table = StoreObjectIdentifier.Table(Table, entity.GetSchema());
        _properties = entity.GetProperties().Where(p => p.GetColumnName(table) is not null && p.GetComputedColumnSql() is null).ToArray();
        if (_properties.Any(p => p.IsShadowProperty()))
        {
            throw new InvalidOperationException($"{Table} has shadow properties; the bulk writer needs every column on the entity.");
        }
        Columns = _properties.Select(p => p.GetColumnName(table)!).ToArray();
        Mappings = _properties.Select(p => (RelationalTypeMapping)p.GetTypeMapping()).ToArray();
    }

    public string Table { get; }
    public string[] Columns { get; }
    public RelationalTypeMapping[] Mappings { get; }

    /// <summary>The provider value of column <paramref name="i"/>: the property's value through its value converter.</summary>
    public object? Value(T row, int i)
    {
        var value = _properties[i].GetGetter().GetClrValue(row!);
        return value is null ? null : Mappings[i].Converter is { } converter ? converter.ConvertToProvider(value) : value;
    }
}

/// <summary>
/// Many rows at once, where EF's batched inserts would take seconds per hundred thousand: binary COPY on PostgreSQL,
/// one prepared INSERT on SQLite. Used by the seed command, the evaluation runner and the demo's year of use.
/// </summary>
public static class BulkInsert
{
    /// <summary>The table and columns of entity <typeparamref name="T"/> in the context's model.</summary>
    public static TableColumns<T> Columns<T>(AppDbContext db) =>
        new(db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model."));

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// Writes the rows in the context's current transaction when it has one (several tables, one commit), else in one
    /// transaction of their own on the context's connection.
    /// </summary>
    public static async Task WriteAsync<T>(AppDbContext db, IReadOnlyList<T> rows, CancellationToken ct)
    {
        var table = Columns<T>(db);
        if (db.Database.CurrentTransaction is { } current)
        {
            await WriteAsync(db, current, table, rows, ct);
            return;
        }
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await WriteAsync(db, tx, table, rows, ct);
            await tx.CommitAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task WriteAsync<T>(AppDbContext db, IDbContextTransaction tx, TableColumns<T> table, IReadOnlyList<T> rows, CancellationToken ct)
    {
        if (db.Database.GetDbConnection() is NpgsqlConnection npgsql)
        {
            await CopyAsync(npgsql, table, rows, ct);
        }
        else
        {
            await using var insert = PrepareSqlite((SqliteConnection)db.Database.GetDbConnection(), (SqliteTransaction)tx.GetDbTransaction(), table);
            Sqlite(insert, table, rows, ct);
        }
    }

    public static SqliteCommand PrepareSqlite<T>(SqliteConnection connection, SqliteTransaction transaction, TableColumns<T> table)
    {
        var insert = new SqliteCommand($"INSERT INTO {Quote(table.Table)} ({string.Join(", ", table.Columns.Select(Quote))}) " +
            $"VALUES ({string.Join(", ", table.Columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})", connection, transaction)
        {
            CommandTimeout = 0,
        };
        for (var i = 0; i < table.Columns.Length; i++)
        {
            // The EF type mapping configures the parameter as EF does (e.g. a Guid bound as TEXT, not BLOB).
            insert.Parameters.Add(table.Mappings[i].CreateParameter(insert, "$p" + i.ToString(CultureInfo.InvariantCulture), null, nullable: true));
        }
        insert.Prepare();
        return insert;
    }

    public static void Sqlite<T>(SqliteCommand insert, TableColumns<T> table, IReadOnlyList<T> rows, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < table.Columns.Length; i++)
            {
                insert.Parameters[i].Value = table.Value(row, i) ?? DBNull.Value;
            }
            insert.ExecuteNonQuery();
        }
    }

    public static async Task CopyAsync<T>(NpgsqlConnection connection, TableColumns<T> table, IReadOnlyList<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {Quote(table.Table)} ({string.Join(", ", table.Columns.Select(Quote))}) FROM STDIN (FORMAT BINARY)", ct);
        importer.Timeout = TimeSpan.FromMinutes(10);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            for (var i = 0; i < table.Columns.Length; i++)
            {
                switch (table.Value(row, i))
                {
                    case null:
                        await importer.WriteNullAsync(ct);
                        break;
                    case string s:
                        await importer.WriteAsync(s, NpgsqlDbType.Text, ct);
                        break;
                    case Guid g:
                        await importer.WriteAsync(g, NpgsqlDbType.Uuid, ct);
                        break;
                    case long l:
                        await importer.WriteAsync(l, NpgsqlDbType.Bigint, ct);
                        break;
                    case int n:
                        await importer.WriteAsync(n, NpgsqlDbType.Integer, ct);
                        break;
                    case short n:
                        await importer.WriteAsync(n, NpgsqlDbType.Smallint, ct);
                        break;
                    case double d:
                        await importer.WriteAsync(d, NpgsqlDbType.Double, ct);
                        break;
                    case decimal m:
                        await importer.WriteAsync(m, NpgsqlDbType.Numeric, ct);
                        break;
                    case byte[] bytes:
                        await importer.WriteAsync(bytes, NpgsqlDbType.Bytea, ct);
                        break;
                    case bool b:
                        await importer.WriteAsync(b, NpgsqlDbType.Boolean, ct);
                        break;
                    case DateTimeOffset t:
                        await importer.WriteAsync(t.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                        break;
                    case DateOnly d:
                        await importer.WriteAsync(d, NpgsqlDbType.Date, ct);
                        break;
                    case var other:
                        throw new NotSupportedException($"{table.Table}.{table.Columns[i]}: no COPY mapping for {other.GetType().Name}.");
                }
            }
        }
        await importer.CompleteAsync(ct);
    }
}

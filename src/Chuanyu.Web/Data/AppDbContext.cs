using System.Text;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Chuanyu.Web.Data;

/// <summary>
/// The one DbContext of the platform. Identity's user tables plus each feature's own tables, found through the features'
/// <c>IEntityTypeConfiguration</c>s (each names its table); roles are Accounts' own scoped grants rather than Identity's
/// global roles. The context names no feature: a feature reaches its tables with <c>Set&lt;T&gt;()</c> or declares
/// properties for them itself (Accounts' <c>db.Organizations</c>). Features that react to saves (the search index) do it
/// through EF interceptors they register in DI (<see cref="DatabaseSetup.AddDatabase"/>), not here.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityUserContext<AppUser, Guid>(options)
{
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>();
        if (Database.IsSqlite())
        {
            // SQLite has no date type; store UTC instants as sortable integers (ticks) so ORDER BY and range
            // comparisons run in the engine.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToTicksConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<IdentityUserToken<Guid>>().Property(x => x.LoginProvider).HasMaxLength(128);
        builder.Entity<IdentityUserToken<Guid>>().Property(x => x.Name).HasMaxLength(128);
        builder.Entity<IdentityUserLogin<Guid>>().Property(x => x.LoginProvider).HasMaxLength(128);
        builder.Entity<IdentityUserLogin<Guid>>().Property(x => x.ProviderKey).HasMaxLength(128);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        ApplySnakeCaseNames(builder);
    }

    /// <summary>snake_case for every table, column, key and index: what PostgreSQL DBAs expect and what raw SQL reads best.</summary>
    private static void ApplySnakeCaseNames(ModelBuilder builder)
    {
        // Every table first: a foreign key's name includes its principal's table (fk_memberships_identity_users_user_id),
        // which must not depend on the order the entity types come in (by CLR name, so moving a type would rename keys).
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            table = table.StartsWith("AspNet", StringComparison.Ordinal) ? "identity_" + ToSnake(table[6..]) : ToSnake(table);
            entity.SetTableName(table);
        }
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnake(property.Name));
            }
            foreach (var key in entity.GetKeys())
            {
                key.SetName(ToSnake(key.GetName()!));
            }
            foreach (var fk in entity.GetForeignKeys())
            {
                fk.SetConstraintName(ToSnake(fk.GetConstraintName()!));
            }
            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(ToSnake(index.GetDatabaseName()!));
            }
        }
    }

    internal static string ToSnake(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}

/// <summary>UTC ticks; the offset is always zero because the platform stores UTC only.</summary>
internal sealed class DateTimeOffsetToTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));

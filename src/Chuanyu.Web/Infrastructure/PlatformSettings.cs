using System.Text.Json;
using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// A setting changed at run time by an administrator (the security policy by the security administrator, the
/// system configuration by the system administrator), stored as JSON under its key. Configuration files give the
/// defaults; a row here overrides them for every instance.
/// </summary>
public sealed class PlatformSetting
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public Guid? UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class PlatformSettingConfiguration : IEntityTypeConfiguration<PlatformSetting>
{
    public void Configure(EntityTypeBuilder<PlatformSetting> b)
    {
        b.ToTable("platform_settings");
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(100);
        b.Property(x => x.Value).HasMaxLength(8000);
    }
}

/// <summary>
/// A lease that lets one instance of several run a background job (the audit retention job, nonce clean-up): the
/// holder renews it; when it lapses another instance takes over.
/// </summary>
public sealed class JobLease
{
    public string Name { get; set; } = "";
    public string Holder { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> b)
    {
        b.ToTable("job_leases");
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Holder).HasMaxLength(200);
    }
}

/// <summary>A run-time setting that checks its own bounds before it is stored.</summary>
public interface IValidatedSetting
{
    FieldErrors Validate();
}

/// <summary>
/// Holds one run-time setting in force. Each instance re-reads the stored value at most every
/// <see cref="RefreshInterval"/>, so a change made on one instance reaches the others within that time (and at once on
/// the instance that made it). Every change is audited with the values before and after.
/// </summary>
public abstract class SettingStore<T>(string key, string auditAction, T defaults, IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
    where T : class, IValidatedSetting
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public string Key => key;

    public T Defaults { get; } = defaults;

    /// <summary>The value as last loaded; the defaults until the database has been read.</summary>
    public T Current { get; private set; } = defaults;

    public async Task RefreshIfStaleAsync(CancellationToken ct)
    {
        if (clock.GetUtcNow() - _loadedAt < RefreshInterval)
        {
            return;
        }
        await _refresh.WaitAsync(ct);
        try
        {
            if (clock.GetUtcNow() - _loadedAt < RefreshInterval)
            {
                return;
            }
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var stored = await db.Set<PlatformSetting>().AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct);
            Current = stored is null ? Defaults : JsonSerializer.Deserialize<T>(stored, JsonOptions) ?? Defaults;
            _loadedAt = clock.GetUtcNow();
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Validates, stores and audits a new value; nothing is stored when a field is out of bounds.</summary>
    public async Task<FieldErrors> SaveAsync(T value, AppDbContext db, AuditLog audit, CurrentUser me, CancellationToken ct)
    {
        var errors = value.Validate();
        if (errors.Count > 0)
        {
            await audit.RecordAsync(auditAction, key, AuditOutcome.Failure, string.Join(",", errors.Keys), ct: ct);
            return errors;
        }
        await RefreshIfStaleAsync(ct);
        var previous = Current;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.Set<PlatformSetting>().FirstOrDefaultAsync(s => s.Key == key, ct);
        if (row is null)
        {
            row = new PlatformSetting { Key = key };
            db.Add(row);
        }
        row.Value = JsonSerializer.Serialize(value, JsonOptions);
        row.UpdatedBy = me.Id;
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(auditAction, key, detail: Describe(previous, value), ct: ct);
        await tx.CommitAsync(ct);
        Current = value;
        _loadedAt = clock.GetUtcNow();
        return errors;
    }

    /// <summary>"field: old → new" for each value that changed, for the audit row.</summary>
    internal static string Describe(T before, T after)
    {
        var a = JsonSerializer.SerializeToElement(before, JsonOptions);
        var b = JsonSerializer.SerializeToElement(after, JsonOptions);
        var changes = b.EnumerateObject()
            .Where(p => !a.TryGetProperty(p.Name, out var old) || old.GetRawText() != p.Value.GetRawText())
            .Select(p => $"{p.Name}: {(a.TryGetProperty(p.Name, out var old) ? old.GetRawText() : "")} → {p.Value.GetRawText()}");
        var text = string.Join("; ", changes);
        return text.Length == 0 ? "no change" : text;
    }

    public void Dispose()
    {
        _refresh.Dispose();
        GC.SuppressFinalize(this);
    }
}

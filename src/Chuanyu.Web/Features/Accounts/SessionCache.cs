using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// What the session check needs of one session, its account and the account's grants (one read fills it), and the
/// account's organisations, which <c>/api/v1/me</c> answers with (a second read, on a miss only).
/// </summary>
public sealed record SessionState(
    Guid UserId, DateTimeOffset? RevokedAt, DateTimeOffset LastSeenAt, DateTimeOffset CreatedAt, string? Email, string DisplayName,
    string? SecurityStamp, bool TwoFactorEnabled, DateTimeOffset? PasswordChangedAt, bool MustChangePassword, DateTimeOffset? LockoutEnd,
    IReadOnlyList<ScopedRole> Grants)
{
    public IReadOnlyList<MyOrganizationDto> Organizations { get; init; } = [];
}

/// <summary>
/// Serves the session check of a signed-in request from memory (issue 14). Every change that can end or narrow a
/// session — a sign-out or revoked session, a changed security stamp (password, second factor), a lockout, a granted or
/// removed role, a membership or an organisation's name or state (held for <c>/api/v1/me</c>) — also writes a new value to the <c>sessions.version</c> row, in the same save
/// (<see cref="SessionVersionInterceptor"/>) or right after a set-based write (<see cref="BumpAsync"/>). Each instance
/// reads that row at most once every <see cref="VersionCheckInterval"/> (one second) and forgets everything it holds when
/// the value moved, so such a change takes effect on every instance within a second, and at once on the instance that
/// made it. An entry also lapses after <see cref="MaxAge"/>, a bound for any write that went around both paths (raw SQL).
/// The idle timeout still counts: the last-seen time is written at most once a minute, and a session that looks idle
/// in memory is read again before it is refused (another instance may have seen it since).
/// </summary>
public sealed class SessionCache(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan VersionCheckInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    public const string VersionKey = "sessions.version";

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly SemaphoreSlim _check = new(1, 1);
    private readonly Lock _write = new();
    private string? _version;
    private long _generation;
    private long _checkedAtTicks = DateTimeOffset.MinValue.UtcTicks;

    private sealed record Entry(SessionState State, long Generation, DateTimeOffset LoadedAt);

    /// <summary>Taken before reading a session from the database and given back to <see cref="Keep"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Re-reads the version row when it was last read a second ago or more; forgets every entry when it moved.</summary>
    public async Task EnsureCurrentAsync(CancellationToken ct)
    {
        if (clock.GetUtcNow().UtcTicks - Interlocked.Read(ref _checkedAtTicks) < VersionCheckInterval.Ticks)
        {
            return;
        }
        await _check.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (now.UtcTicks - Interlocked.Read(ref _checkedAtTicks) < VersionCheckInterval.Ticks)
            {
                return;
            }
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var version = await db.Set<PlatformSetting>().AsNoTracking().Where(s => s.Key == VersionKey).Select(s => s.Value).FirstOrDefaultAsync(ct);
            lock (_write)
            {
                if (version != _version)
                {
                    _generation++;
                    _entries.Clear();
                    _version = version;
                }
            }
            foreach (var (id, entry) in _entries)
            {
                if (now - entry.LoadedAt >= MaxAge)
                {
                    _entries.TryRemove(id, out _);
                }
            }
            Interlocked.Exchange(ref _checkedAtTicks, now.UtcTicks);
        }
        finally
        {
            _check.Release();
        }
    }

    public bool TryGet(Guid sessionId, out SessionState state)
    {
        if (_entries.TryGetValue(sessionId, out var entry) && entry.Generation == Generation && clock.GetUtcNow() - entry.LoadedAt < MaxAge)
        {
            state = entry.State;
            return true;
        }
        state = null!;
        return false;
    }

    /// <summary>Keeps a state read from the database, unless the version moved since the read began (it may be stale).</summary>
    public void Keep(Guid sessionId, SessionState state, long generationAtRead)
    {
        lock (_write)
        {
            if (generationAtRead == _generation)
            {
                _entries[sessionId] = new Entry(state, generationAtRead, clock.GetUtcNow());
            }
        }
    }

    /// <summary>The last-seen time just written for a held session.</summary>
    public void Touch(Guid sessionId, DateTimeOffset seenAt)
    {
        lock (_write)
        {
            if (_entries.TryGetValue(sessionId, out var entry))
            {
                _entries[sessionId] = entry with { State = entry.State with { LastSeenAt = seenAt } };
            }
        }
    }

    public void Forget(Guid sessionId) => _entries.TryRemove(sessionId, out _);

    /// <summary>After this instance saved a change that ends or narrows sessions: nothing held is trusted any more.</summary>
    public void ForgetAll()
    {
        lock (_write)
        {
            _generation++;
            _entries.Clear();
        }
    }

    /// <summary>After a set-based write that ends sessions (sign-out, remote sign-out): tells every instance.</summary>
    public static Task BumpAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct) =>
        db.Set<PlatformSetting>().Where(s => s.Key == VersionKey)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Value, NewVersion()).SetProperty(x => x.UpdatedAt, now), ct);

    internal static string NewVersion() => Guid.NewGuid().ToString("N");

    public void Dispose() => _check.Dispose();
}

/// <summary>Creates the <c>sessions.version</c> row once, so every later change is a plain update in the changing save.</summary>
public sealed class SessionVersionPreparation : IDatabasePreparation
{
    public async Task PrepareAsync(AppDbContext db, CancellationToken ct)
    {
        if (!await db.Set<PlatformSetting>().AnyAsync(s => s.Key == SessionCache.VersionKey, ct))
        {
            db.Add(new PlatformSetting { Key = SessionCache.VersionKey, Value = SessionCache.NewVersion(), UpdatedAt = DateTimeOffset.UtcNow });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another instance starting at the same moment created it.
            }
            db.ChangeTracker.Clear();
        }
    }
}

/// <summary>
/// Adds the new session version to every save that can end or narrow a session: a session revoked or deleted, an
/// account's stamp, lockout, names, second factor or password rules changed, a role granted or removed, a membership
/// requested or decided, an organisation renamed or its state changed. The failed-attempt
/// counter and the last-seen time do not count (they change often and end nothing). Once such a save is done, this
/// instance forgets what it holds at once; the others within a second.
/// </summary>
public sealed class SessionVersionInterceptor(SessionCache cache, TimeProvider clock) : SaveChangesInterceptor
{
    private static readonly HashSet<string> AccountProperties =
    [
        nameof(AppUser.SecurityStamp), nameof(AppUser.LockoutEnd), nameof(AppUser.Email), nameof(AppUser.DisplayName),
        nameof(AppUser.TwoFactorEnabled), nameof(AppUser.PasswordChangedAt), nameof(AppUser.MustChangePassword),
    ];

    private readonly ConditionalWeakTable<DbContext, object> _bumping = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is AppDbContext db && EndsOrNarrowsSessions(db))
        {
            StageBump(db);
            _bumping.AddOrUpdate(db, db);
        }
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(SavingChanges(eventData, result));

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } db && _bumping.Remove(db))
        {
            cache.ForgetAll();
        }
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SavedChanges(eventData, result));

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } db)
        {
            _bumping.Remove(db);
        }
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    private static bool EndsOrNarrowsSessions(AppDbContext db)
    {
        foreach (var entry in db.ChangeTracker.Entries())
        {
            var touches = entry switch
            {
                { Entity: RoleGrant, State: EntityState.Added or EntityState.Modified or EntityState.Deleted } => true,
                { Entity: UserSession, State: EntityState.Deleted } => true,
                { Entity: UserSession, State: EntityState.Modified } => entry.Property(nameof(UserSession.RevokedAt)).IsModified,
                { Entity: AppUser, State: EntityState.Deleted } => true,
                { Entity: Membership, State: EntityState.Added or EntityState.Modified or EntityState.Deleted } => true,
                { Entity: Organization, State: EntityState.Deleted } => true,
                { Entity: Organization, State: EntityState.Modified } =>
                    entry.Property(nameof(Organization.Name)).IsModified || entry.Property(nameof(Organization.Status)).IsModified,
                { Entity: AppUser, State: EntityState.Modified } => entry.Properties.Any(p => p.IsModified && AccountProperties.Contains(p.Metadata.Name)),
                _ => false,
            };
            if (touches)
            {
                return true;
            }
        }
        return false;
    }

    private void StageBump(AppDbContext db)
    {
        var row = db.Set<PlatformSetting>().Local.FirstOrDefault(s => s.Key == SessionCache.VersionKey);
        if (row is null)
        {
            // The row exists (SessionVersionPreparation): update it without reading it.
            row = new PlatformSetting { Key = SessionCache.VersionKey };
            db.Attach(row);
        }
        row.Value = SessionCache.NewVersion();
        row.UpdatedAt = clock.GetUtcNow();
    }
}

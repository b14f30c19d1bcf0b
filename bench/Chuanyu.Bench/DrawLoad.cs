using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Chuanyu.Matching.Draws;
using Chuanyu.Web;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Chuanyu.Web.Seeding;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Chuanyu.Bench;

public sealed record DrawLoadOptions(int Experts, int Draws, int Warmup, string[] Engines, string[] Suites, string[] Shapes, string? Postgres,
    string WorkDir, string PgDatabase, bool Breakdown, string? Out)
{
    public static DrawLoadOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new DrawLoadOptions(100_000, 30, 3, ["sqlite", "postgres"], ["sm", "international"], ["typical", "largest"],
            Environment.GetEnvironmentVariable("CHUANYU_TEST_PG"), Path.Combine(Path.GetTempPath(), "chuanyu-draw-load"), "chuanyu_draw_load", true, null);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--no-breakdown")
            {
                o = o with { Breakdown = false };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }
            var value = args[++i];
            int Int(int max) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max ? n
                : throw new ArgumentException($"{name} must be 1–{max}");
            o = name switch
            {
                "--experts" => o with { Experts = Int(1_000_000) },
                "--draws" => o with { Draws = Int(10_000) },
                "--warmup" => o with { Warmup = Int(100) },
                "--engines" => o with { Engines = value.Split(',') },
                "--suites" => o with { Suites = value.Split(',') },
                "--shapes" => o with { Shapes = value.Split(',') },
                "--pg" => o with { Postgres = value },
                "--dir" => o with { WorkDir = value },
                "--pg-db" => o with { PgDatabase = value },
                "--out" => o with { Out = value },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return o;
    }
}

/// <summary>
/// The single-draw figure of issue 16: on a database of either engine holding N experts of both regions (the seed's
/// disciplines, spread over the demo institutions and the 300 synthetic organisations), declared relations and past
/// accepted seats, times <see cref="ReviewDraws.DrawAsync"/> end to end for fresh activities (3–10 items with applicants
/// and named persons, 3 applicant exclusions, 9 + 3, 60 % senior, 2 from the other region, one per institution, 90 days
/// cool-down) in two shapes: one first-level discipline with about 3 % of the pool (typical) and the first-level discipline with the
/// most experts (largest). An activity without a discipline is refused by the platform.
/// The database is kept between runs (--dir, --pg-db) and filled only up to N.
/// </summary>
public static class DrawLoad
{
    private const string Home = "500000";

    public static async Task<int> RunAsync(DrawLoadOptions o)
    {
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }
        Say(string.Create(CultureInfo.InvariantCulture, $"draw-load: {o.Experts:N0} experts, {o.Draws} timed draws (+{o.Warmup} warm-up) per engine, suite and shape; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {Load()}"));
        Say("");
        Say("| engine | suite | shape | candidates | draws | p50 ms | p95 ms | max ms |");
        Say("|---|---|---|---|---|---|---|---|");
        var breakdowns = new List<string>();
        foreach (var engine in o.Engines)
        {
            var (provider, cs) = await DatabaseAsync(engine, o);
            foreach (var suite in o.Suites)
            {
                await using var app = Build(provider, cs, suite);
                await app.PrepareDatabaseAsync();
                await FillAsync(app.Services, o.Experts);
                foreach (var shape in o.Shapes)
                {
                    var (times, candidates, parts) = await DrawsAsync(app.Services, o, shape);
                    var sorted = times.Order().ToArray();
                    Say(string.Create(CultureInfo.InvariantCulture,
                        $"| {engine} | {suite} | {shape} | {candidates:N0} | {sorted.Length} | {HttpLoad.Percentile(sorted, 50):F1} | {HttpLoad.Percentile(sorted, 95):F1} | {sorted[^1]:F1} |"));
                    if (parts is not null)
                    {
                        breakdowns.Add($"{engine} {suite} {shape}: {parts}");
                    }
                }
            }
            if (provider == DatabaseProvider.Postgres)
            {
                NpgsqlConnection.ClearAllPools();
            }
            else
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        }
        if (breakdowns.Count > 0)
        {
            Say("");
            Say("Where the time goes (median ms over the timed draws): the draw's own statements by kind (EF Core's diagnostic events, ×count per draw; a query until its reader opens) and the rest of its time (reading large results included); then the phases again, timed alone on the same activities:");
            Say("");
            foreach (var b in breakdowns)
            {
                Say("- " + b);
            }
        }
        Say("");
        Say($"load after: {Load()}");
        if (o.Out is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Out))!);
            await File.WriteAllTextAsync(o.Out, report.ToString());
        }
        return 0;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    internal static async Task<(DatabaseProvider, string)> DatabaseAsync(string engine, DrawLoadOptions o)
    {
        if (engine == "sqlite")
        {
            Directory.CreateDirectory(o.WorkDir);
            return (DatabaseProvider.Sqlite, $"Data Source={Path.Combine(o.WorkDir, "draw-load.db")};Pooling=True;Default Timeout=30");
        }
        if (engine != "postgres" || o.Postgres is null)
        {
            throw new ArgumentException("engines: sqlite, postgres (postgres needs --pg or CHUANYU_TEST_PG)");
        }
        await using (var admin = new NpgsqlConnection(o.Postgres))
        {
            await admin.OpenAsync();
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", admin);
            exists.Parameters.AddWithValue("n", o.PgDatabase);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {o.PgDatabase} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'", admin);
                await create.ExecuteNonQueryAsync();
            }
        }
        return (DatabaseProvider.Postgres, new NpgsqlConnectionStringBuilder(o.Postgres) { Database = o.PgDatabase }.ConnectionString);
    }

    /// <summary>The platform's services as Program.cs registers them (no background jobs), with the development keys.</summary>
    internal static WebApplication Build(DatabaseProvider provider, string cs, string suite)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        var c = builder.Configuration;
        c["Database:Provider"] = provider.ToString();
        c[$"ConnectionStrings:{provider}"] = cs;
        c["Demo:Seed"] = "true";
        c["Audit:RetentionIntervalHours"] = "0";
        c["Crypto:Suite"] = suite == "sm" ? nameof(CryptoSuite.SM) : suite == "international" ? nameof(CryptoSuite.International) : throw new ArgumentException("suites: sm, international");
        c["Crypto:CurrentDataKeyId"] = "dev-1";
        c["Crypto:DataKeys:dev-1"] = "ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LWEtc2VjcmV0IQ==";
        c["Crypto:BlindIndexKey"] = "ZGV2ZWxvcG1lbnQtb25seS1ibGluZC1pbmRleC1rZXktbm90LXNlY3JldCE=";
        builder.Services.AddPlatform(c, background: false);
        return builder.Build();
    }

    // ---- the data ----

    /// <summary>Experts up to <paramref name="target"/> (the seed's generator, moved onto the synthetic organisations too), relations, past seats.</summary>
    internal static async Task FillAsync(IServiceProvider root, int target)
    {
        using var scope = root.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<AppDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var synthetic = SyntheticCatalog.Organizations(now);
        var syntheticIds = synthetic.Select(x => x.Id).ToList();
        if (!await db.Set<Organization>().AnyAsync(x => syntheticIds.Contains(x.Id)))
        {
            db.AddRange(synthetic);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        var have = await db.Set<Expert>().CountAsync();
        if (have >= target)
        {
            return;
        }
        var sw = Stopwatch.StartNew();
        var orgs = await DemoExperts.OrganizationsAsync(services, CancellationToken.None);
        var protector = services.GetRequiredService<FieldProtector>();
        var byRegion = synthetic.GroupBy(x => x.RegionCode).ToDictionary(g => g.Key, g => g.Select(x => x.Id).ToArray());
        var random = new Random(16);
        var all = DemoExperts.Generate(orgs, protector, now, target - have, seed: 7, idPrefix: 7);
        foreach (var (e, _) in all)
        {
            // Four in five at one of the synthetic organisations of the expert's region: about 300 institutions, as a real pool has.
            if (random.Next(5) > 0 && byRegion.TryGetValue(e.RegionCode, out var ids))
            {
                e.OrganizationId = ids[random.Next(ids.Length)];
            }
        }
        foreach (var batch in all.Chunk(2_000))
        {
            DemoExperts.Stage(db, batch);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        // Declared relations (2 % of the experts) to organisations and to persons, some ended long ago.
        var experts = all.Select(x => x.Expert).ToList();
        var orgIds = orgs.Values.Select(x => x.Id).Concat(syntheticIds).ToArray();
        var kinds = Enum.GetValues<ExpertRelationKind>();
        for (var i = 0; i < experts.Count / 50; i++)
        {
            var kind = kinds[random.Next(kinds.Length)];
            var toPerson = kind is ExpertRelationKind.Kinship or ExpertRelationKind.SupervisorOrStudent;
            db.Add(new ExpertRelation
            {
                Id = Guid.CreateVersion7(),
                ExpertId = experts[random.Next(experts.Count)].Id,
                Kind = kind,
                OrganizationId = toPerson ? null : orgIds[random.Next(orgIds.Length)],
                PersonName = toPerson ? "bench" : null,
                PersonIdNumberKey = toPerson ? experts[random.Next(experts.Count)].IdNumberKey : null,
                EndedOn = random.Next(4) == 0 ? DateOnly.FromDateTime(now.UtcDateTime).AddYears(-random.Next(1, 6)) : null,
                CreatedAt = now,
            });
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        // Past activities with accepted seats: 300 closed reviews of 9, ended 1–400 days ago (the cool-down sees some).
        var owner = await db.Users.Where(u => u.Email == "cq.admin@chuanyu.demo").Select(u => u.Id).FirstAsync();
        for (var p = 0; p < 300; p++)
        {
            var ended = now.AddDays(-random.Next(1, 400));
            var a = Activity(owner, "", ended.AddDays(-20), ReviewActivityStatus.Closed);
            a.ReviewStartsAt = ended.AddDays(-2);
            a.ReviewEndsAt = ended;
            var draw = new ReviewDraw
            {
                Id = Guid.CreateVersion7(),
                ActivityId = a.Id,
                Sequence = 1,
                HashAlgorithm = Hashes.Sm3,
                CandidateListHash = "",
                Commitment = "",
                SeedProtected = "",
                CandidatesJson = "[]",
                ExclusionCounts = "{}",
                PanelSize = 9,
                Alternates = 3,
                MinSenior = 6,
                HomeRegion = Home,
                MinOtherRegion = 2,
                OnePerInstitution = true,
                DrawnBy = owner,
                DrawnAt = ended.AddDays(-20),
            };
            db.Add(a);
            db.Add(draw);
            var chosen = new HashSet<int>();
            while (chosen.Count < 9)
            {
                chosen.Add(random.Next(experts.Count));
            }
            foreach (var (e, i) in chosen.Select((x, i) => (experts[x], i)))
            {
                db.Add(new ReviewSeat
                {
                    Id = Guid.CreateVersion7(),
                    ActivityId = a.Id,
                    DrawId = draw.Id,
                    ExpertId = e.Id,
                    Role = SeatRole.Member,
                    Position = i,
                    Status = SeatStatus.Accepted,
                    InvitedAt = draw.DrawnAt,
                    RespondedAt = draw.DrawnAt.AddDays(1),
                });
            }
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  filled {target - have:N0} experts, {experts.Count / 50:N0} relations, 300 past reviews in {sw.Elapsed.TotalSeconds:F0} s"));
    }

    private static ReviewActivity Activity(Guid owner, string disciplines, DateTimeOffset now, ReviewActivityStatus status) => new()
    {
        Id = Guid.CreateVersion7(),
        Title = "draw-load",
        Kind = ReviewKind.ProjectReview,
        RegionCode = Home,
        OwnerId = owner,
        Disciplines = disciplines,
        PanelSize = 9,
        Alternates = 3,
        MinSeniorPercent = 60,
        MinOtherRegion = 2,
        OnePerInstitution = true,
        CoolDownDays = 90,
        ReviewStartsAt = now.AddDays(10),
        ReviewEndsAt = now.AddDays(12),
        ResponseDeadline = now.AddDays(3),
        Status = status,
        Synthetic = true,
        CreatedAt = now,
        UpdatedAt = now,
    };

    // ---- the draws ----

    private static async Task<(List<double> Times, int Candidates, string? Parts)> DrawsAsync(IServiceProvider root, DrawLoadOptions o, string shape)
    {
        List<Guid> orgIds;
        List<(Guid Id, string Key)> people;
        string discipline;
        Guid owner;
        using (var scope = root.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            owner = await db.Users.Where(u => u.Email == "cq.admin@chuanyu.demo").Select(u => u.Id).FirstAsync();
            orgIds = await db.Set<Expert>().Select(e => e.OrganizationId).Distinct().ToListAsync();
            people = (await db.Set<Expert>().OrderBy(e => e.Id).Take(5_000).Select(e => new { e.Id, e.IdNumberKey }).ToListAsync())
                .Select(x => (x.Id, x.IdNumberKey)).ToList();
            // The typical shape: the first-level discipline whose experts number closest to 3 % of the pool (a few thousand at 100,000).
            var codes = await db.Set<ExpertDiscipline>().Select(d => new { d.ExpertId, d.Code }).ToListAsync();
            var perFirst = codes.GroupBy(d => d.Code[..3]).Select(g => (Code: g.Key, Experts: g.Select(x => x.ExpertId).Distinct().Count())).ToList();
            var total = await db.Set<Expert>().CountAsync();
            discipline = shape switch
            {
                "typical" => perFirst.OrderBy(x => Math.Abs(x.Experts - total * 0.03)).First().Code,
                "largest" => perFirst.OrderByDescending(x => x.Experts).First().Code,
                _ => throw new ArgumentException("shapes: typical, largest"),
            };
        }
        var random = new Random(shape.GetHashCode(StringComparison.Ordinal) & 0xffff);
        var times = new List<double>();
        var candidates = 0;
        var phases = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        for (var n = 0; n < o.Warmup + o.Draws; n++)
        {
            using var scope = root.CreateScope();
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<AppDbContext>();
            SignIn(services.GetRequiredService<CurrentUser>(), owner);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = Activity(owner, discipline, now, ReviewActivityStatus.Draft);
            db.Add(a);
            var items = random.Next(3, 11);
            for (var i = 0; i < items; i++)
            {
                var item = new ReviewItem { Id = Guid.CreateVersion7(), ActivityId = a.Id, Position = i, Title = "item", ApplicantOrganizationId = orgIds[random.Next(orgIds.Count)], CreatedAt = now };
                db.Add(item);
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    db.Add(new ReviewItemPerson { Id = Guid.CreateVersion7(), ItemId = item.Id, Name = "bench", IdNumberKey = people[random.Next(people.Count)].Key });
                }
            }
            for (var x = 0; x < 3; x++)
            {
                db.Add(new ReviewExclusion { Id = Guid.CreateVersion7(), ActivityId = a.Id, ExpertId = people[random.Next(people.Count)].Id, Source = ExclusionSource.Applicant, Reason = "bench", CreatedAt = now });
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();

            var draws = services.GetRequiredService<ReviewDraws>();
            var timing = o.Breakdown ? CommandTimes.Start() : null;
            var sw = Stopwatch.StartNew();
            var result = await draws.DrawAsync(a.Id, CancellationToken.None);
            var ms = sw.Elapsed.TotalMilliseconds;
            timing?.Dispose();
            if (result is not ServiceResult.Ok)
            {
                throw new InvalidOperationException($"draw failed: {result}");
            }
            if (n >= o.Warmup)
            {
                times.Add(ms);
                if (timing is not null)
                {
                    // The draw itself, by where its time went: each kind of statement it sent (with how many), and the rest.
                    foreach (var (label, t) in timing.Times)
                    {
                        AddPhase(phases, $"database: {label} ×{t.Count}", t.Ms);
                    }
                    AddPhase(phases, "the rest", ms - timing.TotalMs);
                    candidates = await BreakdownAsync(services, draws, a.Id, phases);
                }
            }
        }
        var parts = o.Breakdown
            ? string.Join(", ", phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {Median(p.Value):F1}")))
            : null;
        return (times, candidates, parts);
    }

    /// <summary>The draw's phases again on the activity just drawn (as a redraw would run them), each timed alone.</summary>
    private static async Task<int> BreakdownAsync(IServiceProvider services, ReviewDraws draws, Guid activityId, Dictionary<string, List<double>> phases)
    {
        void Add(string name, double ms) => AddPhase(phases, name, ms);
        var db = services.GetRequiredService<AppDbContext>();
        db.ChangeTracker.Clear();
        var a = await db.Set<ReviewActivity>().AsNoTracking().FirstAsync(x => x.Id == activityId);
        var stored = await db.Set<ReviewDraw>().AsNoTracking().FirstAsync(d => d.ActivityId == activityId);
        var hashId = stored.HashAlgorithm;
        var hash = new DrawHash(hashId, bytes => Hashes.Hash(hashId, bytes));
        var candidatesAsync = typeof(ReviewDraws).GetMethod("CandidatesAsync", BindingFlags.Instance | BindingFlags.NonPublic)!;
        var sw = Stopwatch.StartNew();
        var task = (Task<(List<DrawCandidate> Candidates, Dictionary<string, int> Excluded)>)candidatesAsync.Invoke(draws, [a, Array.Empty<Guid>(), CancellationToken.None])!;
        var (list, _) = await task;
        Add("candidates (SQL)", sw.Elapsed.TotalMilliseconds);
        var seed = ExpertDraw.NewSeed();
        sw.Restart();
        _ = ExpertDraw.CandidateListHash(list, hash);
        Add("list hash", sw.Elapsed.TotalMilliseconds);
        sw.Restart();
        var spec = new PanelSpec(stored.PanelSize, stored.Alternates, stored.MinSenior, stored.HomeRegion, stored.MinOtherRegion, stored.OnePerInstitution);
        _ = ExpertDraw.Run(list, spec, seed, hash);
        Add("algorithm", sw.Elapsed.TotalMilliseconds);
        sw.Restart();
        _ = JsonSerializer.Serialize(list, ReviewDrawsJson);
        Add("list JSON", sw.Elapsed.TotalMilliseconds);
        return list.Count;
    }

    private static void AddPhase(Dictionary<string, List<double>> phases, string name, double ms)
    {
        if (!phases.TryGetValue(name, out var list))
        {
            phases[name] = list = [];
        }
        list.Add(ms);
    }

    private static readonly JsonSerializerOptions ReviewDrawsJson = new(JsonSerializerDefaults.Web);

    private static double Median(List<double> values) => HttpLoad.Percentile([.. values.Order()], 50);

    private static void SignIn(CurrentUser me, Guid owner) =>
        typeof(CurrentUser).GetMethod("SignedIn", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(me,
            [owner, Guid.CreateVersion7(), "cq.admin@chuanyu.demo", "bench", true, false, false, true, true,
             (IReadOnlyList<ScopedRole>)[new ScopedRole(PlatformRole.RegionAdmin, Home, null)]]);
}

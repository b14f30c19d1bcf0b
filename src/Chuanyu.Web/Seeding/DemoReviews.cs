using Chuanyu.Matching.Draws;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// Two review activities of the Chongqing administrator (issue 16 point 9), drawn by the platform's own committed
/// draw over the synthetic pool: a finished materials review whose seed is revealed (its public page recomputes the
/// panel), and an open electronics review whose panel is invited and sealed. Titles carry 示例.
/// </summary>
public static class DemoReviews
{
    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var protector = services.GetRequiredService<FieldProtector>();
        if (!protector.CanProtect || await db.Set<ReviewActivity>().AnyAsync(ct) || !await db.Set<Expert>().AnyAsync(ct))
        {
            return;
        }
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var owner = await db.Users.Where(u => u.Email == "cq.admin@chuanyu.demo").Select(u => u.Id).FirstAsync(ct);
        var orgs = await DemoExperts.OrganizationsAsync(services, ct);
        var draws = services.GetRequiredService<ReviewDraws>();

        var rows = Rows();
        (string Discipline, string Title) Of(string key) => rows.Where(r => r[0] == "activity" && r[1] == key).Select(r => (r[2].Replace(' ', ','), r[3])).Single();
        var finished = Activity(Of("finished"), owner, now.AddDays(-40), now.AddDays(-22), now.AddDays(-20));
        var open = Activity(Of("open"), owner, now.AddDays(-1), now.AddDays(20), now.AddDays(22));
        open.ResponseDeadline = now.AddDays(10);
        db.AddRange(finished, open);
        foreach (var (key, a) in new[] { ("finished", finished), ("open", open) })
        {
            var position = 0;
            foreach (var r in rows.Where(r => r[0] == "item" && r[1] == key && orgs.ContainsKey(r[2])))
            {
                db.Add(Item(a, ++position, r[3], orgs[r[2]].Id, now));
            }
        }
        await db.SaveChangesAsync(ct);

        foreach (var a in new[] { finished, open })
        {
            var spec = new PanelSpec(a.PanelSize, a.Alternates, ReviewRules.MinSenior(a.PanelSize, a.MinSeniorPercent), a.RegionCode, a.MinOtherRegion, a.OnePerInstitution);
            if (await draws.CommitAndDrawAsync(a, spec, 1, [], null, ct) is not ServiceResult.Ok)
            {
                continue;
            }
            a.Status = ReviewActivityStatus.Drawn;
        }
        await db.SaveChangesAsync(ct);

        // The finished one: everyone invited accepted, the review took place, and the seed was revealed.
        var seats = await db.Set<ReviewSeat>().Where(s => s.ActivityId == finished.Id).ToListAsync(ct);
        foreach (var s in seats.Where(s => s.Role == SeatRole.Member))
        {
            s.Status = SeatStatus.Accepted;
            s.InvitedAt = finished.ResponseDeadline.AddDays(-7);
            s.RespondedAt = finished.ResponseDeadline.AddDays(-5);
            s.AnswerBy = finished.ResponseDeadline;
        }
        foreach (var d in await db.Set<ReviewDraw>().Where(d => d.ActivityId == finished.Id).ToListAsync(ct))
        {
            d.DrawnAt = finished.ResponseDeadline.AddDays(-7);
            d.SeedRevealed = protector.Unprotect(d.SeedProtected);
            d.RevealedAt = finished.ReviewEndsAt.AddHours(2);
        }
        if (seats.Count > 0)
        {
            finished.Status = ReviewActivityStatus.Closed;
        }
        await db.SaveChangesAsync(ct);
        await services.GetRequiredService<AuditLog>().RecordAsync("expert-draw.reveal", $"review:{finished.Id}", detail: "demo", ct: ct);
    }

    /// <summary>The demo's texts (<c>Data/Reference/demo-reviews.csv</c>): activities and items, as fields.</summary>
    private static List<string[]> Rows()
    {
        using var stream = typeof(DemoReviews).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-reviews.csv")
            ?? throw new InvalidOperationException("demo-reviews.csv is not embedded.");
        using var reader = new StreamReader(stream);
        _ = reader.ReadLine();
        var rows = new List<string[]>();
        while (reader.ReadLine() is { } line)
        {
            rows.Add(line.Split(',', 4));
        }
        return rows;
    }

    private static ReviewActivity Activity((string Discipline, string Title) text, Guid owner, DateTimeOffset deadline, DateTimeOffset start, DateTimeOffset end) => new()
    {
        Id = Guid.CreateVersion7(),
        Title = text.Title,
        Kind = ReviewKind.ProjectReview,
        RegionCode = "500000",
        OwnerId = owner,
        Disciplines = text.Discipline,
        PanelSize = 5,
        Alternates = 2,
        MinSeniorPercent = 60,
        MinOtherRegion = 1,
        OnePerInstitution = true,
        CoolDownDays = 90,
        ReviewStartsAt = start,
        ReviewEndsAt = end,
        ResponseDeadline = deadline,
        Status = ReviewActivityStatus.Draft,
        Synthetic = true,
        CreatedAt = deadline.AddDays(-10),
        UpdatedAt = deadline,
    };

    private static ReviewItem Item(ReviewActivity a, int position, string title, Guid applicant, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        ActivityId = a.Id,
        Position = position,
        Title = title,
        ApplicantOrganizationId = applicant,
        CreatedAt = now,
    };
}

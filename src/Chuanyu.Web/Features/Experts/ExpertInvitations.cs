using System.Security.Cryptography;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// Invitations to review leave through the outbox, in the transaction of the draw that made them, on every channel the
/// expert has: e-mail and SMS rows (channel <c>sms</c>, recipient the phone number), delivered by whichever relay a
/// deployment configures for the channel. The text names the activity and the deadline, never the other members.
/// </summary>
public sealed class ExpertInvitations(AppDbContext db, FieldProtector protector, TimeProvider clock)
{
    public const string SmsChannel = "sms";

    internal async Task InviteAsync(ReviewActivity a, IReadOnlyList<ReviewSeat> seats, CancellationToken ct)
    {
        if (seats.Count == 0)
        {
            return;
        }
        var ids = seats.Select(s => s.ExpertId).ToList();
        var contacts = await db.Set<Expert>().AsNoTracking().Where(e => ids.Contains(e.Id))
            .Select(e => new { e.Name, e.EmailProtected, e.PhoneProtected }).ToListAsync(ct);
        var culture = PlatformSetup.Cultures[0];
        var now = clock.GetUtcNow();
        var deadline = Display.Minute(a.ResponseDeadline);
        var window = Display.Range(a.ReviewStartsAt, a.ReviewEndsAt);
        foreach (var c in contacts)
        {
            var subject = Messages.Translate(new Message("Reviews.Mail.InviteSubject", a.Title), culture);
            var body = Messages.Translate(new Message("Reviews.Mail.InviteBody", c.Name, a.Title, a.Kind, window, deadline), culture);
            if (Open(c.EmailProtected) is { } email)
            {
                db.Add(OutboxMessage.Email(email, subject, body, now));
            }
            if (Open(c.PhoneProtected) is { } phone)
            {
                db.Add(new OutboxMessage { Id = Guid.CreateVersion7(), Channel = SmsChannel, Recipient = phone, Subject = subject, Body = body, CreatedAt = now });
            }
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Tells one expert something that concerns their place in the pool (the removal after two unexplained no-shows) on
    /// every channel they have, in the caller's transaction. The body's first argument is the expert's name.
    /// </summary>
    internal async Task NotifyAsync(Guid expertId, string subjectKey, string bodyKey, object?[] args, CancellationToken ct)
    {
        var c = await db.Set<Expert>().AsNoTracking().Where(e => e.Id == expertId).Select(e => new { e.Name, e.EmailProtected, e.PhoneProtected }).FirstAsync(ct);
        var culture = PlatformSetup.Cultures[0];
        var now = clock.GetUtcNow();
        var subject = Messages.Translate(new Message(subjectKey, args), culture);
        var body = Messages.Translate(new Message(bodyKey, [c.Name, .. args]), culture);
        if (Open(c.EmailProtected) is { } email)
        {
            db.Add(OutboxMessage.Email(email, subject, body, now));
        }
        if (Open(c.PhoneProtected) is { } phone)
        {
            db.Add(new OutboxMessage { Id = Guid.CreateVersion7(), Channel = SmsChannel, Recipient = phone, Subject = subject, Body = body, CreatedAt = now });
        }
        await db.SaveChangesAsync(ct);
    }

    private string? Open(string? stored)
    {
        if (stored is null || !protector.CanProtect)
        {
            return null;
        }
        try
        {
            return protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

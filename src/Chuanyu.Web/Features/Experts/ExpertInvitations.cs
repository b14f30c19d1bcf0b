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

    internal Task InviteAsync(ReviewActivity a, IReadOnlyList<ReviewSeat> seats, CancellationToken ct)
    {
        var deadline = Display.Minute(a.ResponseDeadline);
        var window = Display.Range(a.ReviewStartsAt, a.ReviewEndsAt);
        return SendAsync(seats.Select(s => s.ExpertId).ToList(), name => (new Message("Reviews.Mail.InviteSubject", a.Title), new Message("Reviews.Mail.InviteBody", name, a.Title, a.Kind, window, deadline)), ct);
    }

    /// <summary>Tells the invited and accepted members that the activity was cancelled, with the reason.</summary>
    internal Task CancelledAsync(ReviewActivity a, IReadOnlyList<ReviewSeat> seats, string reason, CancellationToken ct) =>
        SendAsync(seats.Select(s => s.ExpertId).ToList(), name => (new Message("Reviews.Mail.CancelSubject", a.Title), new Message("Reviews.Mail.CancelBody", name, a.Title, reason)), ct);

    /// <summary>One message per expert on each channel they have, in the platform's first language, staged and saved.</summary>
    private async Task SendAsync(List<Guid> ids, Func<string, (Message Subject, Message Body)> compose, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return;
        }
        var contacts = await db.Set<Expert>().AsNoTracking().Where(e => ids.Contains(e.Id))
            .Select(e => new { e.Name, e.EmailProtected, e.PhoneProtected }).ToListAsync(ct);
        var culture = PlatformSetup.Cultures[0];
        var now = clock.GetUtcNow();
        foreach (var c in contacts)
        {
            var (subjectMessage, bodyMessage) = compose(c.Name);
            var subject = Messages.Translate(subjectMessage, culture);
            var body = Messages.Translate(bodyMessage, culture);
            if (protector.TryUnprotect(c.EmailProtected) is { } email)
            {
                db.Add(OutboxMessage.Email(email, subject, body, now));
            }
            if (protector.TryUnprotect(c.PhoneProtected) is { } phone)
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
    internal Task NotifyAsync(Guid expertId, string subjectKey, string bodyKey, object?[] args, CancellationToken ct) =>
        SendAsync([expertId], name => (new Message(subjectKey, args), new Message(bodyKey, [name, .. args])), ct);
}

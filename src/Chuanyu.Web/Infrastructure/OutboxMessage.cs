using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// A message waiting to leave the platform (e-mail today). Written in the same transaction as the change that
/// caused it; a relay delivers it. With no mail server configured the rows stay here and platform admins can
/// read them in development.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public string Channel { get; set; } = "email";
    public string Recipient { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>The platform's name before every subject, so mail from it is recognised in an inbox.</summary>
    public const string SubjectPrefix = "川渝科技资源共享服务平台：";

    /// <summary>A platform e-mail written now, its subject after <see cref="SubjectPrefix"/>.</summary>
    public static OutboxMessage Email(string to, string subject, string body, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        Recipient = to,
        Subject = SubjectPrefix + subject,
        Body = body,
        CreatedAt = now,
    };
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.Property(x => x.Channel).HasMaxLength(20);
        b.Property(x => x.Recipient).HasMaxLength(256);
        b.Property(x => x.Subject).HasMaxLength(300);
        b.Property(x => x.Body).HasMaxLength(8000);
        b.HasIndex(x => x.CreatedAt);
    }
}

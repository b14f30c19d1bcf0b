namespace Chuanyu.Web.Infrastructure;

/// <summary>Masks personal data for lists: enough to recognise, not enough to use.</summary>
public static class Masking
{
    /// <summary>The first character of a name and a mask (a rating says someone used the instrument, not who); new Message("Common.Deregistered").ToString() for none.</summary>
    public static string Name(string? name) => string.IsNullOrEmpty(name) ? new Message("Common.Deregistered").ToString() : name[..1] + "**";

    public static string Email(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return "";
        }
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0)
        {
            return "***";
        }
        var local = email[..at];
        var keep = local.Length <= 2 ? 1 : 2;
        return string.Concat(local.AsSpan(0, keep), "***", email.AsSpan(at));
    }

    public static string Phone(string? phone) =>
        string.IsNullOrEmpty(phone) || phone.Length < 7 ? "***" : string.Concat(phone.AsSpan(0, 3), "****", phone.AsSpan(phone.Length - 4));

    /// <summary>An ID number: the first three and the last four characters (birth date and sequence hidden).</summary>
    public static string IdNumber(string? id) =>
        string.IsNullOrEmpty(id) || id.Length < 8 ? "***" : string.Concat(id.AsSpan(0, 3), new string('*', id.Length - 7), id.AsSpan(id.Length - 4));
}

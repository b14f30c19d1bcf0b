namespace Chuanyu.Web.Infrastructure;

/// <summary>The system configuration the system administrator sets: whether registration is open, and a notice on every page.</summary>
public sealed record SystemSettings : IValidatedSetting
{
    public bool RegistrationOpen { get; init; } = true;

    /// <summary>A notice shown at the top of every page (maintenance windows, policy news); empty for none.</summary>
    public string? Announcement { get; init; }

    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        if (Announcement?.Length > 500)
        {
            errors.Add("announcement", new Message("Common.AnnouncementTooLong", 500));
        }
        return errors;
    }
}

public sealed class SystemSettingsStore(IServiceScopeFactory scopes, TimeProvider clock)
    : SettingStore<SystemSettings>("system", "config.system", new SystemSettings(), scopes, clock);

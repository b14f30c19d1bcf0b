using System.Xml.Linq;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Infrastructure;

/// <summary>A Data Protection key ring entry. Every instance reads the same rows, so a cookie or token issued by one is accepted by all.</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public string FriendlyName { get; set; } = "";
    public string Xml { get; set; } = "";
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> b)
    {
        b.Property(x => x.FriendlyName).HasMaxLength(100);
        b.HasIndex(x => x.FriendlyName).IsUnique();
    }
}

/// <summary>
/// Stores the key ring in our own table (<c>data_protection_keys</c>), so every instance reads the same keys. Each key
/// is encrypted with the platform's data key when one is configured (<see cref="PlatformKeyXmlEncryptor"/>); see
/// docs/deployment.md.
/// </summary>
public sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToList().Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateException)
        {
            // Another instance stored the same key first (same friendly name); its copy is the one everyone reads.
        }
    }
}

/// <summary>
/// Encrypts each Data Protection key before it is stored, with the platform's current data key (the suite's AES-256-GCM
/// or SM4-GCM, as personal data is): whoever reads the table without the configured key cannot forge a cookie or token.
/// </summary>
public sealed class PlatformKeyXmlEncryptor(FieldProtector protector) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement("platformEncrypted", protector.Protect(plaintextElement.ToString(SaveOptions.DisableFormatting))), typeof(PlatformKeyXmlDecryptor));
}

/// <summary>Reads what <see cref="PlatformKeyXmlEncryptor"/> wrote; Data Protection creates it with the service provider.</summary>
public sealed class PlatformKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => XElement.Parse(services.GetRequiredService<FieldProtector>().Unprotect(encryptedElement.Value));
}

public static class DataProtectionSetup
{
    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("Chuanyu");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<IServiceScopeFactory>());
            // Without a data key (Crypto:CurrentDataKeyId) there is nothing to encrypt with: Data Protection then warns
            // at start that keys are stored unencrypted, which is true, and docs/deployment.md says to configure one.
            var protector = sp.GetRequiredService<FieldProtector>();
            if (protector.CanProtect)
            {
                o.XmlEncryptor = new PlatformKeyXmlEncryptor(protector);
            }
        }));
        return services;
    }
}

using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// <c>create-admin EMAIL ROLE NAME</c> (registered by <see cref="AccountsSetup.AddAccounts"/>).
/// The first administrators of a new deployment (no demo accounts exist outside development): an account with a
/// random initial password, printed once, that must be changed at the first sign-in, holding one of the three
/// separated administrator roles. Later accounts are created by the security administrator on /Admin/Users.
/// </summary>
public sealed class CreateAdminCommand : IPlatformCommand
{
    public string Name => "create-admin";

    public async Task<int> RunAsync(PlatformCommandContext context, string[] args)
    {
        var services = context.Services;
        var positional = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (positional.Length < 3 || !Enum.TryParse<PlatformRole>(positional[1], out var role) || !PlatformRoles.IsSeparated(role))
        {
            Console.Error.WriteLine("usage: create-admin <email> <SystemAdmin|SecurityAdmin|AuditAdmin> <display name>");
            return 2;
        }
        var (account, errors) = await services.GetRequiredService<AccountAdministration>()
            .CreateAsync(new NewAccountRequest(positional[0], string.Join(' ', positional[2..]), null), actorName: "console");
        if (account is null)
        {
            Console.Error.WriteLine(string.Join(Environment.NewLine, errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}"))));
            return 1;
        }
        var db = services.GetRequiredService<AppDbContext>();
        db.RoleGrants.Add(new RoleGrant
        {
            Id = Guid.CreateVersion7(),
            UserId = account.Id,
            Role = role,
            GrantedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
        });
        await db.SaveChangesAsync();
        await services.GetRequiredService<AuditLog>().RecordAsync("role.grant", $"user:{account.Id}", detail: $"{role} (create-admin command)", actorName: "console");
        Console.WriteLine($"Created {account.Email} as {role}.");
        Console.WriteLine($"Initial password (shown once; must be changed at first sign-in, then enrol TOTP): {account.InitialPassword}");
        return 0;
    }
}

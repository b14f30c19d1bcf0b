using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// Accounts' tables as properties of the context (<c>db.Organizations</c>, with <c>using Chuanyu.Web.Features.Accounts</c>),
/// declared here so that the context, in Data, names no feature.
/// </summary>
public static class AccountsSets
{
    extension(AppDbContext db)
    {
        public DbSet<Region> Regions => db.Set<Region>();
        public DbSet<District> Districts => db.Set<District>();
        public DbSet<Organization> Organizations => db.Set<Organization>();
        public DbSet<RoleGrant> RoleGrants => db.Set<RoleGrant>();
        public DbSet<Membership> Memberships => db.Set<Membership>();
        public DbSet<OrganizationSmeDeclaration> SmeDeclarations => db.Set<OrganizationSmeDeclaration>();
    }
}

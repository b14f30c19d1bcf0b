using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>A photo of a catalogue resource (JPEG or PNG), stored in the database beside its record.</summary>
public sealed class ResourcePhoto
{
    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }

    /// <summary>The uploader's file name reduced to a plain name (<see cref="Uploads.SafeFileName"/>); shown, never used as a path.</summary>
    public string FileName { get; set; } = "";

    /// <summary>Derived from the checked content (image/jpeg or image/png), never taken from the client.</summary>
    public string ContentType { get; set; } = "";
    public byte[] Content { get; set; } = [];
    public long Size { get; set; }

    /// <summary>0 is the first photo (the one lists show).</summary>
    public int SortOrder { get; set; }
    public Guid UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

internal sealed class ResourcePhotoConfiguration : IEntityTypeConfiguration<ResourcePhoto>
{
    public void Configure(EntityTypeBuilder<ResourcePhoto> b)
    {
        b.ToTable("resource_photos");
        b.Property(x => x.FileName).HasMaxLength(Uploads.MaxFileNameLength);
        b.Property(x => x.ContentType).HasMaxLength(50);
        b.HasOne<Resource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ResourceId, x.SortOrder });
    }
}

/// <summary>A photo without its bytes, for lists.</summary>
public sealed record PhotoDto(Guid Id, Guid ResourceId, string FileName, string ContentType, long Size, int SortOrder, DateTimeOffset UploadedAt)
{
    /// <summary>Where its bytes are: generated from the photo endpoint's name (<see cref="PhotoApi.PhotoEndpoint"/>).</summary>
    public string Url { get; init; } = "";
}

/// <summary>
/// Photos follow their resource's rules (<see cref="CatalogService"/>): whoever may see the record sees its photos;
/// the managers of the owning organisation add, remove and order them. A file is accepted only when its bytes are
/// really JPEG or PNG (<see cref="Uploads.CheckAsync"/>), up to <see cref="MaxBytes"/>, and at most
/// <see cref="MaxPerResource"/> per record.
/// </summary>
public sealed class PhotoService(AppDbContext db, CatalogService catalog, CurrentUser me, AuditLog audit, TimeProvider clock, LinkGenerator links)
{
    public const long MaxBytes = 5L * 1024 * 1024;
    public const int MaxPerResource = 6;

    /// <summary>One upload request: the file and the multipart envelope around it.</summary>
    public const long MaxRequestBytes = MaxBytes + (1024 * 1024);

    /// <summary>The photos of a resource the caller may see, in order; null when the resource is not visible.</summary>
    public async Task<IReadOnlyList<PhotoDto>?> ListAsync(Guid resourceId, CancellationToken ct)
    {
        var resource = await db.Set<Resource>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == resourceId, ct);
        if (resource is null || !catalog.CanSee(resource))
        {
            return null;
        }
        return await ListVisibleAsync(resourceId, ct);
    }

    /// <summary>The photos of a resource whose visibility the caller has already checked.</summary>
    public async Task<IReadOnlyList<PhotoDto>> ListVisibleAsync(Guid resourceId, CancellationToken ct) =>
        (await db.Set<ResourcePhoto>().AsNoTracking().Where(p => p.ResourceId == resourceId)
            .OrderBy(p => p.SortOrder).ThenBy(p => p.UploadedAt).ThenBy(p => p.Id)
            .Select(p => new PhotoDto(p.Id, p.ResourceId, p.FileName, p.ContentType, p.Size, p.SortOrder, p.UploadedAt))
            .ToListAsync(ct)).Select(WithUrl).ToList();

    private PhotoDto WithUrl(PhotoDto photo) =>
        photo with { Url = links.EndpointPath(PhotoApi.PhotoEndpoint, new { id = photo.ResourceId, photoId = photo.Id }) };

    /// <summary>A photo with its bytes, only when the caller may see its resource.</summary>
    public async Task<ResourcePhoto?> GetAsync(Guid resourceId, Guid photoId, CancellationToken ct)
    {
        var resource = await db.Set<Resource>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == resourceId, ct);
        if (resource is null || !catalog.CanSee(resource))
        {
            return null;
        }
        return await db.Set<ResourcePhoto>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == photoId && p.ResourceId == resourceId, ct);
    }

    public async Task<(PhotoDto? Photo, ServiceResult Result)> AddAsync(Guid resourceId, string? fileName, Stream content, long length, CancellationToken ct)
    {
        var refused = await RefuseAsync(resourceId, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var (upload, error) = await Uploads.CheckAsync(fileName, content, length, UploadKind.Image, MaxBytes, ct);
        if (upload is null)
        {
            return (null, Invalid("file", error!));
        }
        var bytes = new byte[upload.Length];
        await content.ReadExactlyAsync(bytes, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Takes the resource row's write lock first, so two uploads at once cannot both see five photos and make seven.
        await db.Set<Resource>().Where(r => r.Id == resourceId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, r => r.Version), ct);
        var orders = await db.Set<ResourcePhoto>().Where(p => p.ResourceId == resourceId).Select(p => p.SortOrder).ToListAsync(ct);
        if (orders.Count >= MaxPerResource)
        {
            return (null, Invalid("file", new Message("Catalog.TooManyPhotos", MaxPerResource)));
        }
        var photo = new ResourcePhoto
        {
            Id = Guid.CreateVersion7(),
            ResourceId = resourceId,
            FileName = upload.FileName,
            ContentType = upload.Extension == ".png" ? "image/png" : "image/jpeg",
            Content = bytes,
            Size = bytes.Length,
            SortOrder = orders.Count == 0 ? 0 : orders.Max() + 1,
            UploadedBy = me.Id!.Value,
            UploadedAt = clock.GetUtcNow(),
        };
        db.Add(photo);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("resource.photo.add", $"resource:{resourceId}", detail: $"photo:{photo.Id} {photo.FileName} {photo.Size} bytes", ct: ct);
        await tx.CommitAsync(ct);
        return (WithUrl(new PhotoDto(photo.Id, resourceId, photo.FileName, photo.ContentType, photo.Size, photo.SortOrder, photo.UploadedAt)), new ServiceResult.Ok());
    }

    public async Task<ServiceResult> DeleteAsync(Guid resourceId, Guid photoId, CancellationToken ct)
    {
        var refused = await RefuseAsync(resourceId, ct);
        if (refused is not null)
        {
            return refused;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.Set<ResourcePhoto>().Where(p => p.Id == photoId && p.ResourceId == resourceId).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return new ServiceResult.NotFound();
        }
        await audit.RecordAsync("resource.photo.delete", $"resource:{resourceId}", detail: $"photo:{photoId}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>Sets the order of all the resource's photos; <paramref name="photoIds"/> must name each of them once.</summary>
    public async Task<ServiceResult> ReorderAsync(Guid resourceId, IReadOnlyList<Guid>? photoIds, CancellationToken ct)
    {
        var refused = await RefuseAsync(resourceId, ct);
        if (refused is not null)
        {
            return refused;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var photos = await db.Set<ResourcePhoto>().Where(p => p.ResourceId == resourceId).ToListAsync(ct);
        var ids = photoIds ?? [];
        if (ids.Count != photos.Count || ids.Distinct().Count() != ids.Count || !photos.All(p => ids.Contains(p.Id)))
        {
            return Invalid("photoIds", new Message("Catalog.PhotoOrderIncomplete"));
        }
        for (var i = 0; i < ids.Count; i++)
        {
            photos.First(p => p.Id == ids[i]).SortOrder = i;
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("resource.photo.reorder", $"resource:{resourceId}", detail: string.Join(",", ids.Select(i => $"photo:{i}")), ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>Moves one photo a place earlier (<paramref name="offset"/> -1) or later (+1).</summary>
    public async Task<ServiceResult> MoveAsync(Guid resourceId, Guid photoId, int offset, CancellationToken ct)
    {
        var refused = await RefuseAsync(resourceId, ct);
        if (refused is not null)
        {
            return refused;
        }
        var ids = (await ListVisibleAsync(resourceId, ct)).Select(p => p.Id).ToList();
        var at = ids.IndexOf(photoId);
        if (at < 0)
        {
            return new ServiceResult.NotFound();
        }
        var to = Math.Clamp(at + Math.Sign(offset), 0, ids.Count - 1);
        if (to == at)
        {
            return new ServiceResult.Ok();
        }
        (ids[at], ids[to]) = (ids[to], ids[at]);
        return await ReorderAsync(resourceId, ids, ct);
    }

    /// <summary>404 when the caller may not see the resource, 403 when they see it but do not manage its organisation.</summary>
    private async Task<ServiceResult?> RefuseAsync(Guid resourceId, CancellationToken ct)
    {
        var resource = await db.Set<Resource>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == resourceId, ct);
        return resource is null || !catalog.CanSee(resource) ? new ServiceResult.NotFound()
            : !catalog.CanManage(resource.OrganizationId) ? new ServiceResult.Forbidden()
            : null;
    }

    private static ServiceResult.Invalid Invalid(string field, Message reason)
    {
        var errors = new FieldErrors();
        errors.Add(field, reason);
        return new ServiceResult.Invalid(errors);
    }
}

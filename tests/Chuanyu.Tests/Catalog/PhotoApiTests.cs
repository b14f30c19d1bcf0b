using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Catalog;

/// <summary>Resource photos: only real JPEG/PNG within the limits, written by the owner's managers, served only to those who may see the resource.</summary>
public sealed class PhotoApiTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private Task<Guid> OrgAsync(string name) => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    private Task<int> PhotoCountAsync(Guid resourceId) => factory.WithDbAsync(db => db.Set<ResourcePhoto>().CountAsync(p => p.ResourceId == resourceId));

    private async Task<Guid> NewResourceAsync(HttpClient manager, bool publish)
    {
        var cqu = await OrgAsync("重庆大学");
        var created = await manager.PostAsJsonAsync("/api/v1/resources", new { kind = "Instrument", name = $"照片测试 拉曼光谱仪 {Guid.NewGuid():N}", organizationId = cqu, districtCode = "500106" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        if (publish)
        {
            Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{id}/publish", null)).StatusCode);
        }
        return id;
    }

    /// <summary>A real PNG (signature, IHDR, zlib-compressed IDAT, IEND, each with its CRC): a small RGB gradient.</summary>
    internal static byte[] Png(int width = 16, int height = 12, byte seed = 0)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < width; x++)
            {
                raw.Write([(byte)(x * 16 + seed), (byte)(y * 20), (byte)(128 + seed)]);
            }
        }
        var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(raw.ToArray());
        }
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var header = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        s.Write(header);
        s.Write(data);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. header.AsSpan(4), .. data]));
        s.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }

    private static MultipartFormDataContent File(byte[] content, string fileName, string field = "file", string? contentType = "image/png")
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(content);
        if (contentType is not null)
        {
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        form.Add(part, field, fileName);
        return form;
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, Guid resourceId, byte[] content, string fileName, string? contentType = "image/png")
    {
        using var form = File(content, fileName, contentType: contentType);
        return await client.PostAsync($"/api/v1/resources/{resourceId}/photos", form);
    }

    [Fact]
    public async Task RealPng_IsStored_AndServedWithItsCheckedTypeAndNosniff()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = await NewResourceAsync(manager, publish: true);
        var png = Png();

        // The client's declared type is ignored: the stored type comes from the checked bytes.
        var created = await UploadAsync(manager, id, png, "C:\\照片\\sem-front.png", contentType: "text/html");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var url = created.Headers.Location!.OriginalString;
        Assert.Equal("sem-front.png", body.GetProperty("fileName").GetString());
        Assert.Equal("image/png", body.GetProperty("contentType").GetString());
        Assert.Equal(png.Length, body.GetProperty("size").GetInt64());

        var served = await factory.CreateClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(png, await served.Content.ReadAsByteArrayAsync());

        var list = await (await factory.CreateClient().GetAsync($"/api/v1/resources/{id}/photos")).ReadJsonAsync();
        Assert.Equal(url, Assert.Single(list.EnumerateArray()).GetProperty("url").GetString());
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "resource.photo.add" && e.Target == $"resource:{id}")));
    }

    [Fact]
    public async Task RenamedTextFile_OversizedFile_AndTheSeventhPhoto_AreRefused_AndNothingIsStored()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = await NewResourceAsync(manager, publish: false);

        var text = Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html> 这不是图片");
        var renamed = await (await UploadAsync(manager, id, text, "photo.png")).AssertFieldErrorAsync("file");
        Assert.Contains("不符", Assert.Single(renamed), StringComparison.Ordinal);
        await (await UploadAsync(manager, id, text, "photo.svg", "image/svg+xml")).AssertFieldErrorAsync("file");

        // Just over 5 MB, with a real PNG's first bytes: the size is what is refused.
        var big = new byte[(5 * 1024 * 1024) + 1];
        Png().AsSpan(0, 8).CopyTo(big);
        var tooBig = await (await UploadAsync(manager, id, big, "huge.png")).AssertFieldErrorAsync("file");
        Assert.Contains("超过上限 5 MB", Assert.Single(tooBig), StringComparison.Ordinal);
        // Far over: refused before the body is read.
        var huge = new byte[8 * 1024 * 1024];
        await (await UploadAsync(manager, id, huge, "huge.png")).AssertProblemAsync(413);
        Assert.Equal(0, await PhotoCountAsync(id));

        // Exactly 5 MB is allowed.
        var limit = new byte[5 * 1024 * 1024];
        Png().CopyTo(limit, 0);
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(manager, id, limit, "limit.png")).StatusCode);
        for (var i = 1; i < PhotoService.MaxPerResource; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await UploadAsync(manager, id, Png(seed: (byte)i), $"p{i}.png")).StatusCode);
        }
        var seventh = await (await UploadAsync(manager, id, Png(seed: 99), "p7.png")).AssertFieldErrorAsync("file");
        Assert.Contains("最多 6 张", Assert.Single(seventh), StringComparison.Ordinal);
        Assert.Equal(PhotoService.MaxPerResource, await PhotoCountAsync(id));
    }

    [Fact]
    public async Task Photos_AreServedOnlyWhileTheResourceIsVisible_AndWrittenOnlyByItsManagers()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var draft = await NewResourceAsync(manager, publish: false);
        var draftPhoto = (await (await UploadAsync(manager, draft, Png(), "draft.png")).ReadJsonAsync()).GetProperty("url").GetString()!;
        var published = await NewResourceAsync(manager, publish: true);
        var publicPhoto = (await (await UploadAsync(manager, published, Png(seed: 7), "public.png")).ReadJsonAsync()).GetProperty("url").GetString()!;
        var anonymous = factory.CreateClient();
        var outsider = await factory.ApiClientAsync(Demo.ScuResearcher);

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(draftPhoto)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(draftPhoto)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/resources/{draft}/photos")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync(draftPhoto)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(publicPhoto)).StatusCode);
        // A photo id under another resource's id is not found, even when both are visible.
        var photoId = publicPhoto.Split('/')[^1];
        var otherVisible = await NewResourceAsync(manager, publish: true);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/resources/{otherVisible}/photos/{photoId}")).StatusCode);

        // Someone who may see the published record but does not manage it cannot add, remove or reorder its photos.
        await (await UploadAsync(outsider, published, Png(), "intruder.png")).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.DeleteAsync(publicPhoto)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PutAsJsonAsync($"/api/v1/resources/{published}/photos/order", new { photoIds = new[] { Guid.Parse(photoId) } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.DeleteAsync(draftPhoto)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await UploadAsync(anonymous, published, Png(), "anon.png")).StatusCode);
        Assert.Equal(1, await PhotoCountAsync(published));
        Assert.Equal(1, await PhotoCountAsync(draft));

        // Once retired, the record and its photos are gone for the public.
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{published}/retire", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(publicPhoto)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync(publicPhoto)).StatusCode);
    }

    [Fact]
    public async Task Manager_ReordersAndDeletes_ThroughTheApi()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = await NewResourceAsync(manager, publish: false);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await (await UploadAsync(manager, id, Png(seed: (byte)i), $"{i}.png")).ReadJsonAsync()).GetProperty("id").GetGuid());
        }
        async Task<List<Guid>> Order() => [.. (await (await manager.GetAsync($"/api/v1/resources/{id}/photos")).ReadJsonAsync()).EnumerateArray().Select(p => p.GetProperty("id").GetGuid())];
        Assert.Equal(ids, await Order());

        await (await manager.PutAsJsonAsync($"/api/v1/resources/{id}/photos/order", new { photoIds = new[] { ids[2], ids[0] } })).AssertFieldErrorAsync("photoIds");
        await (await manager.PutAsJsonAsync($"/api/v1/resources/{id}/photos/order", new { photoIds = new[] { ids[2], ids[0], ids[0] } })).AssertFieldErrorAsync("photoIds");
        Assert.Equal(ids, await Order());
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PutAsJsonAsync($"/api/v1/resources/{id}/photos/order", new { photoIds = new[] { ids[2], ids[0], ids[1] } })).StatusCode);
        Assert.Equal([ids[2], ids[0], ids[1]], await Order());

        Assert.Equal(HttpStatusCode.NoContent, (await manager.DeleteAsync($"/api/v1/resources/{id}/photos/{ids[0]}")).StatusCode);
        Assert.Equal([ids[2], ids[1]], await Order());
        Assert.Equal(HttpStatusCode.NotFound, (await manager.DeleteAsync($"/api/v1/resources/{id}/photos/{ids[0]}")).StatusCode);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "resource.photo.delete" && e.Detail == $"photo:{ids[0]}")));
    }

    [Fact]
    public async Task EditPage_UploadsMovesAndDeletesWithConfirmation_AndTheDetailPageShowsThePhotos()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = await NewResourceAsync(manager, publish: true);
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.CquInstrumentManager);
        var editUrl = $"/Me/Resources/{id}/Edit";

        async Task<HttpResponseMessage> PageUpload(byte[] content, string name)
        {
            var (_, page) = await session.GetAsync(editUrl);
            var form = page.QuerySelector("form[data-testid=upload-photo]")!;
            using var multipart = File(content, name, field: "photo");
            multipart.Add(new StringContent(form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken");
            return await session.Client.PostAsync(form.GetAttribute("action"), multipart);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await PageUpload(Png(seed: 1), "first.png")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PageUpload(Png(seed: 2), "second.png")).StatusCode);
        var refused = await PageUpload(Encoding.UTF8.GetBytes("not an image"), "third.png");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("不符", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await PhotoCountAsync(id));

        var (_, detail) = await new PageSession(factory).GetAsync($"/Resources/{id}");
        var images = detail.QuerySelectorAll("[data-testid=photos] img").Select(i => i.GetAttribute("src")).ToList();
        Assert.Equal(2, images.Count);
        var first = images[0]!.Split('/')[^1];
        var second = images[1]!.Split('/')[^1];

        // Move the second photo first.
        var moved = await session.SubmitAsync(editUrl, new Dictionary<string, string>(), $"[data-photo-id='{second}'] form:first-of-type");
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var (_, after) = await new PageSession(factory).GetAsync($"/Resources/{id}");
        Assert.EndsWith(second, after.QuerySelectorAll("[data-testid=photos] img")[0].GetAttribute("src"), StringComparison.Ordinal);

        // Deleting asks for the ticked confirmation first.
        var unconfirmed = await session.SubmitAsync(editUrl, new Dictionary<string, string>(), $"[data-photo-id='{first}'] form[data-testid=delete-photo]");
        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.Equal(2, await PhotoCountAsync(id));
        var deleted = await session.SubmitAsync(editUrl, new Dictionary<string, string> { ["confirm"] = "true" }, $"[data-photo-id='{first}'] form[data-testid=delete-photo]");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal([Guid.Parse(second)], await factory.WithDbAsync(db => db.Set<ResourcePhoto>().Where(p => p.ResourceId == id).Select(p => p.Id).ToListAsync()));
    }

    [Fact]
    public async Task BrowserSession_UploadingThroughTheApi_NeedsTheAntiforgeryToken()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = await NewResourceAsync(manager, publish: false);
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.CquInstrumentManager);

        // A cookie-carrying multipart POST without the token, as a form on another page of the same site could send.
        using (var form = File(Png(), "csrf.png"))
        {
            await (await session.Client.PostAsync($"/api/v1/resources/{id}/photos", form)).AssertProblemAsync(400);
        }
        Assert.Equal(0, await PhotoCountAsync(id));

        var (_, page) = await session.GetAsync($"/Me/Resources/{id}/Edit");
        using (var form = File(Png(), "with-token.png"))
        {
            form.Add(new StringContent(page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken");
            Assert.Equal(HttpStatusCode.Created, (await session.Client.PostAsync($"/api/v1/resources/{id}/photos", form)).StatusCode);
        }
        Assert.Equal(1, await PhotoCountAsync(id));
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.ApiClients;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Security;

/// <summary>The signature algorithms and the documented test vector; no host needed.</summary>
public sealed class SignedRequestVectorTests
{
    [Theory]
    // GM/T 0042-2015 Appendix D.3, the published HMAC-SM3 examples (also in OpenSSL's and libxcrypt's test suites).
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopqabcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20", "ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a")]
    [InlineData(null, "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425",
        "220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae")]
    [InlineData("Hi There", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
        "c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e")]
    [InlineData("what do ya want for nothing?", "4a656665", "2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882")]
    public void HmacSm3_MatchesGmT0042Vectors(string? message, string keyHex, string expected)
    {
        // Example 2's message is fifty 0xcd bytes.
        var data = message is null ? Enumerable.Repeat((byte)0xcd, 50).ToArray() : Encoding.ASCII.GetBytes(message);
        Assert.Equal(expected, Convert.ToHexStringLower(Hashes.Hmac(Hashes.Sm3, Convert.FromHexString(keyHex), data)));
    }

    // The worked example in docs/api-clients.md: integrators check their implementation against these values.
    public const string VectorSecret = "q3MkNw0l4m8cA1ZtVn6yYx0QeR2uJ9sHfGbD7cKpLzE";
    public const string VectorMethod = "POST";
    public const string VectorPath = "/api/v1/exchange/batches?dryRun=true&region=500000";
    public const long VectorTimestamp = 1763800000;
    public const string VectorNonce = "5f2b8c1e9a7d4036b1e0c3a2d9f87654";
    public const string VectorBody = "{\"batch\":1,\"items\":[\"扫描电子显微镜\"]}";

    // Expected values computed independently with Python's hashlib/hmac on OpenSSL 3 (which has SM3), not with this code.
    [Theory]
    [InlineData(SignedRequests.HmacSm3, "a72923929bf0685dfe393a9f109da2d6104e3f5a10c8ff73f22db537ac27ccd2",
        "801d69d7578d02bf86eb4589cbabe9827d21646b62897c1d1d5539af6a9d77cf")]
    [InlineData(SignedRequests.HmacSha256, "7dd7067f7c88ff57af98481f405ef2e072f11fe5c712d7ee25f21dbb33dc5197",
        "bace28d1aa05c3110d8cf1b0e7731af8d6fe7b74c03816e91beee20094280ac4")]
    public void DocumentedTestVector_HoldsForTheServerAndTheReferenceClient(string algorithm, string bodyHash, string signature)
    {
        var body = Encoding.UTF8.GetBytes(VectorBody);
        // The server's side.
        var serverHash = Convert.ToHexStringLower(Hashes.Hash(RequestSignature.HashOf(algorithm), body));
        var serverString = RequestSignature.StringToSign(VectorMethod, VectorPath, VectorTimestamp, VectorNonce, serverHash);
        var serverSignature = Convert.ToHexStringLower(RequestSignature.Sign(algorithm, VectorSecret, serverString));
        // The reference client, written from the document.
        var clientHash = SignedRequests.Hex(SignedRequests.Hash(algorithm, body));
        var clientString = SignedRequests.StringToSign(VectorMethod, VectorPath, VectorTimestamp, VectorNonce, clientHash);
        var clientSignature = SignedRequests.Hex(SignedRequests.Hmac(algorithm, VectorSecret, clientString));

        Assert.Equal(bodyHash, serverHash);
        Assert.Equal(bodyHash, clientHash);
        Assert.Equal(clientString, serverString);
        Assert.Equal($"POST\n{VectorPath}\n1763800000\n{VectorNonce}\n{bodyHash}", serverString);
        Assert.Equal(signature, serverSignature);
        Assert.Equal(signature, clientSignature);
    }

    [Fact]
    public void EmptyBody_IsHashedToo()
    {
        Assert.Equal("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b", SignedRequests.Hex(SignedRequests.Hash(SignedRequests.HmacSm3, [])));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", SignedRequests.Hex(SignedRequests.Hash(SignedRequests.HmacSha256, [])));
    }
}

/// <summary>
/// Signed requests from other systems, end to end on the real host: the security administrator registers a client,
/// the client signs with the reference implementation, every check that fails answers 401 and is audited as a
/// failure, and clients and people cannot use each other's endpoints.
/// </summary>
public sealed class ApiClientTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private const string ClientMe = "/api/v1/clients/me";

    private sealed record Registered(Guid Id, string KeyId, string Secret, string Algorithm);

    private static async Task<Registered> RegisterAsync(ChuanyuFactory host, string[]? scopes = null, Guid? organizationId = null)
    {
        var admin = await host.ApiClientAsync(Demo.SecurityAdmin);
        var response = await admin.PostAsJsonAsync("/api/v1/admin/api-clients",
            new { name = "省科技厅资源目录同步 " + Guid.NewGuid().ToString("N")[..6], organizationId, scopes = scopes ?? [ApiScopes.OrganizationsRead] });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var client = body.GetProperty("client");
        return new Registered(client.GetProperty("id").GetGuid(), client.GetProperty("keyId").GetString()!,
            body.GetProperty("secret").GetString()!, client.GetProperty("algorithm").GetString()!);
    }

    private Task<Registered> RegisterAsync(string[]? scopes = null, Guid? organizationId = null) => RegisterAsync(factory, scopes, organizationId);

    private static (HttpClient Http, SignedRequests Signer) Signed(ChuanyuFactory host, Registered c, string? secret = null, string? algorithm = null, string? keyId = null)
    {
        var signer = new SignedRequests(keyId ?? c.KeyId, secret ?? c.Secret, algorithm ?? c.Algorithm);
        return (host.CreateDefaultClient(signer), signer);
    }

    private (HttpClient Http, SignedRequests Signer) Signed(Registered c, string? secret = null, string? algorithm = null, string? keyId = null) =>
        Signed(factory, c, secret, algorithm, keyId);

    private Task<List<AuditEntry>> AuditForAsync(string keyId) =>
        factory.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Target == keyId).OrderBy(e => e.Seq).ToListAsync());

    /// <summary>401 ProblemDetails naming the check, nothing recorded as success, one failure row with the reason.</summary>
    private async Task AssertRejectedAsync(HttpResponseMessage response, string keyId, string reason, string phrase)
    {
        var problem = await response.AssertProblemAsync(401);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(phrase, detail, StringComparison.Ordinal);
        var rows = await AuditForAsync(keyId);
        Assert.DoesNotContain(rows, r => r.Action == "api-client.call" || r.Outcome == AuditOutcome.Success && r.Action != "api-client.create");
        var failure = Assert.Single(rows, r => r.Action == "api-client.auth");
        Assert.Equal(AuditOutcome.Failure, failure.Outcome);
        Assert.StartsWith(reason + ":", failure.Detail, StringComparison.Ordinal);
    }

    private Task<Guid> OrganizationIdAsync(string name) => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    [Fact]
    public async Task SignedRequest_Succeeds_CarriesTheClient_AndIsAuditedOncePerRequest()
    {
        var cqu = await OrganizationIdAsync("重庆大学");
        var c = await RegisterAsync([ApiScopes.OrganizationsRead, ApiScopes.CatalogueRead], cqu);
        Assert.Equal(RequestSignature.HmacSm3, c.Algorithm); // the 国密 suite is the default
        Assert.Matches("^ck_[0-9a-f]{24}$", c.KeyId);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(c.Secret).Length);
        var (http, _) = Signed(c);

        var me = await (await http.GetAsync(ClientMe)).ReadJsonAsync();
        Assert.Equal(c.KeyId, me.GetProperty("keyId").GetString());
        Assert.Equal("重庆大学", me.GetProperty("organizationName").GetString());
        Assert.Equal([ApiScopes.CatalogueRead, ApiScopes.OrganizationsRead], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var response = await http.GetAsync("/api/v1/exchange/organizations?page=1&pageSize=5");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadJsonAsync();
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.InRange(items.Count, 1, 5);
        Assert.All(items, o => Assert.Equal("Verified", o.GetProperty("status").GetString()));
        var verified = await factory.WithDbAsync(db => db.Organizations.CountAsync(o => o.Status == Chuanyu.Web.Features.Accounts.OrganizationStatus.Verified));
        Assert.Equal(verified, page.GetProperty("total").GetInt32());
        await (await http.GetAsync("/api/v1/exchange/organizations?pageSize=500")).AssertFieldErrorAsync("pageSize");

        // The query is signed percent-encoded, exactly as sent.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/exchange/organizations?page=2&pageSize=1&tag=扫描电镜 x")).StatusCode);

        // A body is hashed and the endpoint still reads it afterwards (the stream was rewound).
        using var withBody = new HttpRequestMessage(HttpMethod.Get, ClientMe) { Content = JsonContent.Create(new { note = "带请求体的签名请求" }) };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(withBody)).StatusCode);

        var rows = await AuditForAsync(c.KeyId);
        var calls = rows.Where(r => r.Action == "api-client.call").ToList();
        Assert.Equal(5, calls.Count);
        Assert.All(calls, r => Assert.Equal(AuditOutcome.Success, r.Outcome));
        Assert.All(calls, r => Assert.Null(r.ActorId));
        Assert.Equal($"GET {ClientMe}", calls[0].Detail);
        Assert.Equal("GET /api/v1/exchange/organizations?page=1&pageSize=5", calls[1].Detail);
        Assert.DoesNotContain(rows, r => r.Action == "api-client.auth");
        Assert.True((await factory.WithDbAsync(db => AuditLog.VerifyAsync(db))).Intact);

        Assert.Equal("GET /api/v1/exchange/organizations?page=2&pageSize=1&tag=%E6%89%AB%E6%8F%8F%E7%94%B5%E9%95%9C%20x", calls[3].Detail);

        // Last use is written once a minute at most: five calls in a row, one write.
        var client = await factory.WithDbAsync(db => db.Set<ApiClient>().AsNoTracking().FirstAsync(x => x.Id == c.Id));
        Assert.NotNull(client.LastUsedAt);
        Assert.True(client.LastUsedAt < calls[1].At, $"last use {client.LastUsedAt} was written after the first call ({calls[1].At} is the second)");
        Assert.Equal(5, await factory.WithDbAsync(db => db.Set<ApiClientNonce>().CountAsync(n => n.KeyId == c.KeyId)));
    }

    [Fact]
    public async Task TamperedBody_IsRefused()
    {
        var c = await RegisterAsync();
        var (http, signer) = Signed(c);
        signer.AfterSigning = r => r.Content = new StringContent("{\"note\":\"改过的内容\"}", Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Get, ClientMe) { Content = new StringContent("{\"note\":\"原始内容\"}", Encoding.UTF8, "application/json") };
        await AssertRejectedAsync(await http.SendAsync(request), c.KeyId, "body-hash-mismatch", "ContentHash");
    }

    [Fact]
    public async Task TamperedBody_WithARecomputedContentHash_FailsTheSignature()
    {
        var c = await RegisterAsync();
        var (http, signer) = Signed(c);
        var forged = "{\"note\":\"伪造\"}"u8.ToArray();
        signer.AfterSigning = r =>
        {
            r.Content = new ByteArrayContent(forged);
            var header = r.Headers.Authorization!.Parameter!;
            var original = header.Split(", ").First(p => p.StartsWith("ContentHash=", StringComparison.Ordinal));
            r.Headers.Authorization = new AuthenticationHeaderValue(r.Headers.Authorization.Scheme,
                header.Replace(original, "ContentHash=" + SignedRequests.Hex(SignedRequests.Hash(c.Algorithm, forged)), StringComparison.Ordinal));
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, ClientMe) { Content = new ByteArrayContent("{}"u8.ToArray()) };
        await AssertRejectedAsync(await http.SendAsync(request), c.KeyId, "bad-signature", "签名不正确");
    }

    [Fact]
    public async Task TamperedQuery_IsRefused_AndTheExpectedSignatureIsNotRevealed()
    {
        var c = await RegisterAsync();
        var (http, signer) = Signed(c);
        string? sent = null;
        signer.AfterSigning = r =>
        {
            sent = r.Headers.Authorization!.Parameter;
            r.RequestUri = new Uri("http://localhost/api/v1/exchange/organizations?page=1&pageSize=100");
        };
        var response = await http.GetAsync("/api/v1/exchange/organizations?page=1&pageSize=5");
        var text = await response.Content.ReadAsStringAsync();
        // What the server would have expected for the altered query: never echoed back.
        var timestamp = long.Parse(sent!.Split("Timestamp=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
        var nonce = sent.Split("Nonce=")[1].Split(',')[0];
        var expected = SignedRequests.Hex(SignedRequests.Hmac(c.Algorithm, c.Secret, SignedRequests.StringToSign("GET",
            "/api/v1/exchange/organizations?page=1&pageSize=100", timestamp, nonce, SignedRequests.Hex(SignedRequests.Hash(c.Algorithm, [])))));
        Assert.DoesNotContain(expected, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(c.Secret, text, StringComparison.Ordinal);
        await AssertRejectedAsync(response, c.KeyId, "bad-signature", "签名不正确");
    }

    [Fact]
    public async Task TamperedPath_IsRefused()
    {
        var c = await RegisterAsync();
        var (http, signer) = Signed(c);
        signer.AfterSigning = r => r.RequestUri = new Uri("http://localhost" + ClientMe);
        await AssertRejectedAsync(await http.GetAsync("/api/v1/exchange/organizations"), c.KeyId, "bad-signature", "签名不正确");
    }

    [Fact]
    public async Task WrongSecret_IsRefused()
    {
        var c = await RegisterAsync();
        var (http, _) = Signed(c, secret: System.Buffers.Text.Base64Url.EncodeToString(new byte[32]));
        await AssertRejectedAsync(await http.GetAsync(ClientMe), c.KeyId, "bad-signature", "签名不正确");
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86400)]
    public async Task TimestampOutsideTheWindow_IsRefused(int offsetSeconds)
    {
        var c = await RegisterAsync();
        var (http, signer) = Signed(c);
        signer.Clock = () => DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds;
        await AssertRejectedAsync(await http.GetAsync(ClientMe), c.KeyId, "stale-timestamp", "Timestamp");
    }

    [Fact]
    public async Task ReplayedRequest_IsRefused_EvenOnAnotherInstance()
    {
        var c = await RegisterAsync();
        var (http, signer) = Signed(c);
        AuthenticationHeaderValue? captured = null;
        signer.AfterSigning = r => captured = r.Headers.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(ClientMe)).StatusCode);

        // The very same request, captured on the wire and sent again to a second instance behind the load balancer.
        using var second = ChuanyuFactory.OnSameDatabase(factory.Database);
        var replay = second.CreateClient();
        replay.DefaultRequestHeaders.Authorization = captured;
        var response = await replay.GetAsync(ClientMe);
        var problem = await response.AssertProblemAsync(401);
        Assert.Contains("Nonce", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // And a fresh signature that reuses the nonce is refused on the first instance too.
        var nonce = captured!.Parameter!.Split("Nonce=")[1].Split(',')[0];
        signer.NewNonce = () => nonce;
        signer.AfterSigning = null;
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(ClientMe)).StatusCode);

        var rows = await AuditForAsync(c.KeyId);
        Assert.Single(rows, r => r.Action == "api-client.call");
        Assert.Equal(2, rows.Count(r => r.Action == "api-client.auth" && r.Detail!.StartsWith("replayed-nonce:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RevokedClient_IsRefusedAtOnce()
    {
        var c = await RegisterAsync();
        var (http, _) = Signed(c);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(ClientMe)).StatusCode);

        var admin = await factory.ApiClientAsync(Demo.SecurityAdmin);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/api-clients/{c.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/api-clients/{c.Id}")).StatusCode); // twice: no change
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/admin/api-clients/{Guid.NewGuid()}")).StatusCode);

        var response = await http.GetAsync(ClientMe);
        var problem = await response.AssertProblemAsync(401);
        Assert.Contains("吊销", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var rows = await AuditForAsync(c.KeyId);
        Assert.Single(rows, r => r.Action == "api-client.revoke");
        Assert.Single(rows, r => r.Action == "api-client.call"); // the call before revocation only
        Assert.StartsWith("revoked:", rows.Single(r => r.Action == "api-client.auth").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownKey_IsRefused()
    {
        var c = await RegisterAsync();
        const string unknown = "ck_000000000000000000000000";
        var (http, _) = Signed(c, keyId: unknown);
        await AssertRejectedAsync(await http.GetAsync(ClientMe), unknown, "unknown-key", "KeyId");
    }

    [Fact]
    public async Task AlgorithmOtherThanTheClients_IsRefused()
    {
        var c = await RegisterAsync();
        var (http, _) = Signed(c, algorithm: SignedRequests.HmacSha256);
        await AssertRejectedAsync(await http.GetAsync(ClientMe), c.KeyId, "algorithm-mismatch", "CHUANYU-HMAC-SM3");
    }

    [Theory]
    [InlineData("Signature")]
    [InlineData("Nonce")]
    [InlineData("Timestamp")]
    [InlineData("ContentHash")]
    public async Task MissingSignatureParameter_IsRefused(string parameter)
    {
        var c = await RegisterAsync();
        var (http, signer) = Signed(c);
        signer.AfterSigning = r => r.Headers.Authorization = new AuthenticationHeaderValue(r.Headers.Authorization!.Scheme,
            string.Join(", ", r.Headers.Authorization.Parameter!.Split(", ").Where(p => !p.StartsWith(parameter + "=", StringComparison.Ordinal))));
        var response = await http.GetAsync(ClientMe);
        var problem = await response.AssertProblemAsync(401);
        Assert.Contains(parameter, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var rows = await AuditForAsync(c.KeyId);
        Assert.DoesNotContain(rows, r => r.Action == "api-client.call");
    }

    [Fact]
    public async Task NoAuthorizationHeader_IsRefusedWithAProblem()
    {
        var response = await factory.CreateClient().GetAsync(ClientMe);
        var problem = await response.AssertProblemAsync(401);
        Assert.Contains("CHUANYU-HMAC-SM3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("CHUANYU-HMAC-SM3", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/v1/exchange/organizations")).StatusCode);
    }

    [Fact]
    public async Task ScopeNotGranted_IsForbidden()
    {
        var c = await RegisterAsync([ApiScopes.CatalogueRead]);
        var (http, _) = Signed(c);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(ClientMe)).StatusCode);
        await (await http.GetAsync("/api/v1/exchange/organizations")).AssertProblemAsync(403);
    }

    [Fact]
    public async Task PeopleCannotUseClientEndpoints_AndClientsCannotUsePeoplesOrAdminEndpoints()
    {
        // A person's bearer token and a person's cookie do not make a client.
        var person = await factory.ApiClientAsync(Demo.SecurityAdmin);
        Assert.Equal(HttpStatusCode.Unauthorized, (await person.GetAsync(ClientMe)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await person.GetAsync("/api/v1/exchange/organizations")).StatusCode);
        var browser = new PageSession(factory);
        await browser.SignInAsync(Demo.Engineer);
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Client.GetAsync(ClientMe)).StatusCode);

        // A client is authenticated, but it is no person and holds no role.
        var c = await RegisterAsync(ApiScopes.All.ToArray());
        var (http, _) = Signed(c);
        foreach (var url in new[] { "/api/v1/me", "/api/v1/me/sessions", "/api/v1/me/personal-data", "/api/v1/admin/api-clients", "/api/v1/admin/audit/verification", "/api/v1/admin/outbox" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(url)).StatusCode);
        }
        var target = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == Demo.Engineer).Select(u => u.Id).FirstAsync());
        await (await http.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = target, role = "Expert" })).AssertProblemAsync(403);
        await (await http.PostAsJsonAsync("/api/v1/admin/api-clients", new { name = "自己造的客户端", scopes = new[] { ApiScopes.ExchangeWrite } })).AssertProblemAsync(403);
        Assert.False(await factory.WithDbAsync(db => db.RoleGrants.AnyAsync(g => g.UserId == target && g.Role == Chuanyu.Web.Infrastructure.PlatformRole.Expert)));
        Assert.False(await factory.WithDbAsync(db => db.Set<ApiClient>().AnyAsync(x => x.Name == "自己造的客户端")));
        // Anonymous endpoints still answer, as they would anyone.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/regions")).StatusCode);
    }

    [Theory]
    [InlineData(Demo.SystemAdmin)]
    [InlineData(Demo.AuditAdmin)]
    [InlineData(Demo.ScuResearcher)]
    public async Task OnlyTheSecurityAdministrator_ManagesClients(string email)
    {
        var c = await RegisterAsync();
        var other = await factory.ApiClientAsync(email);
        var name = "越权创建 " + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync("/api/v1/admin/api-clients", new { name, scopes = new[] { ApiScopes.OrganizationsRead } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/v1/admin/api-clients")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync($"/api/v1/admin/api-clients/{c.Id}")).StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Set<ApiClient>().AnyAsync(x => x.Name == name)));
        Assert.Null((await factory.WithDbAsync(db => db.Set<ApiClient>().FirstAsync(x => x.Id == c.Id))).RevokedAt);

        var page = new PageSession(factory);
        await page.SignInAsync(email);
        var response = await page.Client.GetAsync("/Admin/ApiClients");
        Assert.StartsWith("/Accounts/AccessDenied", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ValidatesItsInput_AndNeverShowsTheSecretAgain()
    {
        var admin = await factory.ApiClientAsync(Demo.SecurityAdmin);
        await (await admin.PostAsJsonAsync("/api/v1/admin/api-clients", new { name = " ", scopes = new[] { ApiScopes.OrganizationsRead } })).AssertFieldErrorAsync("name");
        await (await admin.PostAsJsonAsync("/api/v1/admin/api-clients", new { name = new string('长', 101), scopes = new[] { ApiScopes.OrganizationsRead } })).AssertFieldErrorAsync("name");
        await (await admin.PostAsJsonAsync("/api/v1/admin/api-clients", new { name = "无范围", scopes = Array.Empty<string>() })).AssertFieldErrorAsync("scopes");
        await (await admin.PostAsJsonAsync("/api/v1/admin/api-clients", new { name = "未知范围", scopes = new List<string> { "users.delete" } })).AssertFieldErrorAsync("scopes");
        await (await admin.PostAsJsonAsync("/api/v1/admin/api-clients", new { name = "无此单位", organizationId = Guid.NewGuid(), scopes = new[] { ApiScopes.OrganizationsRead } })).AssertFieldErrorAsync("organizationId");
        Assert.False(await factory.WithDbAsync(db => db.Set<ApiClient>().AnyAsync(x => x.Name == "无范围" || x.Name == "未知范围" || x.Name == "无此单位")));

        var c = await RegisterAsync();
        var stored = await factory.WithDbAsync(db => db.Set<ApiClient>().AsNoTracking().FirstAsync(x => x.Id == c.Id));
        Assert.StartsWith("v1:sm4gcm:", stored.SecretProtected, StringComparison.Ordinal);
        Assert.DoesNotContain(c.Secret, stored.SecretProtected, StringComparison.Ordinal);
        var list = await admin.GetStringAsync("/api/v1/admin/api-clients");
        var one = await admin.GetStringAsync($"/api/v1/admin/api-clients/{c.Id}");
        Assert.Contains(c.KeyId, list, StringComparison.Ordinal);
        Assert.Contains(c.KeyId, one, StringComparison.Ordinal);
        Assert.DoesNotContain(c.Secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(c.Secret, one, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", list, StringComparison.OrdinalIgnoreCase);
        var created = Assert.Single(await AuditForAsync(c.KeyId), r => r.Action == "api-client.create");
        Assert.NotNull(created.ActorId);
        Assert.DoesNotContain(c.Secret, created.Detail!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCreatedUnderTheInternationalSuite_KeepsWorkingAfterSwitchingToSm()
    {
        using var international = ChuanyuFactory.OnSameDatabase(factory.Database, new Dictionary<string, string> { ["Crypto:Suite"] = "International" });
        var c = await RegisterAsync(international);
        Assert.Equal(RequestSignature.HmacSha256, c.Algorithm);
        Assert.StartsWith("v1:aes256gcm:", (await factory.WithDbAsync(db => db.Set<ApiClient>().FirstAsync(x => x.Id == c.Id))).SecretProtected, StringComparison.Ordinal);

        // The default factory runs the 国密 suite: the client keeps its algorithm and its secret stays readable.
        var (http, _) = Signed(factory, c);
        var me = await (await http.GetAsync(ClientMe)).ReadJsonAsync();
        Assert.Equal(RequestSignature.HmacSha256, me.GetProperty("algorithm").GetString());
        var (sm3Signed, _) = Signed(factory, c, algorithm: SignedRequests.HmacSm3);
        Assert.Equal(HttpStatusCode.Unauthorized, (await sm3Signed.GetAsync(ClientMe)).StatusCode);
        // New clients under SM get HMAC-SM3.
        Assert.Equal(RequestSignature.HmacSm3, (await RegisterAsync()).Algorithm);
    }

    [Fact]
    public async Task SecurityAdmin_CreatesAClientOnThePage_SeesTheSecretOnce_AndRevokesIt()
    {
        var page = new PageSession(factory);
        await page.SignInAsync(Demo.SecurityAdmin);
        var (list, listDoc) = await page.GetAsync("/Admin/ApiClients");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.NotNull(listDoc.QuerySelector("a[href='/Admin/ApiClients']")); // the navigation link

        var name = "仪器共享系统 " + Guid.NewGuid().ToString("N")[..6];
        var created = await page.SubmitAsync("/Admin/ApiClients",
            new Dictionary<string, string> { ["Input.Name"] = name, ["Input.CreditCode"] = "", ["Input.Scopes"] = ApiScopes.OrganizationsRead },
            "form[data-testid=create]");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("no-store", created.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var doc = new HtmlParser().ParseDocument(await created.Content.ReadAsStringAsync());
        Assert.Contains("仅显示一次", doc.QuerySelector("[data-testid=created]")!.TextContent, StringComparison.Ordinal);
        var keyId = doc.QuerySelector("[data-testid=created-key-id]")!.TextContent.Trim();
        var secret = doc.QuerySelector("[data-testid=created-secret]")!.TextContent.Trim();

        // The secret works, and the page never shows it again.
        var c = new Registered(Guid.Empty, keyId, secret, RequestSignature.HmacSm3);
        var (http, _) = Signed(c);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(ClientMe)).StatusCode);
        var (_, again) = await page.GetAsync("/Admin/ApiClients");
        Assert.DoesNotContain(secret, again.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Null(again.QuerySelector("[data-testid=created]"));
        var row = again.QuerySelector($"tr[data-key-id='{keyId}']")!;
        Assert.Contains(name, row.TextContent, StringComparison.Ordinal);
        Assert.Contains(RequestSignature.HmacSm3, row.TextContent, StringComparison.Ordinal);

        // Invalid input is reported on the form, and nothing is created.
        var invalid = await page.SubmitAsync("/Admin/ApiClients",
            new Dictionary<string, string> { ["Input.Name"] = "无范围客户端", ["Input.CreditCode"] = "91500000000000000X" }, "form[data-testid=create]");
        var invalidDoc = new HtmlParser().ParseDocument(await invalid.Content.ReadAsStringAsync());
        Assert.NotNull(invalidDoc.QuerySelector("#Input_CreditCode.is-invalid"));
        Assert.Null(invalidDoc.QuerySelector("#Input_Name.is-invalid"));
        Assert.False(string.IsNullOrWhiteSpace(invalidDoc.QuerySelector("[data-testid=error-scopes]")!.TextContent));
        Assert.Null(invalidDoc.QuerySelector("[data-testid=created]"));
        Assert.False(await factory.WithDbAsync(db => db.Set<ApiClient>().AnyAsync(x => x.Name == "无范围客户端")));

        // Revoking needs the confirmation box.
        var unconfirmed = await page.SubmitAsync("/Admin/ApiClients", new Dictionary<string, string>(), $"form[data-testid=revoke-{keyId}]");
        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.NotNull(new HtmlParser().ParseDocument(await unconfirmed.Content.ReadAsStringAsync()).QuerySelector("[data-testid=revoke-problem]"));
        Assert.Null(await factory.WithDbAsync(db => db.Set<ApiClient>().Where(x => x.KeyId == keyId).Select(x => x.RevokedAt).FirstAsync()));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(ClientMe)).StatusCode);

        var confirmed = await page.SubmitAsync("/Admin/ApiClients", new Dictionary<string, string> { ["confirm"] = "true" }, $"form[data-testid=revoke-{keyId}]");
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        var after = await page.FollowAsync(confirmed);
        Assert.NotNull(after.QuerySelector($"tr[data-key-id='{keyId}'] [data-testid=revoked]"));
        Assert.NotNull(await factory.WithDbAsync(db => db.Set<ApiClient>().Where(x => x.KeyId == keyId).Select(x => x.RevokedAt).FirstAsync()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(ClientMe)).StatusCode);
        var audit = await AuditForAsync(keyId);
        Assert.Single(audit, r => r.Action == "api-client.create");
        Assert.Single(audit, r => r.Action == "api-client.revoke");
    }
}

/// <summary>
/// Over real sockets (Kestrel, not the in-memory test server) the platform signs the raw request target it received,
/// which is what a client behind no proxy, or behind one that passes the target unchanged, signs too.
/// </summary>
public sealed class SignedRequestsOnKestrelTests : IDisposable
{
    private readonly ChuanyuFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task SignedRequest_OverKestrel_VerifiesTheRawRequestTarget()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = new Uri(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal)));

        using var admin = new HttpClient { BaseAddress = address };
        var login = await (await admin.PostAsJsonAsync("/api/v1/auth/login", new { email = Demo.SecurityAdmin, password = Chuanyu.Web.Seeding.DemoData.Password })).ReadJsonAsync();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("accessToken").GetString());
        var created = await (await admin.PostAsJsonAsync("/api/v1/admin/api-clients", new { name = "Kestrel 上的客户端", scopes = new List<string> { ApiScopes.OrganizationsRead } })).ReadJsonAsync();
        var keyId = created.GetProperty("client").GetProperty("keyId").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;

        var signer = new SignedRequests(keyId, secret) { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(signer) { BaseAddress = address };
        const string target = "/api/v1/exchange/organizations?page=1&pageSize=2&tag=%E6%89%AB%E6%8F%8F%20x~";
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(target)).StatusCode);
        using var withBody = new HttpRequestMessage(HttpMethod.Get, "/api/v1/clients/me") { Content = JsonContent.Create(new { note = "Kestrel" }) };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(withBody)).StatusCode);
        // Kestrel decodes "%3b" to ";" in the path; the signature still holds because the target is checked as sent
        // (the request is authenticated and audited as a call, then finds no endpoint).
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/clients/x%3by")).StatusCode);

        signer.AfterSigning = r => r.RequestUri = new Uri(address, target.Replace("pageSize=2", "pageSize=3", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(target)).StatusCode);

        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Chuanyu.Web.Data.AppDbContext>();
        var details = await db.AuditEntries.Where(e => e.Target == keyId && e.Action.StartsWith("api-client.")).OrderBy(e => e.Seq).Select(e => e.Detail).ToListAsync();
        Assert.Equal($"GET {target}", details[1]);
        Assert.Equal("GET /api/v1/clients/me", details[2]);
        Assert.Equal("GET /api/v1/clients/x%3by", details[3]);
        Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.Target == keyId && e.Action == "api-client.call"));
        Assert.StartsWith("bad-signature: GET /api/v1/exchange/organizations?page=1&pageSize=3", details[^1], StringComparison.Ordinal);
    }
}

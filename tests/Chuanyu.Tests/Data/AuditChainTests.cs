using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Data;

/// <summary>Each test gets its own database: tampering must not leak into other tests' chains.</summary>
public sealed class AuditChainTests : IDisposable
{
    private readonly ChuanyuFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<long> AppendAsync(int count)
    {
        using var scope = _factory.Services.CreateScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        for (var i = 0; i < count; i++)
        {
            await audit.RecordAsync("test.event", $"thing:{i}", detail: $"第 {i} 条");
        }
        return await _factory.WithDbAsync(db => db.AuditEntries.MaxAsync(e => e.Seq));
    }

    [Fact]
    public async Task Verify_UntouchedChain_IsIntact()
    {
        var last = await AppendAsync(5);
        var result = await _factory.WithDbAsync(db => AuditLog.VerifyAsync(db));
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(last, result.RowsChecked);
    }

    [Fact]
    public async Task Verify_ChangedRow_ReportsThatRow()
    {
        var last = await AppendAsync(4);
        var victim = last - 2;
        await _factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE audit_entries SET detail = 'rewritten' WHERE seq = {victim}"));

        var result = await _factory.WithDbAsync(db => AuditLog.VerifyAsync(db));
        Assert.False(result.Intact);
        Assert.Equal(victim, result.FirstBrokenSeq);
        Assert.Contains("hash", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RecomputedHashOnChangedRow_BreaksTheNextLink()
    {
        // A forger who also recomputes the row's own hash still breaks the next row's link.
        var last = await AppendAsync(4);
        var victim = last - 2;
        await _factory.WithDbAsync(async db =>
        {
            var row = await db.AuditEntries.FirstAsync(e => e.Seq == victim);
            row.Detail = "forged";
            row.Hash = AuditLog.ComputeHash(row);
            return await db.SaveChangesAsync();
        });
        var result = await _factory.WithDbAsync(db => AuditLog.VerifyAsync(db));
        Assert.False(result.Intact);
        Assert.Equal(victim + 1, result.FirstBrokenSeq);
    }

    [Fact]
    public async Task Verify_DeletedRow_ReportsTheGap()
    {
        var last = await AppendAsync(4);
        var victim = last - 1;
        await _factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM audit_entries WHERE seq = {victim}"));

        var result = await _factory.WithDbAsync(db => AuditLog.VerifyAsync(db));
        Assert.False(result.Intact);
        Assert.Equal(victim, result.FirstBrokenSeq);
        Assert.Contains("missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_ConcurrentWriters_KeepOneUnbrokenChain()
    {
        var before = await _factory.WithDbAsync(db => db.AuditEntries.CountAsync());
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => AppendAsync(5))));
        var result = await _factory.WithDbAsync(db => AuditLog.VerifyAsync(db));
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(before + 40, result.RowsChecked);
    }

    [Fact]
    public async Task SignIn_WritesSuccessAndFailureRows()
    {
        var client = _factory.CreateClient();
        await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(client, "/api/v1/auth/login", new { email = Demo.AuditAdmin, password = "wrong-Passw0rd" });
        await _factory.ApiClientAsync(Demo.AuditAdmin);
        var rows = await _factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "auth.login" && e.ActorName == Demo.AuditAdmin)
            .Select(e => e.Outcome).ToListAsync());
        Assert.Contains(AuditOutcome.Failure, rows);
        Assert.Contains(AuditOutcome.Success, rows);
    }
}

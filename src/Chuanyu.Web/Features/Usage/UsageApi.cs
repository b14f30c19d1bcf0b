using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Usage;

/// <summary>
/// What instruments were used for, over HTTP: organisations' monthly usage statements and the outputs registered for an
/// instrument. The OpenAPI tags stay those the endpoints had before the feature had a folder of its own.
/// </summary>
public static class UsageApi
{
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddScoped<UsageStatements>();
        services.AddScoped<AchievementService>();
        return services;
    }

    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/organizations/{id:guid}/usage-statement", async (Guid id, string? month, StatementSide? side, UsageStatements statements, CancellationToken ct) =>
            {
                var (statement, result) = await statements.GetAsync(id, month, side ?? StatementSide.User, ct);
                return statement is null ? ApiResults.ToHttp(result) : Results.Ok(statement);
            })
            .RequireAuthorization(Policies.SignedIn).WithTags("Booking")
            .WithSummary("An organisation's monthly usage statement (month=yyyy-MM, side=User|Owner): uses, hours, fees, no-show and late-cancellation fees.");
        app.MapGet("/api/v1/organizations/{id:guid}/usage-statement.xlsx", async (Guid id, string? month, StatementSide? side, UsageStatements statements, CancellationToken ct) =>
            {
                var (statement, result) = await statements.GetAsync(id, month, side ?? StatementSide.User, ct);
                return statement is null ? ApiResults.ToHttp(result)
                    : Results.File(UsageStatements.ToXlsx(statement), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        $"usage-statement-{statement.Month}-{(statement.Side == StatementSide.User ? "user" : "owner")}.xlsx");
            })
            .RequireAuthorization(Policies.SignedIn).WithTags("Booking").WithSummary("The same statement as an .xlsx workbook.");

        var achievements = app.MapGroup("/api/v1/instruments/{id:guid}/achievements").WithTags("Evaluation").RequireAuthorization(Policies.SignedIn);
        achievements.MapGet("/", async (Guid id, int? year, AchievementService service, CancellationToken ct) =>
                ApiResults.Respond(await service.ListAsync(id, year, ct)))
            .WithSummary("Results and function developments registered for the instrument (its managers and the region's admins).");
        achievements.MapPost("/", async (Guid id, AchievementInput input, AchievementService service, CancellationToken ct) =>
            {
                var (created, result) = await service.AddAsync(id, input, ct);
                return created is null ? ApiResults.ToHttp(result) : Results.Created($"/api/v1/instruments/{id}/achievements/{created.Id}", created);
            })
            .WithSummary("Register a result (Paper, Patent, Award, Project, Standard) or a FunctionDevelopment.");
        achievements.MapDelete("/{achievementId:guid}", async (Guid id, Guid achievementId, AchievementService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.RemoveAsync(id, achievementId, ct)));
        return app;
    }
}

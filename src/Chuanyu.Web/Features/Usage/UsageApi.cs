using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.OpenApi;

namespace Chuanyu.Web.Features.Usage;

/// <summary>
/// What instruments were used for, over HTTP: organisations' monthly usage statements and the outputs registered for an
/// instrument. The OpenAPI tags stay those the endpoints had before the feature had a folder of its own.
/// </summary>
public static class UsageApi
{
    /// <summary>Endpoint names (WithName): links and Location headers are generated from them, not typed.</summary>
    public const string StatementXlsxEndpoint = "GetUsageStatementXlsx";
    public const string OutputEndpoint = "DeleteInstrumentAchievement";

    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddScoped<UsageStatements>();
        services.AddScoped<InstrumentOutputService>();
        services.AddScoped<UsageLog>();
        services.AddScoped<UsageDirectory>();
        // The instrument outputs were called achievements until "Achievement" went to research results (科技成果); the
        // API describes them under their old schema names, so the document and the clients generated from it stay as
        // they were.
        services.PostConfigure<OpenApiOptions>("v1", o =>
        {
            var named = o.CreateSchemaReferenceId;
            o.CreateSchemaReferenceId = type => (Nullable.GetUnderlyingType(type.Type) ?? type.Type) switch
            {
                var t when t == typeof(InstrumentOutputInput) => "AchievementInput",
                var t when t == typeof(InstrumentOutputKind) => "AchievementKind",
                _ => named(type),
            };
        });
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
            .RequireAuthorization(Policies.SignedIn).WithTags("Booking").WithName(StatementXlsxEndpoint).WithSummary("The same statement as an .xlsx workbook.");

        var outputs = app.MapGroup("/api/v1/instruments/{id:guid}/achievements").WithTags("Evaluation").RequireAuthorization(Policies.SignedIn);
        outputs.MapGet("/", async (Guid id, int? year, InstrumentOutputService service, CancellationToken ct) =>
                ApiResults.Respond(await service.ListAsync(id, year, ct)))
            .WithSummary("Results and function developments registered for the instrument (its managers and the region's admins).");
        outputs.MapPost("/", async (Guid id, InstrumentOutputInput input, InstrumentOutputService service, LinkGenerator links, HttpContext context, CancellationToken ct) =>
            {
                var (created, result) = await service.AddAsync(id, input, ct);
                return created is null ? ApiResults.ToHttp(result)
                    : Results.Created(links.EndpointPath(context, OutputEndpoint, new { id, achievementId = created.Id }), created);
            })
            .WithSummary("Register a result (Paper, Patent, Award, Project, Standard) or a FunctionDevelopment.");
        outputs.MapDelete("/{achievementId:guid}", async (Guid id, Guid achievementId, InstrumentOutputService service, CancellationToken ct) =>
            ApiResults.ToHttp(await service.RemoveAsync(id, achievementId, ct))).WithName(OutputEndpoint);
        return app;
    }
}

using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>The catalogue's API problems where the kernel's ones need a word more.</summary>
internal static class CatalogProblems
{
    /// <summary>
    /// The problem with the catalogue's own title instead of the status's (the uploads' "file too large", the import's
    /// "nothing was imported"), said in the request's language like the rest of it.
    /// </summary>
    public static ProblemHttpResult Titled(this ProblemHttpResult problem, Message title)
    {
        problem.ProblemDetails.Title = title.ToString();
        return problem;
    }

    /// <summary>400 naming one field with its reason.</summary>
    public static ValidationProblem Field(string field, Message reason)
    {
        var errors = new FieldErrors();
        errors.Add(field, reason);
        return ApiProblem.Validation(errors);
    }
}

using Microsoft.AspNetCore.Mvc;

namespace Webhooks.Functions;

/// <summary>
/// The result of an HTTP function whose handler already wrote status, headers and body to the HttpContext.
/// </summary>
/// <remarks>
/// Returning <c>IActionResult</c> keeps the standard HTTP output binding in the generated metadata; the worker then
/// executes this result, and <see cref="EmptyResult"/> writes nothing over the handler's response.
/// </remarks>
internal static class HandlerWroteResponse
{
    /// <summary>A result that leaves the response untouched.</summary>
    public static readonly IActionResult Instance = new EmptyResult();
}

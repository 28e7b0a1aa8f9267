namespace Webhooks.Storage;

/// <summary>
/// The List Queues / List Blobs paging loop: follows <c>NextMarker</c> until the service says there is no more.
/// </summary>
internal static class StorageListing
{
    /// <summary>Every name from every page of a list operation.</summary>
    /// <param name="pipeline">Sends the requests.</param>
    /// <param name="newRequest">A fresh list request without paging parameters (e.g. <c>?comp=list</c>).</param>
    /// <param name="prefix">Only names starting with this, when given.</param>
    /// <param name="pageSize"><c>maxresults</c>, when given.</param>
    /// <param name="readPage">Reads one page's names and its next marker.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public static async Task<IReadOnlyList<string>> ReadAllNamesAsync(
        StoragePipeline pipeline,
        Func<StorageRequest> newRequest,
        string? prefix,
        int? pageSize,
        Func<StorageResponse, (IReadOnlyList<string> Names, string? NextMarker)> readPage,
        CancellationToken cancellationToken)
    {
        var names = new List<string>();
        string? marker = null;
        do
        {
            var request = newRequest();
            if (!string.IsNullOrEmpty(prefix))
            {
                request.WithQuery("prefix", prefix);
            }

            if (pageSize is { } size)
            {
                request.WithQuery("maxresults", size);
            }

            if (marker is not null)
            {
                request.WithQuery("marker", marker);
            }

            var response = await pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var (page, next) = readPage(response);
            names.AddRange(page);
            marker = next;
        }
        while (marker is not null);

        return names;
    }
}

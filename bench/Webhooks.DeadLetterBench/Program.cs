using System.Diagnostics;
using System.Globalization;
using Webhooks.AzureStorage;
using Webhooks.Configuration;
using Webhooks.DeadLetters;
using Webhooks.Envelopes;
using Webhooks.Testing.Azurite;

// Usage: dotnet run -c Release --project bench/Webhooks.DeadLetterBench -- [records=100000] [replay=10000] [rate=500]
// Starts its own Azurite on free loopback ports, seeds the index in entity group transactions of 99, then times the
// operators' reads and a paced replay by filter. Not a timed test: it prints what it measured.
var records = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var replayCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
var rate = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 500;
const int Sources = 20;

await using var azurite = new AzuriteFixture();
await azurite.StartAsync();
var names = new QueueNamesOptions { Deliveries = "bench-deliveries", DeadLetter = "bench-deadletter" };
var storage = new WebhookStorage(azurite.Connection, new WebhooksOptions { Queues = names });
var queues = new WebhookQueues(storage.Queues, names);
await queues.EnsureCreatedAsync();
var storeOptions = new DeadLetterStoreOptions();
var store = DeadLetterStore.Create(storage.Queues, storage.Tables, names, options: storeOptions);
var memory = new MemoryProbe();
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()} (1, 5, 15 min; running/all; last pid)");
Console.WriteLine($"store: replay concurrency {storeOptions.ReplayConcurrency}, import interval {storeOptions.ImportInterval.TotalSeconds:F0} s; every time below is one call, cold unless marked");

var at = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
var seed = Stopwatch.StartNew();
var perSource = records / Sources;
var seeded = 0;
await Parallel.ForEachAsync(Enumerable.Range(0, Sources), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (s, ct) =>
{
    for (var start = 0; start < perSource; start += 99)
    {
        var batch = Enumerable.Range(start, Math.Min(99, perSource - start)).Select(i => Record(s, i)).ToList();
        await store.WriteBatchAsync(batch, ct);
        if (Interlocked.Add(ref seeded, batch.Count) % 9_900 < batch.Count)
        {
            Console.WriteLine($"  seeded {Volatile.Read(ref seeded):N0} at {seed.Elapsed.TotalSeconds:F0} s");
        }
    }
});
memory.Sample();
Console.WriteLine($"seeded {records:N0} records in {seed.Elapsed.TotalSeconds:F1} s ({records / seed.Elapsed.TotalSeconds:N0}/s)");

// Azurite keeps tables in LokiJS and, while they changed, writes the whole database to disk every 5 s, blocking
// every request while it serialises (seconds at 100,000 records). Real Table storage has no such pause; reads timed
// right after seeding would measure that save. So the reads start once it is done; the replay below still meets it.
var seededAt = DateTime.UtcNow;
var tableDb = new FileInfo(Path.Combine(azurite.Location, "__azurite_db_table__.json"));
var saving = new FileInfo(tableDb.FullName + "~"); // LokiJS writes here, then renames it over the database
var waited = Stopwatch.StartNew();
do
{
    // Done when a save landed after the last seeded write, none is under way, and none followed for 10 s (twice the
    // autosave interval: the tables are clean). A save serialises in memory before it writes, unseen from here.
    await Task.Delay(TimeSpan.FromMilliseconds(500));
    tableDb.Refresh();
    saving.Refresh();
}
while ((saving.Exists || !tableDb.Exists || tableDb.LastWriteTimeUtc < seededAt || DateTime.UtcNow - tableDb.LastWriteTimeUtc < TimeSpan.FromSeconds(10))
    && waited.Elapsed < TimeSpan.FromMinutes(3));
Console.WriteLine($"waited {waited.Elapsed.TotalSeconds:F0} s for Azurite to save the seeded tables to disk ({tableDb.Length / 1048576.0:F0} MiB; its autosave blocks all requests while it runs)");
Console.WriteLine($"load average before the reads {File.ReadAllText("/proc/loadavg").Trim()}");

await Time("first page of 50 (no filter, all 20 sources merged)", () => store.PageAsync(DeadLetterFilter.None, 50), p => $"{p.Items.Count} items, total {p.Total}, hasMore {p.HasMore}");
await Time("first page of 50 again (warm)", () => store.PageAsync(DeadLetterFilter.None, 50), p => $"{p.Items.Count} items");
var first = await store.PageAsync(DeadLetterFilter.None, 50);
await Time("second page of 50 (continuation)", () => store.PageAsync(DeadLetterFilter.None, 50, first.Continuation), p => $"{p.Items.Count} items");
await Time("filtered page of 50 (source + status 503)", () => store.PageAsync(new DeadLetterFilter { Source = "source07", Status = 503 }, 50), p => $"{p.Items.Count} items, hasMore {p.HasMore}");
await Time("filtered page of 50 (status 503, every source)", () => store.PageAsync(new DeadLetterFilter { Status = 503 }, 50), p => $"{p.Items.Count} items, hasMore {p.HasMore}");
await Time("stats (counters: by source/reason/status/errorCode)", () => store.StatsAsync(), s => $"total {s.Total}, {s.BySource.Count} sources, {s.ByStatus.Count} statuses, by {s.CountedBy}");
await Time("stats for one source (counters)", () => store.StatsAsync(new DeadLetterFilter { Source = "source07" }), s => $"total {s.Total}");
await Time("get by row key (MessageId; seeding writes no id lookups)", () => store.GetAsync(first.Items[7].MessageId), e => e?.Id ?? "not found");

var replayed = 0;
var possibleDuplicates = 0;
var failures = new Dictionary<string, int>(StringComparer.Ordinal);
var replay = Stopwatch.StartNew();
var replaySelection = DeadLetterSelection.Matching(new DeadLetterFilter { Status = 500 });
string? continuation = null;
var calls = 0;
var lastReport = TimeSpan.Zero;
var progress = new InlineProgress(p =>
{
    if (replay.Elapsed - lastReport > TimeSpan.FromSeconds(5))
    {
        lastReport = replay.Elapsed;
        memory.Sample();
        Console.WriteLine($"  replay progress: {replayed + p.Completed:N0} at {replay.Elapsed.TotalSeconds:F0} s, managed heap {memory.LastHeapMiB:F1} MiB, working set {memory.LastWorkingSetMiB:F1} MiB");
    }
});
do
{
    // As the admin API runs it: bounded calls, each continuing the last.
    var left = replayCount - replayed;
    var result = await store.ReplayAsync(replaySelection, new ReplayOptions
    {
        RatePerSecond = rate,
        Budget = new DeadLetterBudget { MaxItems = Math.Min(left, 2_500), Continuation = continuation },
    }, progress);
    replayed += result.Replayed;
    possibleDuplicates += result.PossibleDuplicates;
    continuation = result.Continuation;
    calls++;
    foreach (var failed in result.Items.Where(i => i.Outcome is not ReplayOutcomes.Replayed))
    {
        var key = failed.Outcome + ": " + failed.Detail;
        failures[key] = failures.GetValueOrDefault(key) + 1;
    }

    Console.WriteLine($"  call {calls}: {result.Matched} matched, {result.Replayed} replayed, {result.Failed} failed, {result.RecordsKept} kept, {result.PossibleDuplicates} possible duplicates, at {replay.Elapsed.TotalSeconds:F0} s");
}
while (continuation is not null && replayed < replayCount);
memory.Sample();
Console.WriteLine($"replay of {replayed:N0} (status 500, rate {rate}/s) in {calls} bounded calls: {replay.Elapsed.TotalSeconds:F1} s = {replayed / replay.Elapsed.TotalSeconds:N0}/s");
foreach (var (what, count) in failures)
{
    Console.WriteLine($"  not replayed ({count}): {what}");
}

var queued = (await queues.Deliveries.GetPropertiesAsync()).Value.ApproximateMessagesCount;
Console.WriteLine($"deliveries queue holds {queued:N0} for {replayed:N0} replayed: {queued - replayed:N0} extra copies; the replay reported {possibleDuplicates:N0} possible duplicates (sends whose answer was lost); index total now {(await store.StatsAsync()).Total:N0}");
Console.WriteLine($"memory: managed heap min {memory.MinHeapMiB:F1} / max {memory.MaxHeapMiB:F1} MiB; working set min {memory.MinWorkingSetMiB:F1} / max {memory.MaxWorkingSetMiB:F1} MiB over {memory.Samples} samples");
Console.WriteLine($"load average at the end {File.ReadAllText("/proc/loadavg").Trim()}");

async Task Time<T>(string what, Func<Task<T>> run, Func<T, string> describe)
{
    var watch = Stopwatch.StartNew();
    var value = await run();
    watch.Stop();
    memory.Sample();
    Console.WriteLine($"{what}: {watch.Elapsed.TotalMilliseconds:F0} ms — {describe(value)}");
}

DeadLetterRecord Record(int source, int i)
{
    var id = $"d-{source:D2}-{i:D6}";
    var status = (i % 4) switch { 0 => 500, 1 => 503, 2 => 409, _ => 422 };
    return new DeadLetterRecord
    {
        Reason = status >= 500 ? DeadLetterReasons.RetriesExhausted : DeadLetterReasons.TargetRejected,
        DeadLetteredAt = at.AddSeconds((i * Sources) + source),
        FinalStatus = status,
        Error = status == 409 ? new TargetError { Dialect = "seed004", ErrorCode = "userEmailConflict", Message = "The email is already used" } : null,
        Envelope = new DeliveryEnvelope
        {
            Id = id,
            Source = $"source{source:D2}",
            ReceivedAt = at,
            ContentType = "application/json",
            Body = "{\"type\":\"member.created\",\"email\":\"a@example.com\",\"note\":\"a typical small webhook body of about a hundred bytes\"}"u8.ToArray(),
            Attempt = 3,
        },
    };
}

// Reports on the caller's thread, in order (Progress<T> posts to the thread pool, so lines could interleave).
internal sealed class InlineProgress(Action<DeadLetterProgress> report) : IProgress<DeadLetterProgress>
{
    public void Report(DeadLetterProgress value) => report(value);
}

internal sealed class MemoryProbe
{
    public int Samples { get; private set; }

    public double LastHeapMiB { get; private set; }

    public double LastWorkingSetMiB { get; private set; }

    public double MinHeapMiB { get; private set; } = double.MaxValue;

    public double MaxHeapMiB { get; private set; }

    public double MinWorkingSetMiB { get; private set; } = double.MaxValue;

    public double MaxWorkingSetMiB { get; private set; }

    public void Sample()
    {
        LastHeapMiB = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        using var process = Process.GetCurrentProcess();
        LastWorkingSetMiB = process.WorkingSet64 / 1048576.0;
        MinHeapMiB = Math.Min(MinHeapMiB, LastHeapMiB);
        MaxHeapMiB = Math.Max(MaxHeapMiB, LastHeapMiB);
        MinWorkingSetMiB = Math.Min(MinWorkingSetMiB, LastWorkingSetMiB);
        MaxWorkingSetMiB = Math.Max(MaxWorkingSetMiB, LastWorkingSetMiB);
        Samples++;
    }
}

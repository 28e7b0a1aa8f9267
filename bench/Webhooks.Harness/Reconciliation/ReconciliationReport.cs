using System.Globalization;
using System.Text;
using Webhooks.Harness.Reporting;
using Webhooks.Harness.Targets;

namespace Webhooks.Harness.Reconciliation;

/// <summary>The ledger of a reconciliation run: what the provider was told, what the target got, what was dead-lettered.</summary>
public sealed class ReconciliationReport
{
    /// <summary>The run's settings.</summary>
    public required ReconciliationOptions Options { get; init; }

    /// <summary>How long the whole run took.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The timeline: start, faults, drain.</summary>
    public required IReadOnlyList<string> Events { get; init; }

    /// <summary>Distinct deliveries sent.</summary>
    public int Sent { get; init; }

    /// <summary>Deliveries acknowledged with 2xx (at least once).</summary>
    public int Acknowledged { get; init; }

    /// <summary>Every intake answer by status (0 = no answer).</summary>
    public required IReadOnlyDictionary<int, int> IntakeAnswers { get; init; }

    /// <summary>Deliveries answered 503 at least once.</summary>
    public int AnsweredUnavailable { get; init; }

    /// <summary>Of those, acknowledged by a later resend.</summary>
    public int AnsweredUnavailableThenAcknowledged { get; init; }

    /// <summary>Never acknowledged, yet seen by the target or the dead-letter queue (a write landed but its answer was lost; harmless, the provider would resend).</summary>
    public int UnacknowledgedButArrived { get; init; }

    /// <summary>Acknowledged deliveries that reached the end their script demands, by script.</summary>
    public required IReadOnlyDictionary<PlanKind, PlanTally> ByPlan { get; init; }

    /// <summary>Acknowledged deliveries neither delivered with 2xx nor dead-lettered: lost.</summary>
    public required IReadOnlyList<string> Lost { get; init; }

    /// <summary>Acknowledged deliveries that ended the wrong way (dead-lettered with another reason, or delivered when they should have been dead-lettered).</summary>
    public required IReadOnlyList<string> WrongEnd { get; init; }

    /// <summary>Extra 2xx answers at the target beyond the first per delivery.</summary>
    public int DuplicateDeliveries { get; init; }

    /// <summary>Deliveries the target answered 2xx more than once.</summary>
    public int DeliveriesWithDuplicates { get; init; }

    /// <summary>Extra dead-letter records beyond the first per delivery.</summary>
    public int DuplicateDeadLetters { get; init; }

    /// <summary>The allowed number of duplicates.</summary>
    public int DuplicateBound { get; init; }

    /// <summary>Calls the target received, and those the worker abandoned (its timeout, or the kill).</summary>
    public long TargetCalls { get; init; }

    /// <summary>Calls abandoned by the caller before the answer.</summary>
    public long TargetCallsAbandoned { get; init; }

    /// <summary>Dead-letter records by reason.</summary>
    public required IReadOnlyDictionary<string, int> DeadLettersByReason { get; init; }

    /// <summary>Messages in the poison queue.</summary>
    public int Poisoned { get; init; }

    /// <summary>Messages still on the deliveries queue after draining.</summary>
    public int StillQueued { get; init; }

    /// <summary>"Unhandled exception" lines in the host's output (all incarnations).</summary>
    public int UnhandledExceptionLines { get; init; }

    /// <summary>No loss, no wrong end, duplicates within bound.</summary>
    public bool Passed => Lost.Count == 0 && WrongEnd.Count == 0 && DuplicateDeliveries + DuplicateDeadLetters <= DuplicateBound;

    internal static ReconciliationReport Create(
        ReconciliationOptions options,
        ProviderLedger ledger,
        LoopbackTarget target,
        IReadOnlyList<(string Id, string Reason)> deadLetters,
        IReadOnlyList<(string Id, string Reason)> poisoned,
        int stillQueued,
        IReadOnlyList<string> events,
        TimeSpan elapsed,
        int unhandled)
    {
        var dead = deadLetters.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Select(d => d.Reason).ToList(), StringComparer.Ordinal);
        var poison = poisoned.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var histories = target.Histories;
        var byPlan = Enum.GetValues<PlanKind>().ToDictionary(k => k, _ => new PlanTally());
        var lost = new List<string>();
        var wrong = new List<string>();
        var answers = new Dictionary<int, int>();
        int unavailable = 0, unavailableThenAcked = 0, unackedArrived = 0, duplicates = 0, withDuplicates = 0, acknowledged = 0;

        foreach (var (id, record) in ledger.Records)
        {
            var said = record.Answers;
            foreach (var status in said)
            {
                answers[status] = answers.GetValueOrDefault(status) + 1;
            }

            var successes = histories.TryGetValue(id, out var history) ? history.Successes : 0;
            var reasons = dead.TryGetValue(id, out var r) ? r : [];
            if (successes > 1)
            {
                duplicates += successes - 1;
                withDuplicates++;
            }

            if (said.Contains(503))
            {
                unavailable++;
                unavailableThenAcked += record.Acknowledged ? 1 : 0;
            }

            if (!record.Acknowledged)
            {
                unackedArrived += successes > 0 || reasons.Count > 0 ? 1 : 0;
                continue;
            }

            acknowledged++;
            var plan = DeliveryPlan.For(id, options.Seed);
            var tally = byPlan[plan.Kind];
            tally.Acknowledged++;
            var expectedReason = plan.ExpectedDeadLetterReason;
            var describe = $"{id} ({plan.Kind} {plan.FailureStatus}; intake {string.Join(',', said)}; target calls {history?.Calls ?? 0} answered {string.Join(',', history?.Completed ?? [])}; dead-letter {string.Join(',', reasons)}{(poison.Contains(id) ? "; POISONED" : string.Empty)})";
            if (expectedReason is null)
            {
                if (successes > 0)
                {
                    tally.Delivered++;
                }
                else if (reasons.Count > 0 || poison.Contains(id))
                {
                    tally.WrongEnd++;
                    wrong.Add(describe);
                }
                else
                {
                    tally.Lost++;
                    lost.Add(describe);
                }
            }
            else if (reasons.Contains(expectedReason))
            {
                tally.DeadLettered++;
                if (successes > 0)
                {
                    wrong.Add(describe);
                    tally.WrongEnd++;
                }
            }
            else if (reasons.Count > 0 || successes > 0 || poison.Contains(id))
            {
                tally.WrongEnd++;
                wrong.Add(describe);
            }
            else
            {
                tally.Lost++;
                lost.Add(describe);
            }
        }

        return new ReconciliationReport
        {
            Options = options,
            Elapsed = elapsed,
            Events = events,
            Sent = ledger.Records.Count,
            Acknowledged = acknowledged,
            IntakeAnswers = answers,
            AnsweredUnavailable = unavailable,
            AnsweredUnavailableThenAcknowledged = unavailableThenAcked,
            UnacknowledgedButArrived = unackedArrived,
            ByPlan = byPlan,
            Lost = lost,
            WrongEnd = wrong,
            DuplicateDeliveries = duplicates,
            DeliveriesWithDuplicates = withDuplicates,
            DuplicateDeadLetters = dead.Values.Sum(v => v.Count - 1),
            DuplicateBound = Math.Max(32, (int)(acknowledged * options.DuplicateBound)),
            TargetCalls = target.Calls,
            TargetCallsAbandoned = histories.Values.Sum(h => (long)h.Aborted),
            DeadLettersByReason = deadLetters.GroupBy(d => d.Reason).ToDictionary(g => g.Key, g => g.Count()),
            Poisoned = poisoned.Count,
            StillQueued = stillQueued,
            UnhandledExceptionLines = unhandled,
        };
    }

    /// <summary>The ledger as Markdown (also what the console prints).</summary>
    public string ToMarkdown(MachineFacts machine)
    {
        var o = Options;
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}")
            .AppendLine(CultureInfo.InvariantCulture, $"Settings: {o.Deliveries} deliveries, provider concurrency {o.Concurrency}, seed {o.Seed}, {o.BodyBytes}-byte bodies; worker timeout {o.WorkerTimeout.TotalSeconds} s, MaxAttempts {o.MaxAttempts}, BaseDelay {o.BaseDelay.TotalMilliseconds} ms, visibility {o.VisibilityTimeout.TotalSeconds} s; faults: {(o.RestartAzurite ? $"Azurite restart at {o.AzuriteRestartAt:P0} ({o.AzuriteDowntime.TotalSeconds} s down)" : "no Azurite restart")}, {(o.KillHost ? $"host SIGKILL at {o.KillHostAt:P0}" : "no host kill")}")
            .AppendLine(CultureInfo.InvariantCulture, $"Run time {Elapsed.TotalSeconds:F0} s.")
            .AppendLine()
            .AppendLine("Timeline:")
            .AppendLine("```");
        foreach (var line in Events)
        {
            text.AppendLine(line);
        }

        text.AppendLine("```").AppendLine();
        var summary = new MarkdownTable("ledger", "count")
            .Add("deliveries sent (distinct ids)", N(Sent))
            .Add("acknowledged (2xx)", N(Acknowledged))
            .Add("intake answers (status×count; 0 = no answer)", string.Join(' ', IntakeAnswers.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}")))
            .Add("answered 503 at least once", N(AnsweredUnavailable))
            .Add("… of which acknowledged by a later resend", N(AnsweredUnavailableThenAcknowledged))
            .Add("never acknowledged but arrived anyway (write landed, answer lost)", N(UnacknowledgedButArrived))
            .Add("target calls (abandoned by the worker: timeout or kill)", $"{N(TargetCalls)} ({N(TargetCallsAbandoned)})")
            .Add("dead letters by reason", string.Join(' ', DeadLettersByReason.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}×{d.Value}")))
            .Add("poisoned / still queued after drain", $"{N(Poisoned)} / {N(StillQueued)}")
            .Add("duplicate 2xx at the target (deliveries affected)", $"{N(DuplicateDeliveries)} ({N(DeliveriesWithDuplicates)})")
            .Add("duplicate dead-letter records", N(DuplicateDeadLetters))
            .Add("duplicates allowed", N(DuplicateBound))
            .Add("**lost** (acknowledged, neither delivered nor dead-lettered)", $"**{N(Lost.Count)}**")
            .Add("**wrong end** (wrong reason, or delivered and dead-lettered)", $"**{N(WrongEnd.Count)}**")
            .Add("host \"Unhandled exception\" lines", N(UnhandledExceptionLines));
        text.Append(summary).AppendLine();

        var plans = new MarkdownTable("script", "expected end", "acknowledged", "delivered (2xx)", "dead-lettered (right reason)", "wrong end", "lost");
        foreach (var (kind, tally) in ByPlan)
        {
            var expected = new DeliveryPlan(kind, 0, 0).ExpectedDeadLetterReason ?? "delivered";
            plans.Add(kind.ToString(), expected, N(tally.Acknowledged), N(tally.Delivered), N(tally.DeadLettered), N(tally.WrongEnd), N(tally.Lost));
        }

        text.Append(plans).AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Result: {(Passed ? "PASSED — nothing lost" : "FAILED")}.");
        foreach (var line in Lost.Take(20).Select(l => "- lost: " + l).Concat(WrongEnd.Take(20).Select(w => "- wrong end: " + w)))
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>Counts for one script.</summary>
public sealed class PlanTally
{
    /// <summary>Acknowledged deliveries with this script.</summary>
    public int Acknowledged { get; set; }

    /// <summary>Delivered with 2xx, as expected.</summary>
    public int Delivered { get; set; }

    /// <summary>Dead-lettered with the expected reason.</summary>
    public int DeadLettered { get; set; }

    /// <summary>Ended the wrong way.</summary>
    public int WrongEnd { get; set; }

    /// <summary>Lost.</summary>
    public int Lost { get; set; }
}

using Azure;
using Webhooks.AzureStorage;

namespace Webhooks.Core.Tests.AzureStorage;

/// <summary>The SDK's retries fit intake's budget, and every failure shape it produces is recognised.</summary>
public sealed class StorageBudgetTests
{
    [Theory]
    [InlineData(5)]
    [InlineData(3)]
    [InlineData(2)]
    [InlineData(1)]
    [InlineData(30)]
    public void QueueOptions_EveryTryAndPauseEndWithinTheBudget(int budgetSeconds)
    {
        var budget = TimeSpan.FromSeconds(budgetSeconds);
        var options = WebhookStorage.QueueOptions(budget);
        var retry = options.Retry;

        var worstCase = (retry.NetworkTimeout * (retry.MaxRetries + 1)) + (retry.MaxDelay * 1.25 * retry.MaxRetries);

        Assert.True(worstCase <= budget, $"{retry.MaxRetries} retries of {retry.NetworkTimeout} take up to {worstCase}, over {budget}.");
        Assert.True(retry.NetworkTimeout >= TimeSpan.FromSeconds(1) || retry.MaxRetries == 0);
        Assert.Equal(Azure.Storage.Queues.QueueMessageEncoding.Base64, options.MessageEncoding);
    }

    [Fact]
    public void BlobOptions_UseTheSameBudget()
    {
        var retry = WebhookStorage.BlobOptions(TimeSpan.FromSeconds(5)).Retry;

        Assert.Equal(2, retry.MaxRetries);
        Assert.True(retry.NetworkTimeout * 3 < TimeSpan.FromSeconds(5));
    }

    public static TheoryData<Exception> Failures() => new()
    {
        new RequestFailedException(503, "ServerBusy"),
        new RequestFailedException("Connection refused", new HttpRequestException("refused")),
        new AggregateException("Retry failed after 3 tries.", new RequestFailedException(500, "x"), new TaskCanceledException("network timeout")),
        new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:01."),
        new HttpRequestException("refused"),
        new IOException("reset"),
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsStorageFailure_EverySdkShape_IsRecognised(Exception failure)
    {
        Assert.True(StorageFailures.IsStorageFailure(failure, CancellationToken.None));
    }

    [Fact]
    public void IsStorageFailure_TheCallerCancelling_IsNotAStorageFailure()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(StorageFailures.IsStorageFailure(new OperationCanceledException(cancelled.Token), cancelled.Token));
        Assert.False(StorageFailures.IsStorageFailure(new InvalidOperationException("bug")));
    }

    [Fact]
    public void IsDefiniteRefusal_OnlyWhenTheServiceAnsweredEveryTry()
    {
        Assert.True(StorageFailures.IsDefiniteRefusal(new RequestFailedException(403, "AuthorizationFailure")));
        Assert.True(StorageFailures.IsDefiniteRefusal(new AggregateException(new RequestFailedException(500, "a"), new RequestFailedException(503, "b"))));
        Assert.False(StorageFailures.IsDefiniteRefusal(new AggregateException(new RequestFailedException(500, "a"), new TaskCanceledException())));
        Assert.False(StorageFailures.IsDefiniteRefusal(new TaskCanceledException()));
    }
}

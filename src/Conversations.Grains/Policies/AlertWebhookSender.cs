using System.Net.Http.Json;
using Conversations.Grains.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Grains.Policies;

/// <summary>
/// Delivers alerts to the configured webhook with retries (backoff 1, 2, 4, … s after the alert, up to the configured
/// attempts). Any node may send any alert; row locks with SKIP LOCKED keep two nodes from sending the same one at once.
/// </summary>
public sealed class AlertWebhookSender(AlertStore alerts, AlertSignal signal, IOptions<ConversationOptions> options, ILogger<AlertWebhookSender> logger)
    : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var url = options.Value.AlertWebhookUrl;
        if (url is null)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var woken = signal.NextAsync(stoppingToken);
                await alerts.DeliverDueAsync(options.Value.AlertWebhookMaxAttempts, alert => PostAsync(url, alert, stoppingToken), stoppingToken);
                await Task.WhenAny(woken, Task.Delay(Poll, stoppingToken));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Alert delivery round failed");
                await Task.Delay(Poll, stoppingToken);
            }
        }
    }

    private async Task<bool> PostAsync(Uri url, EmergencyAlert alert, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.PostAsJsonAsync(url, new
            {
                type = "conversations.alert",
                alert_id = alert.Id,
                conversation_id = alert.ConversationId,
                user_id = alert.UserId,
                level = alert.Level,
                category = alert.Category,
                excerpt = alert.Excerpt,
                created_at = alert.CreatedAt,
            }, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Alert {Alert} webhook answered {Status}; will retry", alert.Id, (int)response.StatusCode);
            }

            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning(e, "Alert {Alert} webhook failed; will retry", alert.Id);
            return false;
        }
    }
}

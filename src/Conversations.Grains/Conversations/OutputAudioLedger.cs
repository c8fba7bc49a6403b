namespace Conversations.Grains.Conversations;

/// <summary>How much assistant audio has been sent to the client per item, so a truncate can be clamped to what was really heard.</summary>
internal sealed class OutputAudioLedger
{
    private const int BytesPerMillisecond = 48; // PCM16 mono 24 kHz
    private const int ItemsKept = 8;
    private readonly Dictionary<string, long> _bytesByItem = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private string? _current;
    private byte[] _currentUtf8 = [];

    /// <summary>Adds <paramref name="bytes"/> of audio for the item (its id is materialised only when the item changes).</summary>
    public void Add(ReadOnlySpan<byte> itemIdUtf8, long bytes)
    {
        if (_current is null || !itemIdUtf8.SequenceEqual(_currentUtf8))
        {
            _currentUtf8 = itemIdUtf8.ToArray();
            _current = System.Text.Encoding.UTF8.GetString(itemIdUtf8);
            if (!_bytesByItem.ContainsKey(_current))
            {
                _bytesByItem[_current] = 0;
                _order.Enqueue(_current);
                if (_order.Count > ItemsKept)
                {
                    _bytesByItem.Remove(_order.Dequeue());
                }
            }
        }

        _bytesByItem[_current] += bytes;
    }

    /// <summary>The item audio was last sent for.</summary>
    public string? CurrentItem => _current;

    /// <summary>Milliseconds of audio sent for the item, or null if unknown.</summary>
    public long? SentMilliseconds(string itemId) => _bytesByItem.TryGetValue(itemId, out var bytes) ? bytes / BytesPerMillisecond : null;
}

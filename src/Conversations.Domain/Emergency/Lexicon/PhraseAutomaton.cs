namespace Conversations.Domain.Emergency.Lexicon;

/// <summary>Aho–Corasick automaton over characters: finds every occurrence of every phrase in one linear pass, no backtracking.</summary>
internal sealed class PhraseAutomaton
{
    private readonly Dictionary<char, int>[] _next;
    private readonly int[] _fail;
    private readonly int[][] _outputs; // phrase ids ending at a node, including those reached through failure links
    private readonly int[] _lengths;

    public PhraseAutomaton(IReadOnlyList<string> phrases)
    {
        var next = new List<Dictionary<char, int>> { new() };
        var outputs = new List<List<int>> { new() };
        _lengths = new int[phrases.Count];
        for (var id = 0; id < phrases.Count; id++)
        {
            var node = 0;
            foreach (var c in phrases[id])
            {
                if (!next[node].TryGetValue(c, out var child))
                {
                    child = next.Count;
                    next[node][c] = child;
                    next.Add([]);
                    outputs.Add([]);
                }

                node = child;
            }

            outputs[node].Add(id);
            _lengths[id] = phrases[id].Length;
        }

        _next = [.. next];
        _fail = new int[_next.Length];
        var queue = new Queue<int>();
        foreach (var child in _next[0].Values)
        {
            queue.Enqueue(child);
        }

        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var (c, child) in _next[node])
            {
                var f = _fail[node];
                while (f != 0 && !_next[f].ContainsKey(c))
                {
                    f = _fail[f];
                }

                _fail[child] = _next[f].TryGetValue(c, out var target) && target != child ? target : 0;
                outputs[child].AddRange(outputs[_fail[child]]);
                queue.Enqueue(child);
            }
        }

        _outputs = outputs.Select(o => o.ToArray()).ToArray();
    }

    /// <summary>Every (phrase id, start, end-exclusive) found in <paramref name="text"/>.</summary>
    public void FindAll(ReadOnlySpan<char> text, List<(int Id, int Start, int End)> found)
    {
        var node = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            int child;
            while (!_next[node].TryGetValue(c, out child) && node != 0)
            {
                node = _fail[node];
            }

            node = _next[node].TryGetValue(c, out child) ? child : 0;
            foreach (var id in _outputs[node])
            {
                found.Add((id, i + 1 - _lengths[id], i + 1));
            }
        }
    }
}

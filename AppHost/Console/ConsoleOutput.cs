namespace Conversations.AppHost.Console;

/// <summary>Line-by-line output from several processes, each line prefixed with its source's name (coloured on a terminal).</summary>
public sealed class ConsoleOutput
{
    private static readonly string[] Palette = ["\e[36m", "\e[32m", "\e[33m", "\e[35m", "\e[34m", "\e[96m", "\e[92m", "\e[93m"];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _colors = new(StringComparer.Ordinal);
    private readonly TextWriter _writer;
    private readonly bool _color;
    private int _width = 7;

    public ConsoleOutput()
        : this(System.Console.Out, !System.Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null)
    {
    }

    public ConsoleOutput(TextWriter writer, bool color)
    {
        _writer = writer;
        _color = color;
    }

    public bool UsesColor => _color;

    /// <summary>Makes room for a source name so prefixes line up.</summary>
    public void Register(string source)
    {
        lock (_gate)
        {
            _width = Math.Max(_width, source.Length);
            if (!_colors.ContainsKey(source))
            {
                _colors[source] = Palette[_colors.Count % Palette.Length];
            }
        }
    }

    /// <summary>One line from a source, e.g. a child's standard output.</summary>
    public void Line(string source, string text)
    {
        lock (_gate)
        {
            var name = source.PadRight(_width);
            if (_color)
            {
                var color = _colors.GetValueOrDefault(source, "\e[37m");
                _writer.WriteLine($"{color}{name} |\e[0m {text}");
            }
            else
            {
                _writer.WriteLine($"{name} | {text}");
            }

            _writer.Flush();
        }
    }

    /// <summary>The launcher's own message.</summary>
    public void Info(string text) => Line("apphost", text);

    public void Error(string text) => Line("apphost", _color ? $"\e[31m{text}\e[0m" : text);

    /// <summary>A block of text written as is, not prefixed (the URL banner).</summary>
    public void Block(string text)
    {
        lock (_gate)
        {
            _writer.Write(text);
            _writer.Flush();
        }
    }

    /// <summary>Bold on a terminal, plain otherwise.</summary>
    public string Bold(string text) => _color ? $"\e[1m{text}\e[0m" : text;
}

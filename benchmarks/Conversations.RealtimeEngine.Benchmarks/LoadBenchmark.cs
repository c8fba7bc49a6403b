using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Conversations.RealtimeEngine.Benchmarks;

/// <summary>
/// N concurrent spoken conversations against the engine in its own process: each session streams a microphone at
/// real-time pace (20 ms appends, silence included), speaks an utterance, listens to the whole answer, and speaks again.
/// Reports time to first audio (client-side, from <c>speech_stopped</c> to the first <c>response.output_audio.delta</c>),
/// the engine's CPU and memory, and the largest N whose p95 stays under 1 s.
/// </summary>
internal static class LoadBenchmark
{
    public static async Task RunAsync(BenchmarkOptions options)
    {
        var utterances = Utterances.Load();
        var maxSessions = options.Sessions.Max();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Engine:Recognition:MaxDecoders"] = Math.Max(4, maxSessions).ToString(CultureInfo.InvariantCulture),
            // Decoders take 0.4–1 s of CPU to load: load what the largest step will need before measuring.
            ["Engine:Recognition:WarmDecoders"] = Math.Max(4, (maxSessions / 2) + 2).ToString(CultureInfo.InvariantCulture),
            ["Engine:Recognition:Fast"] = options.Fast ? "true" : "false",
            ["Engine:SpeechThreads"] = options.SpeechThreads.ToString(CultureInfo.InvariantCulture),
        };
        await using IEngineHost engine = options.InProcess ? await InProcessEngine.StartAsync(settings) : await EngineProcess.StartAsync(settings);
        await Task.Delay(TimeSpan.FromSeconds(3));

        // Warm up: JIT, Flite voices, decoders; not measured.
        await RunStepAsync(engine, utterances, Math.Min(6, maxSessions), TimeSpan.FromSeconds(12));
        engine.TakeStageReport();
        var idle = engine.Sample();
        Console.WriteLine($"Engine {(options.InProcess ? "in this process" : "in its own process")}: {idle.ResidentBytes / 1048576.0:0} MB resident after warm-up. Cores: {Environment.ProcessorCount}. PocketSphinx {(options.Fast ? "narrow (default)" : "wide")} beams. Load average before: {LoadAverage()}.");
        Console.WriteLine();
        Console.WriteLine("| sessions | turns | TTFA p50 | TTFA p95 | TTFA max | errors | engine CPU (of all cores) | CPU per session (of one core) | engine RSS | RSS per session | load generator CPU |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var best = 0;
        foreach (var sessions in options.Sessions)
        {
            var result = await RunStepAsync(engine, utterances, sessions, options.Duration);
            var p50 = Percentile(result.Ttfa, 0.50);
            var p95 = Percentile(result.Ttfa, 0.95);
            var cpuShare = result.Cpu.TotalSeconds / result.Wall.TotalSeconds / Environment.ProcessorCount;
            var perSession = result.Cpu.TotalSeconds / result.Wall.TotalSeconds / sessions;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {sessions} | {result.Ttfa.Count} | {p50:0} ms | {p95:0} ms | {result.Ttfa.DefaultIfEmpty().Max():0} ms | {result.Errors} | {cpuShare:P0} | {perSession:P1} | {result.PeakResident / 1048576.0:0} MB | {(result.PeakResident - idle.ResidentBytes) / 1048576.0 / sessions:0.0} MB | {result.ClientCpu.TotalSeconds / result.Wall.TotalSeconds / Environment.ProcessorCount:P0} |"));
            if (engine.TakeStageReport() is { } stages)
            {
                Console.WriteLine(stages);
            }

            if (p95 < 1000 && result.Errors == 0 && result.Ttfa.Count > 0)
            {
                best = Math.Max(best, sessions);
            }
            else if (!options.AllSteps)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
        }

        Console.WriteLine();
        Console.WriteLine($"Largest N with p95 time to first audio under 1 s and no errors: {best} ({best / (double)Environment.ProcessorCount:0.#} per core). Load average after: {LoadAverage()}.");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static async Task<StepResult> RunStepAsync(IEngineHost engine, Utterances utterances, int sessions, TimeSpan duration)
    {
        var ttfa = new ConcurrentBag<double>();
        var errors = 0;
        var before = engine.Sample();
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);
        var peak = before.ResidentBytes;
        var sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, engine.Sample().ResidentBytes);
                await Task.Delay(500);
            }
        });
        var tasks = Enumerable.Range(0, sessions).Select(i => Task.Run(async () =>
        {
            try
            {
                await ConverseAsync(engine, utterances, i, ttfa, stop.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or InvalidOperationException or TimeoutException)
            {
                Interlocked.Increment(ref errors);
                Console.Error.WriteLine($"session {i}: {exception.Message}");
            }
        }));
        await Task.WhenAll(tasks);
        await sampling;
        var after = engine.Sample();
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientBefore;
        return new StepResult([.. ttfa.Order()], errors, after.Cpu - before.Cpu, clock.Elapsed, peak, clientCpu);
    }

    private static async Task ConverseAsync(IEngineHost engine, Utterances utterances, int index, ConcurrentBag<double> ttfa, CancellationToken stop)
    {
        var (model, _, _) = utterances.All[index % utterances.All.Count];
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("realtime");
        await socket.ConnectAsync(engine.RealtimeUri(model), CancellationToken.None);
        var listener = new Listener(socket, ttfa);
        var listening = Task.Run(listener.RunAsync);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));

        // Stagger the sessions' first words over eight seconds (about one conversational turn), so the step measures
        // steady state rather than every user speaking at the same instant.
        for (var i = Random.Shared.Next(400); i > 0; i--)
        {
            await SendAsync(socket, utterances.SilenceFrame, timer);
        }

        var turn = index;
        while (!stop.IsCancellationRequested)
        {
            var (_, frames, _) = utterances.All[turn++ % utterances.All.Count];
            var answered = listener.ExpectAnswer();
            foreach (var frame in frames)
            {
                await SendAsync(socket, frame, timer);
            }

            // Keep the microphone open: silence until the answer is complete, then while it plays.
            var waited = Stopwatch.StartNew();
            while (!answered.IsCompleted)
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(15))
                {
                    throw new TimeoutException("No answer within 15 s.");
                }

                await SendAsync(socket, utterances.SilenceFrame, timer);
            }

            var playback = TimeSpan.FromSeconds(await answered) + TimeSpan.FromMilliseconds(300) - waited.Elapsed;
            for (var played = TimeSpan.Zero; played < playback && !stop.IsCancellationRequested; played += TimeSpan.FromMilliseconds(20))
            {
                await SendAsync(socket, utterances.SilenceFrame, timer);
            }
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await listening;
    }

    private static async Task SendAsync(ClientWebSocket socket, byte[] frame, PeriodicTimer timer)
    {
        await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        await timer.WaitForNextTickAsync();
    }

    private static double Percentile(IReadOnlyList<double> sorted, double percentile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile * sorted.Count) - 1)];

    private sealed record StepResult(IReadOnlyList<double> Ttfa, int Errors, TimeSpan Cpu, TimeSpan Wall, long PeakResident, TimeSpan ClientCpu);

    /// <summary>Reads the session's events, looking only at their type (the engine writes it first) to stay cheap.</summary>
    private sealed class Listener(ClientWebSocket socket, ConcurrentBag<double> ttfa)
    {
        private static readonly byte[] SpeechStopped = Encoding.UTF8.GetBytes("{\"type\":\"input_audio_buffer.speech_stopped\"");
        private static readonly byte[] AudioDelta = Encoding.UTF8.GetBytes("{\"type\":\"response.output_audio.delta\"");
        private static readonly byte[] ResponseDone = Encoding.UTF8.GetBytes("{\"type\":\"response.done\"");
        private static readonly byte[] Error = Encoding.UTF8.GetBytes("{\"type\":\"error\"");
        private TaskCompletionSource<double> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _stoppedAt;
        private long _audioBytes;

        public Task<double> ExpectAnswer()
        {
            _answer = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _answer.Task;
        }

        public async Task RunAsync()
        {
            var buffer = new byte[64 * 1024];
            var length = 0;
            while (true)
            {
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                }
                catch (WebSocketException)
                {
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    if (length == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    continue;
                }

                var message = buffer.AsSpan(0, length);
                if (message.StartsWith(AudioDelta))
                {
                    var stoppedAt = Interlocked.Exchange(ref _stoppedAt, 0);
                    if (stoppedAt != 0)
                    {
                        ttfa.Add(Stopwatch.GetElapsedTime(stoppedAt).TotalMilliseconds);
                    }

                    // The base64 payload is most of the message: about 3/4 of it is audio bytes.
                    _audioBytes += (length - 200) * 3 / 4;
                }
                else if (message.StartsWith(SpeechStopped))
                {
                    _stoppedAt = Stopwatch.GetTimestamp();
                    _audioBytes = 0;
                }
                else if (message.StartsWith(ResponseDone))
                {
                    _answer.TrySetResult(_audioBytes / 48000.0);
                }
                else if (message.StartsWith(Error))
                {
                    _answer.TrySetException(new InvalidOperationException(Encoding.UTF8.GetString(message)));
                }

                length = 0;
            }
        }
    }
}

using System.Runtime.InteropServices;

namespace Conversations.RealtimeEngine.Recognition;

/// <summary>The few PocketSphinx 5prealpha / SphinxBase entry points the engine uses (Debian's libpocketsphinx3).</summary>
internal static unsafe partial class PocketSphinxNative
{
    private const string PocketSphinx = "libpocketsphinx.so.3";
    private const string SphinxBase = "libsphinxbase.so.3";

    [LibraryImport(PocketSphinx)]
    internal static partial nint ps_args();

    [LibraryImport(PocketSphinx)]
    internal static partial nint ps_init(nint config);

    [LibraryImport(PocketSphinx)]
    internal static partial int ps_free(nint decoder);

    [LibraryImport(PocketSphinx)]
    internal static partial int ps_start_utt(nint decoder);

    [LibraryImport(PocketSphinx)]
    internal static partial int ps_process_raw(nint decoder, short* data, nuint samples, int noSearch, int fullUtterance);

    [LibraryImport(PocketSphinx)]
    internal static partial int ps_end_utt(nint decoder);

    [LibraryImport(PocketSphinx)]
    internal static partial nint ps_get_hyp(nint decoder, int* bestScore);

    [LibraryImport(SphinxBase)]
    internal static partial nint cmd_ln_parse_r(nint previous, nint definitions, int argc, nint* argv, int strict);

    [LibraryImport(SphinxBase)]
    internal static partial int cmd_ln_free_r(nint config);

    [LibraryImport(SphinxBase)]
    internal static partial void err_set_logfp(nint stream);
}

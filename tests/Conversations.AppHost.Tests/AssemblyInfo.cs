// Each test starts a whole system (PostgreSQL, the engine, silos, DCP, the dashboard): one at a time on 2 cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// PostgreSQL as the 'postgres' user, /proc, signals: these tests are for Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

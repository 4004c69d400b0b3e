import Synchronization

/// How far the journal files are synced: the writer moves it after each
/// journal fsync, hook delivery (on its own thread) reads it. A hook runs
/// only for an event at or below it, so no hook ever sees a `seq` that a
/// power loss could give to another event.
public final class JournalProgress: Sendable {
    private let synced = Atomic<Int64>(0)

    public init() {}

    public var syncedSeq: Int64 { synced.load(ordering: .acquiring) }

    func advance(to seq: Int64) {
        synced.store(seq, ordering: .releasing)
    }
}

internal import CLibXML2

/// libxml2's global state (its dictionaries' random seed, the entity and
/// encoding tables, thread-local error state) is set up by `xmlInitParser`,
/// which the library otherwise calls lazily from whichever parse comes
/// first; two parses starting together on two threads could both run it.
/// Polls parse concurrently, so every entry point into libxml2 goes
/// through `ready` first: a Swift `static let` runs its initializer
/// exactly once, whatever the threads.
enum LibXML2Setup {
    static let ready: Void = xmlInitParser()
}

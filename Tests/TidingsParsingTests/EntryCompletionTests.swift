import Testing
@testable import TidingsParsing

/// Enclosure lengths as feeds write them.
@Suite struct EntryCompletionTests {
    @Test func tolerantLengths() {
        #expect(EntryCompletion.integer("12,345") == 12345)
        #expect(EntryCompletion.integer(" 123 ") == 123)
        #expect(EntryCompletion.integer("12345 bytes") == 12345)
        #expect(EntryCompletion.integer("0") == nil)
        #expect(EntryCompletion.integer("-5") == nil)
        #expect(EntryCompletion.integer("unknown") == nil)
        #expect(EntryCompletion.integer("") == nil)
        #expect(EntryCompletion.integer(nil) == nil)
        #expect(EntryCompletion.integer("99999999999999999999") == nil)  // does not fit: no length rather than a wrong one
    }
}

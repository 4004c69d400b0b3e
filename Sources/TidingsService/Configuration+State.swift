import TidingsConfiguration
import TidingsStore

extension Configuration {
    /// `stateConnection()` as the store's error: the PostgreSQL URI with its
    /// password, or nil for SQLite.
    public func stateDatabaseURL() throws(StoreError) -> String? {
        do {
            return try stateConnection()
        } catch {
            throw .notFound(error.description)
        }
    }
}

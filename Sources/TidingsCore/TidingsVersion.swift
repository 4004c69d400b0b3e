import TidingsFetching

/// The release both executables report with `--version`: the one the
/// User-Agent names (`FetchPolicy.version`), kept in one place.
public enum TidingsVersion {
    public static let string = FetchPolicy.version
}

/// The release: what both executables report with `--version` and what
/// the User-Agent names. One place, so the two cannot drift.
public enum TidingsVersion {
    public static let string = "0.6.0"
}

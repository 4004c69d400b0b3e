/// The release both executables report with `--version`.
public enum TidingsVersion {
    public static let string = "0.5.0"
}

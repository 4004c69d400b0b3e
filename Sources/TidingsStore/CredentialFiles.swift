import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a feed's secrets are read from, and the one place that writes
/// one: a password given inside a URL (`https://user:secret@host/feed`) is
/// moved out of it into `STATE/credentials/FEED.password`, mode 0600 in a
/// directory of mode 0700, and the URL is kept without it.
public enum CredentialFiles {
    /// `credential:NAME` names a systemd credential (`LoadCredential=`),
    /// read from `$CREDENTIALS_DIRECTORY` by the process that polls.
    public static let credentialPrefix = "credential:"

    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String, String)
        case noCredentialsDirectory(String)
        case empty(String)
        public var description: String {
            switch self {
            case .unreadable(let file, let why): "cannot read the secret in \(file): \(why)"
            case .noCredentialsDirectory(let name):
                "credential \(name): $CREDENTIALS_DIRECTORY is not set (LoadCredential= in the unit sets it)"
            case .empty(let file): "the secret in \(file) is empty"
            }
        }
    }

    /// The secret a reference names, without the line end a text editor
    /// or `echo` leaves.
    public static func read(_ reference: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) -> String {
        var path = reference
        if reference.hasPrefix(credentialPrefix) {
            let name = String(reference.dropFirst(credentialPrefix.count))
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                throw .noCredentialsDirectory(name)
            }
            path = directory + "/" + name
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path, String(cString: strerror(access(path, R_OK) == 0 ? EIO : errno)))
        }
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        guard !text.isEmpty else { throw .empty(path) }
        return text
    }

    /// Whether a secret file others can read (group or world bits): worth a warning.
    public static func isReadableByOthers(_ reference: String) -> Bool {
        guard !reference.hasPrefix(credentialPrefix) else { return false }
        var info = stat()
        return stat(reference, &info) == 0 && (info.st_mode & 0o077) != 0
    }

    /// A URL's user name and password, and the URL without them; nil when
    /// it has no password.
    public static func splitUserInfo(_ url: String) -> (url: String, username: String, password: String)? {
        guard var parts = URLComponents(string: url), let password = parts.password, !password.isEmpty else { return nil }
        let username = parts.user ?? ""
        parts.user = nil
        parts.password = nil
        guard let bare = parts.string else { return nil }
        return (bare, username, password)
    }

    /// Writes a feed's password to `STATE/credentials/FEED.password`
    /// (0600, replaced atomically) and returns the path.
    public static func store(password: String, feedID: String, stateDirectory: String) throws(StoreError) -> String {
        let directory = stateDirectory + "/credentials"
        try FileSystem.makeDirectory(directory)
        chmod(directory, 0o700)
        let path = directory + "/" + feedID + ".password"
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: temporary, errno: errno, message: "cannot create the credential file") }
        fchmod(fd, 0o600)
        let bytes = Array(password.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            let error = errno
            unlink(temporary)
            throw .io(path: path, errno: error, message: "cannot write the credential file")
        }
        return path
    }
}

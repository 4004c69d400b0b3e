internal import CCurl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Refuses connections to private, loopback and link-local addresses when
/// the policy asks for it. It runs in libcurl's open-socket callback, that
/// is after DNS resolution, on the address actually about to be dialled, so
/// a name that resolves to 127.0.0.1 (DNS rebinding) is caught too.
enum AddressGuard {
    static let openSocket: tdc_opensocket_callback = { context, _, address in
        guard let context, let address else { return CURL_SOCKET_BAD }
        let t = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let a = address.pointee
        if let text = refusedText(family: a.family, address: &address.pointee.addr) {
            t.refusedAddress = text
            return CURL_SOCKET_BAD
        }
        return socket(a.family, a.socktype, a.protocol)
    }

    /// The address as text when it must be refused, else nil.
    private static func refusedText(family: Int32, address: UnsafeMutablePointer<sockaddr>) -> String? {
        switch family {
        case AF_INET:
            let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                withUnsafeBytes(of: p.pointee.sin_addr.s_addr) { Array($0) }
            }
            return isPrivate(v4: bytes) ? bytes.map(String.init).joined(separator: ".") : nil
        case AF_INET6:
            let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) }
            }
            return isPrivate(v6: bytes) ? "IPv6 " + bytes.map { String($0, radix: 16) }.joined(separator: ":") : nil
        default:
            return "address family \(family)"
        }
    }

    static func isPrivate(v4 b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return true
        case (169, 254): return true
        case (172, 16...31): return true
        case (192, 168): return true
        case (100, 64...127): return true  // carrier-grade NAT
        default: return b[0] >= 224  // multicast and reserved
        }
    }

    static func isPrivate(v6 b: [UInt8]) -> Bool {
        if b[0..<15].allSatisfy({ $0 == 0 }) { return true }          // :: and ::1
        if b[0] == 0xFE && (b[1] & 0xC0) == 0x80 { return true }      // fe80::/10
        if (b[0] & 0xFE) == 0xFC { return true }                       // fc00::/7
        if b[0] == 0xFF { return true }                                // multicast
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF {
            return isPrivate(v4: Array(b[12..<16]))                    // ::ffff:a.b.c.d
        }
        return false
    }
}

internal import CCurl
import Foundation
import TidingsConfiguration
#if canImport(Glibc)
import Glibc
#endif

/// Refuses connections to addresses the policy forbids: link-local ones
/// (169.254.0.0/16 and fe80::/10, where clouds serve their metadata) always,
/// unless `allowLinkLocalAddresses`; private and loopback ones when
/// `refusePrivateAddresses`. Directly, it runs in libcurl's open-socket
/// callback, after DNS, on the address about to be dialled, so a name that
/// resolves to 127.0.0.1 (DNS rebinding) is caught too. Through a proxy,
/// that socket goes to the proxy, which the operator chose and which may
/// well be on loopback; the target is judged instead, before each request
/// (the first and every redirect) is sent: its address when the URL names
/// one, `localhost` names, and, when this machine resolves the name anyway
/// (socks4/socks5 without `h`), the addresses it resolves to.
public enum AddressGuard {
    static let openSocket: tdc_opensocket_callback = { context, _, address in
        guard let context, let address else { return CURL_SOCKET_BAD }
        let t = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let a = address.pointee
        if t.request.options.proxy == nil,
           let reason = refusal(family: a.family, address: &address.pointee.addr, policy: t.policy) {
            t.refusedAddress = reason
            return CURL_SOCKET_BAD
        }
        return socket(a.family, a.socktype, a.protocol)
    }

    /// Before a request through a proxy is sent: its target judged.
    static let beforeRequest: tdc_prereq_callback = { context, _, _, _, _ in
        guard let context else { return Int32(CURL_PREREQFUNC_ABORT) }
        let t = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        guard let proxy = t.request.options.proxy, let url = t.currentURL,
              let host = URLComponents(string: url)?.host else { return Int32(CURL_PREREQFUNC_OK) }
        if let reason = refusal(host: host, policy: t.policy, resolveLocally: !ProxyChoice.resolvesNames(proxy)) {
            t.refusedAddress = reason
            return Int32(CURL_PREREQFUNC_ABORT)
        }
        return Int32(CURL_PREREQFUNC_OK)
    }

    /// Why a target host must not be reached, or nil.
    static func refusal(host rawHost: String, policy: FetchPolicy, resolveLocally: Bool) -> String? {
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if policy.refusePrivateAddresses, host == "localhost" || host.hasSuffix(".localhost") {
            return "\(host) is this machine (fetch.refuse_private_addresses)"
        }
        var addresses: [(Int32, [UInt8])] = []
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            addresses = [(AF_INET, withUnsafeBytes(of: v4) { Array($0) })]
        } else if inet_pton(AF_INET6, host, &v6) == 1 {
            addresses = [(AF_INET6, withUnsafeBytes(of: v6) { Array($0) })]
        } else if resolveLocally {
            addresses = resolve(host)
        }
        for (family, bytes) in addresses {
            if let reason = refusal(family: family, bytes: bytes, policy: policy) { return reason }
        }
        return nil
    }

    private static func resolve(_ host: String) -> [(Int32, [UInt8])] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var out: [(Int32, [UInt8])] = []
        var next = list
        while let entry = next {
            if let address = entry.pointee.ai_addr, let bytes = bytes(family: entry.pointee.ai_family, address: address) {
                out.append((entry.pointee.ai_family, bytes))
            }
            next = entry.pointee.ai_next
        }
        return out
    }

    private static func refusal(family: Int32, address: UnsafeMutablePointer<sockaddr>, policy: FetchPolicy) -> String? {
        guard let bytes = bytes(family: family, address: address) else { return "address family \(family) is not IP" }
        return refusal(family: family, bytes: bytes, policy: policy)
    }

    private static func bytes(family: Int32, address: UnsafeMutablePointer<sockaddr>) -> [UInt8]? {
        switch family {
        case AF_INET:
            address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                withUnsafeBytes(of: p.pointee.sin_addr.s_addr) { Array($0) }
            }
        case AF_INET6:
            address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) }
            }
        default: nil
        }
    }

    /// The reason, in words an operator can act on, or nil.
    static func refusal(family: Int32, bytes: [UInt8], policy: FetchPolicy) -> String? {
        let text = family == AF_INET ? bytes.map(String.init).joined(separator: ".")
            : "IPv6 " + stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        let linkLocal = family == AF_INET ? isLinkLocal(v4: bytes) : isLinkLocal(v6: bytes)
        if linkLocal, !policy.allowLinkLocalAddresses {
            return "\(text) is a link-local address, where a cloud serves its metadata (set fetch.allow_link_local_addresses to allow it)"
        }
        let isPrivate = family == AF_INET ? isPrivate(v4: bytes) : isPrivate(v6: bytes)
        if isPrivate, policy.refusePrivateAddresses {
            return "\(text) is a private address (fetch.refuse_private_addresses)"
        }
        return nil
    }

    /// Whether a host as a URL names it is a link-local address written
    /// out (`169.254.169.254`, `[fe80::1]`): what `tidings import` refuses
    /// before anything is fetched. Names are judged when they resolve.
    public static func isLinkLocalLiteral(_ rawHost: String) -> Bool {
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return isLinkLocal(v4: withUnsafeBytes(of: v4) { Array($0) }) }
        if inet_pton(AF_INET6, host, &v6) == 1 { return isLinkLocal(v6: withUnsafeBytes(of: v6) { Array($0) }) }
        return false
    }

    static func isLinkLocal(v4 b: [UInt8]) -> Bool { b[0] == 169 && b[1] == 254 }

    static func isLinkLocal(v6 b: [UInt8]) -> Bool {
        if b[0] == 0xFE && (b[1] & 0xC0) == 0x80 { return true }
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return isLinkLocal(v4: Array(b[12..<16])) }
        return false
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

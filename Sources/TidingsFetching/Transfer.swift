internal import CCurl
import Foundation
import TidingsConfiguration

/// One HTTP transfer: owns its curl easy handle and header list and frees
/// them in `deinit`. Created on the caller's side, then touched only by the
/// client's loop thread until it completes (hence `@unchecked Sendable`).
final class Transfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    private var requestHeaders: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    let request: FetchRequest
    let policy: FetchPolicy
    private let continuation: CheckedContinuation<Result<FetchResponse, FetchError>, Never>

    private(set) var body: [UInt8] = []
    private(set) var exceededLimit = false
    /// Set by the open-socket callback when it refused an address.
    var refusedAddress: String?
    private var responses: [(status: Int, headers: [String: String])] = []

    init?(request: FetchRequest, policy: FetchPolicy,
          continuation: CheckedContinuation<Result<FetchResponse, FetchError>, Never>) {
        guard let easy = curl_easy_init() else { return nil }
        self.easy = easy
        self.request = request
        self.policy = policy
        self.continuation = continuation
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(requestHeaders)
        errorBuffer.deallocate()
    }

    /// Sets every option; returns a failure if libcurl refused one.
    func configure() -> FetchError? {
        let me = Unmanaged.passUnretained(self).toOpaque()
        var protocols = "http,https"
        if request.allowFileScheme { protocols += ",file" }
        var codes: [CURLcode] = [
            tdc_easy_setopt_string(easy, CURLOPT_URL, request.url),
            tdc_easy_setopt_pointer(easy, CURLOPT_PRIVATE, me),
            tdc_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer),
            tdc_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1),
            // Wait for a connection that can multiplex (HTTP/2) rather than open another.
            tdc_easy_setopt_long(easy, CURLOPT_PIPEWAIT, 1),
            tdc_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, protocols),
            tdc_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"),
            tdc_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1),
            tdc_easy_setopt_long(easy, CURLOPT_MAXREDIRS, policy.maximumRedirects),
            tdc_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT, policy.connectTimeoutSeconds),
            tdc_easy_setopt_long(easy, CURLOPT_TIMEOUT, policy.totalTimeoutSeconds),
            tdc_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, policy.lowSpeedBytesPerSecond),
            tdc_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, policy.lowSpeedSeconds),
            tdc_easy_setopt_string(easy, CURLOPT_USERAGENT, request.options.userAgent ?? policy.userAgent),
            // "" asks for every encoding this libcurl can decode, and decodes it.
            tdc_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""),
            tdc_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(policy.maximumBodyBytes)),
            tdc_easy_setopt_write(easy, CURLOPT_WRITEFUNCTION, Transfer.onBody),
            tdc_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me),
            tdc_easy_setopt_write(easy, CURLOPT_HEADERFUNCTION, Transfer.onHeader),
            tdc_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me),
        ]
        // Always: link-local addresses are refused whatever the policy says.
        codes.append(tdc_easy_setopt_opensocket(easy, AddressGuard.openSocket))
        codes.append(tdc_easy_setopt_pointer(easy, CURLOPT_OPENSOCKETDATA, me))
        codes += configureOptions(me)
        var headers: [String] = []
        if !request.options.headers.contains(where: { $0.lowercased().hasPrefix("accept:") }) {
            headers.append("Accept: application/rss+xml, application/atom+xml, application/feed+json, "
                + "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
        }
        headers += request.options.headers
        if let etag = request.etag { headers.append("If-None-Match: \(etag)") }
        if let modified = request.lastModified { headers.append("If-Modified-Since: \(modified)") }
        for h in headers { requestHeaders = curl_slist_append(requestHeaders, h) }
        codes.append(tdc_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, requestHeaders))
        if let bad = codes.first(where: { $0 != CURLE_OK }) {
            return .other(code: Int(bad.rawValue), message: String(cString: curl_easy_strerror(bad)))
        }
        return nil
    }

    /// The feed's own settings (`RequestOptions`). The proxy is always
    /// set, "" for none: libcurl would otherwise read the environment by
    /// itself, and the address guard must know where a socket goes.
    private func configureOptions(_ me: UnsafeMutableRawPointer) -> [CURLcode] {
        let o = request.options
        var codes = [tdc_easy_setopt_string(easy, CURLOPT_PROXY, o.proxy ?? "")]
        if o.proxy != nil {
            codes.append(tdc_easy_setopt_prereq(easy, AddressGuard.beforeRequest))
            codes.append(tdc_easy_setopt_pointer(easy, CURLOPT_PREREQDATA, me))
        }
        if let cookie = o.cookie { codes.append(tdc_easy_setopt_string(easy, CURLOPT_COOKIE, cookie)) }
        switch o.httpVersion {
        case .http1_1: codes.append(tdc_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)))
        case .http2:
            let plain = request.url.lowercased().hasPrefix("http:")
            codes.append(tdc_easy_setopt_long(easy, CURLOPT_HTTP_VERSION,
                                              Int(plain ? CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE : CURL_HTTP_VERSION_2TLS)))
        case nil: break
        }
        switch o.ipVersion {
        case .v4: codes.append(tdc_easy_setopt_long(easy, CURLOPT_IPRESOLVE, Int(CURL_IPRESOLVE_V4)))
        case .v6: codes.append(tdc_easy_setopt_long(easy, CURLOPT_IPRESOLVE, Int(CURL_IPRESOLVE_V6)))
        case nil: break
        }
        if let caFile = o.caFile { codes.append(tdc_easy_setopt_string(easy, CURLOPT_CAINFO, caFile)) }
        if o.insecureTLS {
            codes.append(tdc_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0))
            codes.append(tdc_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0))
        }
        switch o.credentials {
        case .basic(let username, let password):
            codes.append(tdc_easy_setopt_long(easy, CURLOPT_HTTPAUTH, tdc_auth_basic))
            codes.append(tdc_easy_setopt_string(easy, CURLOPT_USERNAME, username))
            codes.append(tdc_easy_setopt_string(easy, CURLOPT_PASSWORD, password))
        case .bearer(let token):
            codes.append(tdc_easy_setopt_long(easy, CURLOPT_HTTPAUTH, tdc_auth_bearer))
            codes.append(tdc_easy_setopt_string(easy, CURLOPT_XOAUTH2_BEARER, token))
        case nil: break
        }
        return codes
    }

    /// The URL of the request about to be sent (the latest redirect's).
    var currentURL: String? {
        var effective: UnsafeMutablePointer<CChar>?
        guard tdc_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK, let effective else { return nil }
        return String(cString: effective)
    }

    /// Called once on the loop thread with libcurl's verdict.
    func complete(_ code: CURLcode) {
        continuation.resume(returning: result(code))
    }

    func fail(_ error: FetchError) {
        continuation.resume(returning: .failure(error))
    }

    private func result(_ code: CURLcode) -> Result<FetchResponse, FetchError> {
        if code != CURLE_OK {
            return .failure(FetchError(curlCode: code, detail: String(cString: errorBuffer),
                                       exceededLimit: exceededLimit, limit: policy.maximumBodyBytes,
                                       refusedAddress: refusedAddress))
        }
        var status = 0
        _ = tdc_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        _ = tdc_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &effective)
        let final = responses.last?.headers ?? [:]
        var redirects: [FetchResponse.Redirect] = []
        for r in responses.dropLast() where (300..<400).contains(r.status) {
            if let location = r.headers["location"] { redirects.append(.init(status: r.status, location: location)) }
        }
        return .success(FetchResponse(
            status: status == 0 ? 200 : status,  // file: URLs have no status
            body: body, etag: final["etag"], lastModified: final["last-modified"],
            contentType: final["content-type"], retryAfter: final["retry-after"],
            cacheControl: final["cache-control"], expires: final["expires"],
            finalURL: effective.map { String(cString: $0) } ?? request.url, redirects: redirects))
    }

    // MARK: - C callbacks

    private static let onBody: tdc_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let t = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let n = size * count
        // The limit is on decoded bytes: libcurl calls us after decompression,
        // so a gzip bomb stops here, at the limit, not at the end of the bomb.
        if t.body.count + n > t.policy.maximumBodyBytes {
            t.exceededLimit = true
            return 0
        }
        t.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n))
        return n
    }

    private static let onHeader: tdc_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let t = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let n = size * count
        let line = trimmed(UnsafeRawBufferPointer(start: data, count: n))
        if line.starts(with: "HTTP/".utf8) {
            let parts = line.split(separator: UInt8(ascii: " "), maxSplits: 2)
            let status = parts.count > 1 ? Int(String(decoding: parts[1], as: UTF8.self)) ?? 0 : 0
            t.responses.append((status, [:]))
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(decoding: trimmed(UnsafeRawBufferPointer(rebasing: line[..<colon])), as: UTF8.self).lowercased()
            let value = String(decoding: trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...])), as: UTF8.self)
            if t.responses.isEmpty { t.responses.append((0, [:])) }
            t.responses[t.responses.count - 1].headers[name] = value
        }
        return n
    }

    /// The bytes without the spaces, tabs, CR and LF around them (a header
    /// line as libcurl hands it over ends in CRLF). Bytes, not String:
    /// this runs for every header of every poll.
    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        var start = 0, end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }
}

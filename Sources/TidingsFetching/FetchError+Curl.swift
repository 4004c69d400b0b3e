internal import CCurl

extension FetchError {
    /// The one place where libcurl's result codes become named failures.
    init(curlCode code: CURLcode, detail: String, exceededLimit: Bool, limit: Int, refusedAddress: String?) {
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        if let refusedAddress {
            self = .refusedAddress(refusedAddress)
            return
        }
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .dns(message)
        case CURLE_COULDNT_CONNECT, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
            self = .connect(message)
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout(message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CRL_BADFILE:
            self = .tls(message)
        case CURLE_WRITE_ERROR where exceededLimit, CURLE_FILESIZE_EXCEEDED:
            self = .tooLarge(limit: limit)
        case CURLE_TOO_MANY_REDIRECTS:
            self = .tooManyRedirects
        case CURLE_UNSUPPORTED_PROTOCOL:
            self = .refusedScheme(message)
        case CURLE_URL_MALFORMAT:
            self = .badURL(message)
        case CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING, CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2,
             CURLE_HTTP2_STREAM:
            self = .protocolError(message)
        default:
            self = .other(code: Int(code.rawValue), message: message)
        }
    }
}

// Typed one-line wrappers for libcurl's variadic setopt/getinfo, which Swift
// cannot call directly. One wrapper per argument kind; every symbol carries
// the `tdc_` prefix so nothing here collides with libcurl's own names.
#ifndef TIDINGS_CCURL_SHIM_H
#define TIDINGS_CCURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*tdc_write_callback)(char *, size_t, size_t, void *);
typedef int (*tdc_xferinfo_callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
typedef curl_socket_t (*tdc_opensocket_callback)(void *, curlsocktype, struct curl_sockaddr *);
typedef int (*tdc_prereq_callback)(void *, char *, char *, int, int);

static inline CURLcode tdc_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tdc_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tdc_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tdc_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tdc_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tdc_easy_setopt_write(CURL *h, CURLoption o, tdc_write_callback v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tdc_easy_setopt_xferinfo(CURL *h, tdc_xferinfo_callback v) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }
static inline CURLcode tdc_easy_setopt_opensocket(CURL *h, tdc_opensocket_callback v) { return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, v); }
static inline CURLcode tdc_easy_setopt_prereq(CURL *h, tdc_prereq_callback v) { return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, v); }
static inline CURLcode tdc_easy_setopt_share(CURL *h, CURLSH *s) { return curl_easy_setopt(h, CURLOPT_SHARE, s); }

static inline CURLcode tdc_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode tdc_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode tdc_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode tdc_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLSHcode tdc_share_setopt_long(CURLSH *s, CURLSHoption o, long v) { return curl_share_setopt(s, o, v); }

/// CURLAUTH_* are macros with casts, which Swift does not import.
static const long tdc_auth_basic = (long)CURLAUTH_BASIC;
static const long tdc_auth_bearer = (long)CURLAUTH_BEARER;

/// `CURLMsg.data` is a union Swift imports awkwardly; this reads the result.
static inline CURLcode tdc_msg_result(CURLMsg *m) { return m->data.result; }

/// The names of the content encodings this libcurl can decode ("" means all).
static inline int tdc_has_feature(int bit) {
    curl_version_info_data *d = curl_version_info(CURLVERSION_NOW);
    return (d->features & bit) != 0;
}
static inline const char *tdc_version(void) { return curl_version(); }
#endif

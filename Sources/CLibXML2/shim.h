// libxml2 behind one header. Debian's libxml2 headers pull in the system ICU
// headers, which clash with Foundation's own ICU copy ("'UErrorCode' has
// different definitions"): include xmlversion.h first and switch ICU off
// before anything else is included.
#ifndef TIDINGS_CLIBXML2_SHIM_H
#define TIDINGS_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/xmlerror.h>
#include <libxml/uri.h>

/// Swift 6 rejects the C global `xmlFree` as not concurrency-safe.
static inline void tdx_free(void *p) { xmlFree(p); }
static inline const char *tdx_version(void) { return LIBXML_DOTTED_VERSION; }
/// The parser context a SAX callback's `ctx` points at (we pass the context itself).
static inline int tdx_line(xmlParserCtxtPtr c) { return xmlSAX2GetLineNumber(c); }
static inline void tdx_stop(xmlParserCtxtPtr c) { xmlStopParser(c); }
#endif

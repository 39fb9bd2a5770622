/*
 * internal.h - the mark of the core's internal interface: what the core's
 * internal headers (alloc.h, shapes.h, path.h, json_text.h, codec.h)
 * declare for the fake (internal to gluefake's libraries).
 *
 * libgluefake.so is built on libgluefake-core.so, so the gfi_ functions
 * and tables those headers declare are exported from the core's shared
 * library too: GFI_SHARED.  They are no API: their names say "internal",
 * no header of include/ declares them, and they change without notice.
 * tools/check-exports.sh allows exactly these beside the public functions.
 */
#ifndef GLUEFAKE_CORE_INTERNAL_H
#define GLUEFAKE_CORE_INTERNAL_H

#if defined(__GNUC__) || defined(__clang__)
#define GFI_SHARED __attribute__((visibility("default")))
#else
#define GFI_SHARED
#endif

#endif

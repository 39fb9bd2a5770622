/*
 * gluefake/api.h - what every public header needs: the mark that exports a
 * function from the shared libraries.
 *
 * The libraries are built with -fvisibility=hidden, so that only what a
 * public header declares with GF_API is exported (`make check-exports`
 * compares the two).
 */
#ifndef GLUEFAKE_API_H
#define GLUEFAKE_API_H

#if defined(__GNUC__) || defined(__clang__)
#define GF_API __attribute__((visibility("default")))
#else
#define GF_API
#endif

#if defined(__GNUC__) || defined(__clang__)
#define GF_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define GF_PRINTF(fmt, args)
#endif

#endif

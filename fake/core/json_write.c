/*
 * json_write.c - a response's JSON text written straight from its C struct:
 * gfi_shape_encode()'s walk and cJSON_PrintUnformatted()'s printing in one
 * pass, with no tree in between.
 *
 * Why: building the tree, then printing each timestamp with "%1.15g" and
 * reading it back with sscanf() to see whether it needs "%1.17g", was most
 * of what a JSON call cost: a page of 100 configurations took ~200 us
 * through dispatch against ~4 us typed (`make bench`, "JSON page of 100
 * security configurations").  The text stays byte for byte cJSON's, so
 * clients, transcripts and the server's --wire-variants (which parses the
 * body back) see no difference: tests/test_json.c compares the two on
 * every operation's responses and on strings and numbers chosen to break
 * them.
 */
#include "json_write.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- the text ------------------------------------------------------------ */

/* grow() for room(): the slow path, out of line. */
static char *grow(gfi_text *t, size_t more)
{
  if (t->failed || gfi_grow(&t->data, &t->cap, t->len + more + 1, 1, 256) != 0) {
    t->failed = 1;
    t->cap = t->len; /* nothing fits any more: every later room() comes here */
    return NULL;
  }
  return t->data + t->len;
}

/* Room for `more` bytes and a NUL after them at the end of `t`, or NULL
 * (t->failed set) when out of memory.  One compare when there is room:
 * this runs a few thousand times for a page of 100 configurations. */
static inline char *room(gfi_text *t, size_t more)
{
  return t->cap - t->len > more ? t->data + t->len : grow(t, more);
}

static inline void put(gfi_text *t, const char *bytes, size_t len)
{
  char *at = room(t, len);
  if (at) {
    memcpy(at, bytes, len);
    t->len += len;
  }
}

static inline void put_char(gfi_text *t, char c)
{
  char *at = room(t, 1);
  if (at) {
    *at = c;
    t->len++;
  }
}

/* ---- strings: cJSON's print_string_ptr() ------------------------------------ */

/* Whether the 8 bytes at `s` hold no quote, backslash or byte below 0x20
 * ("has a byte less than n" and "has a zero byte" of Bit Twiddling Hacks,
 * both exact). */
static inline int plain8(const char *s)
{
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  uint64_t w;
  memcpy(&w, s, sizeof w);
  uint64_t quotes = w ^ (ones * '"'), backslashes = w ^ (ones * '\\');
  uint64_t control = (w - ones * 0x20) & ~w;
  uint64_t special = ((quotes - ones) & ~quotes) | ((backslashes - ones) & ~backslashes);
  return !((control | special) & highs);
}

/* Whether the `len` bytes at `s` go out as they are.  The strings of a
 * response are most of its bytes and almost never need an escape: checked
 * 8 bytes at a time, the last word overlapping the one before rather than
 * finishing byte by byte, then copied at once, they make the bench's page
 * of 100 configurations (~800 strings, most of them member names of 8 to
 * 23 bytes) ~17 us of writing instead of ~28 checked byte by byte.  (SSE2,
 * 16 bytes at a time, bought under 1 us more: not kept.) */
static int plain(const char *s, size_t len)
{
  if (len < 8) {
    for (size_t i = 0; i < len; i++) {
      unsigned char c = (unsigned char)s[i];
      if (c < 0x20 || c == '"' || c == '\\')
        return 0;
    }
    return 1;
  }
  for (size_t i = 0; i + 8 < len; i += 8)
    if (!plain8(s + i))
      return 0;
  return plain8(s + len - 8);
}

/* The escape of `c` (a quote, a backslash or a byte below 0x20) into `out`:
 * its length.  cJSON writes the five short escapes, and every other control
 * byte as \u00xx in lower-case hex; UTF-8 and DEL go out as they are. */
static size_t escape(unsigned char c, char *out)
{
  static const char hex[] = "0123456789abcdef";
  out[0] = '\\';
  switch (c) {
  case '"':
  case '\\':
    out[1] = (char)c;
    return 2;
  case '\b':
    out[1] = 'b';
    return 2;
  case '\f':
    out[1] = 'f';
    return 2;
  case '\n':
    out[1] = 'n';
    return 2;
  case '\r':
    out[1] = 'r';
    return 2;
  case '\t':
    out[1] = 't';
    return 2;
  default:
    memcpy(out + 1, "u00", 3);
    out[4] = hex[c >> 4];
    out[5] = hex[c & 15];
    return 6;
  }
}

/* `s` as a JSON string: copied at once when it needs no escape, else run
 * by run. */
static void write_string(gfi_text *t, const char *s)
{
  size_t len = strlen(s);
  if (plain(s, len)) {
    char *at = room(t, len + 2);
    if (at) {
      at[0] = '"';
      memcpy(at + 1, s, len);
      at[len + 1] = '"';
      t->len += len + 2;
    }
    return;
  }
  const unsigned char *p = (const unsigned char *)s;
  put_char(t, '"');
  for (;;) {
    const unsigned char *run = p;
    while (*p >= 0x20 && *p != '"' && *p != '\\')
      p++;
    size_t run_len = (size_t)(p - run);
    char *at = room(t, run_len + 6); /* the run, then an escape or the closing quote */
    if (!at)
      return;
    memcpy(at, run, run_len);
    at += run_len;
    if (!*p) {
      *at = '"';
      t->len += run_len + 1;
      return;
    }
    t->len += run_len + escape(*p++, at);
  }
}

/* A member's name and its colon, after a comma unless it is the first. */
static void write_key(gfi_text *t, const char *wire, int first)
{
  size_t len = strlen(wire);
  char *at;
  if (!plain(wire, len) || !(at = room(t, len + 4))) {
    if (!first)
      put_char(t, ',');
    write_string(t, wire);
    put_char(t, ':');
    return;
  }
  if (!first)
    *at++ = ',';
  at[0] = '"';
  memcpy(at + 1, wire, len);
  at[len + 1] = '"';
  at[len + 2] = ':';
  t->len += len + 4 - (size_t)first;
}

/* ---- numbers: cJSON's print_number() ------------------------------------------ */

/* cJSON 1.7 prints a number with "%1.15g"; when that does not read back
 * (sscanf "%lg") within compare_double()'s tolerance - |a - b| <= max(|a|,
 * |b|) * DBL_EPSILON - it prints "%1.17g" instead.  NaN and infinities are
 * null.  (No "%d" for integers since 1.4.)  The locale's decimal
 * point is replaced by '.'. */
static size_t format_like_cjson(double d, char out[32])
{
  if (isnan(d) || isinf(d)) {
    memcpy(out, "null", 5);
    return 4;
  }
  double test = 0.0;
  int len = snprintf(out, 32, "%1.15g", d);
  if (sscanf(out, "%lg", &test) != 1 ||
      !(fabs(test - d) <= fmax(fabs(test), fabs(d)) * DBL_EPSILON))
    len = snprintf(out, 32, "%1.17g", d);
  unsigned char point = (unsigned char)localeconv()->decimal_point[0];
  for (int i = 0; i < len; i++)
    if ((unsigned char)out[i] == point)
      out[i] = '.';
  return (size_t)len;
}

static const uint64_t powers_of_ten[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
    100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
    10000000000000000, 100000000000000000};

/* The decimal digits of `n` written backwards from `end`, two at a time:
 * their count. */
static size_t digits_before(uint64_t n, char *end)
{
  static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                              "25262728293031323334353637383940414243444546474849"
                              "50515253545556575859606162636465666768697071727374"
                              "75767778798081828384858687888990919293949596979899";
  char *at = end;
  while (n >= 100) {
    at -= 2;
    memcpy(at, pairs + 2 * (n % 100), 2);
    n /= 100;
  }
  if (n >= 10) {
    at -= 2;
    memcpy(at, pairs + 2 * n, 2);
  } else {
    *--at = (char)('0' + n);
  }
  return (size_t)(end - at);
}

/* `n` in decimal at `out`: its length. */
static size_t write_digits(uint64_t n, char *out)
{
  char digits[20];
  size_t len = digits_before(n, digits + sizeof digits);
  memcpy(out, digits + sizeof digits - len, len);
  return len;
}

/* q / 10^k, at least 1, in "%g"'s fixed notation: no trailing zeros after
 * the point, and no point when nothing follows it.  Its length. */
static size_t write_fixed(uint64_t q, int k, char *out)
{
  char digits[20], *end = digits + sizeof digits, *fraction = end - k;
  size_t len = digits_before(q, end) - (size_t)k; /* the integer part's */
  memcpy(out, end - k - len, len);
  size_t kept = (size_t)k;
  while (kept && fraction[kept - 1] == '0')
    kept--;
  if (kept) {
    out[len++] = '.';
    memcpy(out + len, fraction, kept);
    len += kept;
  }
  return len;
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 wide;

/* m / 2^s rounded to the nearest q / 10^k, exactly (128 bits hold m * 10^k
 * for m < 2^53, k <= 16), with |q / 10^k - m / 2^s| * 2^s * 10^k in *error.
 * -1 on an exact tie, which printf breaks by its own rule. */
static int round_to(uint64_t m, int s, int k, uint64_t *q, wide *error)
{
  wide n = (wide)m * powers_of_ten[k];
  wide one = (wide)1 << s, rest = n & (one - 1);
  *q = (uint64_t)(n >> s);
  if (rest == one / 2)
    return -1;
  if (rest > one / 2) {
    ++*q;
    *error = one - rest;
  } else {
    *error = rest;
  }
  return 0;
}
#endif

/*
 * format_like_cjson() without the C library, for the numbers responses are
 * made of - timestamps, integral or not, of 1 or more and below 10^15 -
 * with exact integer arithmetic; 0 for any other number (and for the rare
 * ones on a boundary below), which the caller prints the slow way.  The
 * 100 timestamps of the bench's page ("JSON page of 100 security
 * configurations") cost ~4 us this way, ~56 us cJSON's way.
 */
static size_t format_fast(double d, char out[32])
{
  if (d == 0) {
    if (signbit(d)) {
      memcpy(out, "-0", 3);
      return 2;
    }
    memcpy(out, "0", 2);
    return 1;
  }
  double a = fabs(d);
  if (!(a >= 1 && a < 1e15))
    return 0;
  size_t sign = 0;
  if (d < 0)
    out[sign++] = '-';
  /* An integer of at most 15 digits: "%1.15g" prints all of them, and
   * they read back exactly. */
  if ((double)(uint64_t)a == a)
    return sign + write_digits((uint64_t)a, out + sign);
#ifdef __SIZEOF_INT128__
  /* a = m / 2^s with m of 53 bits: 1 <= a < 2^50 puts s in [3, 52]. */
  uint64_t bits;
  memcpy(&bits, &a, sizeof bits);
  const uint64_t low = (uint64_t)1 << 52, high = (uint64_t)1 << 53;
  uint64_t m = (bits & (low - 1)) | low;
  int s = 1075 - (int)(bits >> 52);
  /* The decimal exponent, 10^x <= a < 10^(x+1), from the integer part's
   * bit length (Bit Twiddling Hacks' IntegerLog10). */
  uint64_t whole = m >> s;
  int x = ((64 - __builtin_clzll(whole)) * 1233) >> 12;
  x -= whole < powers_of_ten[x];
  /* "%1.15g": 15 significant digits, 14 - x after the point. */
  int k = 14 - x;
  uint64_t q;
  wide error;
  if (round_to(m, s, k, &q, &error) != 0)
    return 0;
  if (q == powers_of_ten[15] && x == 14)
    return 0; /* rounds up to 10^15, which "%g" writes as 1e+15 */
  /*
   * Does it read back within tolerance?  The text is m + error / 10^k
   * units of 2^-s (a's ulp) from a, and sscanf() finds the nearest double,
   * j = round(error / 10^k) ulps from a.  Within a's binade the tolerance,
   * max * DBL_EPSILON, is at least 1 ulp and under 2: the text reads back
   * when j <= 1, that is error / 10^k < 1.5.  Near the binade's ends the
   * ulp changes size, and at exactly 1.5 the rounding of the read decides:
   * both are left to the slow way.  (error / 10^k is under 2^52 / 10^14,
   * about 45, since 2^s < 2^53 / 10^x: 64 ulps from either end are far.)
   */
  wide p = powers_of_ten[k];
  if (m < low + 64 || m + 64 >= high || 2 * error == 3 * p)
    return 0;
  if (2 * error > 3 * p) {
    k = 16 - x; /* "%1.17g": 17 significant digits */
    if (round_to(m, s, k, &q, &error) != 0)
      return 0;
  }
  return sign + write_fixed(q, k, out + sign);
#else
  return 0;
#endif
}

static void write_number(gfi_text *t, double d)
{
  char *at = room(t, 32);
  if (!at)
    return;
  size_t len = format_fast(d, at);
  t->len += len ? len : format_like_cjson(d, at);
}

/* ---- the walk: gfi_shape_encode()'s, member by member -------------------------- */

static void write_object(gfi_text *t, const gfi_shape *shape, const void *obj)
{
  put_char(t, '{');
  int first = 1;
  for (size_t i = 0; i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    if (!gfi_member_present(m, obj))
      continue;
    write_key(t, m->wire, first);
    first = 0;
    const void *slot = GF_MEMBER_CPTR(obj, m->offset);
    switch (m->kind) {
    case GF_KIND_STRING:
      write_string(t, *(const char *const *)slot);
      break;
    case GF_KIND_BOOL:
      if (*(const bool *)slot)
        put(t, "true", 4);
      else
        put(t, "false", 5);
      break;
    case GF_KIND_INT:
      write_number(t, (double)*(const int64_t *)slot);
      break;
    case GF_KIND_TIMESTAMP:
      write_number(t, *(const double *)slot);
      break;
    case GF_KIND_STRUCT:
      write_object(t, m->shape, *(const void *const *)slot);
      break;
    case GF_KIND_LIST: {
      const char *items = *(const char *const *)slot;
      size_t count = *(const size_t *)GF_MEMBER_CPTR(obj, m->aux_offset);
      put_char(t, '[');
      for (size_t j = 0; j < count; j++) {
        if (j)
          put_char(t, ',');
        write_object(t, m->shape, items + j * m->shape->size);
      }
      put_char(t, ']');
      break;
    }
    }
  }
  put_char(t, '}');
}

void gfi_shape_write_json(const gfi_shape *shape, const void *obj, gfi_text *out)
{
  write_object(out, shape, obj);
  if (!out->failed)
    out->data[out->len] = '\0'; /* room() always leaves a byte for it */
}

/* Message signing for the upload API (DESIGN.md section 4), used by both ends.
 *
 * request:  hex HMAC-SHA256(secret, METHOD "\n" PATH "\n" TIMESTAMP "\n" hex SHA-256(body))
 * response: hex HMAC-SHA256(secret, STATUS "\n" TIMESTAMP "\n" REQUEST-SIGNATURE "\n"
 *                                   hex SHA-256(body))
 * TIMESTAMP is wall-clock Unix seconds in decimal. */
#ifndef CVD_SIGN_H
#define CVD_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define SIGN_HEX_LEN 64 /* a hex SHA-256 or HMAC-SHA256, without the NUL */
#define SIGN_MAX_SKEW_S 300

void sign_sha256_hex(const void *data, size_t n, char out[SIGN_HEX_LEN + 1]);
void sign_request(const char *secret, const char *method, const char *path, int64_t ts,
                  const void *body, size_t n, char out[SIGN_HEX_LEN + 1]);
void sign_response(const char *secret, int status, int64_t ts, const char *req_sig,
                   const void *body, size_t n, char out[SIGN_HEX_LEN + 1]);
/* Constant-time comparison of two hex signatures; 1 if equal. */
int sign_equal(const char *a, const char *b);
/* 1 if s is exactly 64 lowercase hex digits. */
int sign_is_hex(const char *s);
/* Fills out with 2*nbytes hex digits from the system's random source; 0 or -1. */
int sign_random_hex(char *out, size_t nbytes);

#endif

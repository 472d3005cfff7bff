/* Ed25519 signatures of report files (RFC 8032, through OpenSSL), so that an auditor can
 * tell a report was not edited.
 *
 * What it promises: the signature covers every byte of the file, with the 128 hex digits
 * of the signature itself read as '0's; the signer's public key (64 hex digits of its
 * raw 32 bytes) is in the file and so under the signature, and its fingerprint is the hex
 * SHA-256 of those 32 bytes.  Where they sit, by the file's first byte:
 *   '{'    JSON: the last "public_key":"HEX" and "value":"HEX" (its "signature" object)
 *   '<'    HTML: the last <code id="public-key">HEX and <code id="signature">HEX
 *   "%PDF" PDF: the last "%CVD-Public-Key: HEX" and "%CVD-Signature: HEX" comment lines
 *          (after %%EOF; readers ignore them).
 * A writer puts RSIGN_PLACEHOLDER where the signature goes and calls rsign_sign. */
#ifndef CVD_REPORT_SIGN_H
#define CVD_REPORT_SIGN_H

#include <stddef.h>

#define RSIGN_SIG_HEX 128
#define RSIGN_KEY_HEX 64
#define RSIGN_PLACEHOLDER                                                                      \
  "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" \
  "000000000000000000000000000000000000000"

struct rsign_key; /* an Ed25519 private key */

/* Reads a PEM Ed25519 private key (openssl genpkey -algorithm ed25519).  NULL with err. */
struct rsign_key *rsign_key_load(const char *path, char *err, size_t errlen);
void rsign_key_free(struct rsign_key *k);
/* A new key in memory alone (the server's pages: a key for the process's life).  NULL when
 * OpenSSL fails. */
struct rsign_key *rsign_key_new(void);
/* Writes a new key to path (mode 0600, refused if it exists).  0, or -1 with err. */
int rsign_keygen(const char *path, char *err, size_t errlen);
/* The public key in hex and its fingerprint (hex SHA-256 of the raw key). */
void rsign_key_public(const struct rsign_key *k, char pub[RSIGN_KEY_HEX + 1],
                      char fp[RSIGN_KEY_HEX + 1]);

/* Signs buf[0..len) in place: the placeholder where the format keeps the signature is
 * replaced by the signature.  0, or -1 with err (no placeholder, a key that fails). */
int rsign_sign(const struct rsign_key *k, char *buf, size_t len, char *err, size_t errlen);

/* Verifies buf[0..len).  pin_pub (hex, or NULL) is the key that must have signed.  0 when
 * the signature holds, with the signer's fingerprint in fp; -1 with why in err. */
int rsign_verify(const char *buf, size_t len, const char *pin_pub, char fp[RSIGN_KEY_HEX + 1],
                 char *err, size_t errlen);
/* The hex public key of a PEM public or private key file.  0, or -1 with err. */
int rsign_pubkey_file(const char *path, char pub[RSIGN_KEY_HEX + 1], char *err, size_t errlen);

#endif

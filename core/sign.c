#include "config.h"
#include "core/sign.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* OpenSSL 3 looks an algorithm up by name, under a lock of its method store, at each use
 * of EVP_sha256() or HMAC() (its "implicit fetch"): 2 % of the server's CPU at ingest, two
 * signatures an upload.  SHA-256 is fetched once here, and HMAC-SHA-256 made once without
 * a key; each signature starts from a copy of it.  Should either fail, the one-shot calls
 * serve as before. */
static EVP_MD *sha256;
static EVP_MAC_CTX *hmac_sha256;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch(void)
{
  sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
  EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
  if (!mac)
    return;
  hmac_sha256 = EVP_MAC_CTX_new(mac); /* holds its own reference to mac */
  EVP_MAC_free(mac);
  OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
                    OSSL_PARAM_construct_end()};
  if (hmac_sha256 && !EVP_MAC_CTX_set_params(hmac_sha256, p)) {
    EVP_MAC_CTX_free(hmac_sha256);
    hmac_sha256 = NULL;
  }
}

static void to_hex(const unsigned char *d, size_t n, char *out)
{
  static const char hx[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hx[d[i] >> 4];
    out[2 * i + 1] = hx[d[i] & 15];
  }
  out[2 * n] = '\0';
}

void sign_sha256_hex(const void *data, size_t n, char out[SIGN_HEX_LEN + 1])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  pthread_once(&fetch_once, fetch);
  EVP_Digest(data, n, md, &len, sha256 ? sha256 : EVP_sha256(), NULL);
  to_hex(md, len, out);
}

/* HMAC-SHA-256 (RFC 2104, FIPS 198-1) of msg under secret. */
static void hmac_hex(const char *secret, const char *msg, char out[SIGN_HEX_LEN + 1])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  pthread_once(&fetch_once, fetch);
  EVP_MAC_CTX *c = hmac_sha256 ? EVP_MAC_CTX_dup(hmac_sha256) : NULL;
  size_t n = 0;
  if (c && EVP_MAC_init(c, (const unsigned char *)secret, strlen(secret), NULL) &&
      EVP_MAC_update(c, (const unsigned char *)msg, strlen(msg)) &&
      EVP_MAC_final(c, md, &n, sizeof md)) {
    EVP_MAC_CTX_free(c);
    to_hex(md, n, out);
    return;
  }
  EVP_MAC_CTX_free(c);
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg, strlen(msg), md,
       &len);
  to_hex(md, len, out);
}

void sign_request(const char *secret, const char *method, const char *path, int64_t ts,
                  const void *body, size_t n, char out[SIGN_HEX_LEN + 1])
{
  char bh[SIGN_HEX_LEN + 1], msg[2048];
  sign_sha256_hex(body, n, bh);
  snprintf(msg, sizeof msg, "%s\n%s\n%" PRId64 "\n%s", method, path, ts, bh);
  hmac_hex(secret, msg, out);
}

void sign_response(const char *secret, int status, int64_t ts, const char *req_sig,
                   const void *body, size_t n, char out[SIGN_HEX_LEN + 1])
{
  char bh[SIGN_HEX_LEN + 1], msg[512];
  sign_sha256_hex(body, n, bh);
  snprintf(msg, sizeof msg, "%d\n%" PRId64 "\n%s\n%s", status, ts, req_sig, bh);
  hmac_hex(secret, msg, out);
}

int sign_equal(const char *a, const char *b)
{
  if (strlen(a) != SIGN_HEX_LEN || strlen(b) != SIGN_HEX_LEN)
    return 0;
  return CRYPTO_memcmp(a, b, SIGN_HEX_LEN) == 0;
}

int sign_is_hex(const char *s)
{
  size_t i;
  for (i = 0; s[i]; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return 0;
  return i == SIGN_HEX_LEN;
}

int sign_random_hex(char *out, size_t nbytes)
{
  unsigned char buf[64];
  if (nbytes > sizeof buf || RAND_bytes(buf, (int)nbytes) != 1)
    return -1;
  to_hex(buf, nbytes, out);
  return 0;
}

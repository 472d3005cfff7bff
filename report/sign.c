#include "config.h"
#include "report/sign.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sign.h"

struct rsign_key {
  EVP_PKEY *pkey;
};

static const char hexd[] = "0123456789abcdef";

static void to_hex(const unsigned char *b, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hexd[b[i] >> 4];
    out[2 * i + 1] = hexd[b[i] & 15];
  }
  out[2 * n] = '\0';
}

static int from_hex(const char *s, size_t n, unsigned char *out)
{
  for (size_t i = 0; i < n; i++) {
    const char *a = strchr(hexd, s[2 * i]), *b = strchr(hexd, s[2 * i + 1]);
    if (!s[2 * i] || !s[2 * i + 1] || !a || !b)
      return -1;
    out[i] = (unsigned char)((a - hexd) << 4 | (b - hexd));
  }
  return 0;
}

static int pub_hex(EVP_PKEY *p, char pub[RSIGN_KEY_HEX + 1])
{
  unsigned char raw[32];
  size_t n = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(p, raw, &n) != 1 || n != 32)
    return -1;
  to_hex(raw, 32, pub);
  return 0;
}

static void fingerprint(const char *pub, char fp[RSIGN_KEY_HEX + 1])
{
  unsigned char raw[32];
  if (from_hex(pub, 32, raw) != 0)
    memset(raw, 0, sizeof raw);
  sign_sha256_hex(raw, sizeof raw, fp);
}

static EVP_PKEY *read_pem(const char *path, int *private_key, char *err, size_t errlen)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "%s: cannot be read: %s", path, strerror(errno));
    return NULL;
  }
  EVP_PKEY *p = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  *private_key = p != NULL;
  if (!p) {
    rewind(f);
    p = PEM_read_PUBKEY(f, NULL, NULL, NULL);
  }
  fclose(f);
  if (!p || EVP_PKEY_get_base_id(p) != EVP_PKEY_ED25519) {
    snprintf(err, errlen, "%s: not an Ed25519 key in PEM (make one with cvd report keygen "
             "FILE, or openssl genpkey -algorithm ed25519)", path);
    EVP_PKEY_free(p);
    return NULL;
  }
  return p;
}

struct rsign_key *rsign_key_load(const char *path, char *err, size_t errlen)
{
  int priv;
  EVP_PKEY *p = read_pem(path, &priv, err, errlen);
  if (p && !priv) {
    snprintf(err, errlen, "%s: a public key; signing needs the private key", path);
    EVP_PKEY_free(p);
    return NULL;
  }
  struct rsign_key *k = p ? malloc(sizeof *k) : NULL;
  if (k)
    k->pkey = p;
  return k;
}

struct rsign_key *rsign_key_new(void)
{
  EVP_PKEY *p = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
  struct rsign_key *k = p ? malloc(sizeof *k) : NULL;
  if (k)
    k->pkey = p;
  else
    EVP_PKEY_free(p);
  return k;
}

void rsign_key_free(struct rsign_key *k)
{
  if (!k)
    return;
  EVP_PKEY_free(k->pkey);
  free(k);
}

int rsign_keygen(const char *path, char *err, size_t errlen)
{
  EVP_PKEY *p = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
  int fd = p ? open(path, O_WRONLY | O_CREAT | O_EXCL, 0600) : -1;
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  int ok = f && PEM_write_PrivateKey(f, p, NULL, NULL, 0, NULL, NULL) == 1;
  if (f)
    ok = fclose(f) == 0 && ok;
  else if (fd >= 0)
    close(fd);
  EVP_PKEY_free(p);
  if (!ok)
    snprintf(err, errlen, "%s: cannot write a new key: %s", path,
             fd < 0 && errno == EEXIST ? "the file exists" : strerror(errno));
  return ok ? 0 : -1;
}

void rsign_key_public(const struct rsign_key *k, char pub[RSIGN_KEY_HEX + 1],
                      char fp[RSIGN_KEY_HEX + 1])
{
  if (pub_hex(k->pkey, pub) != 0)
    pub[0] = '\0';
  fingerprint(pub, fp);
}

int rsign_pubkey_file(const char *path, char pub[RSIGN_KEY_HEX + 1], char *err, size_t errlen)
{
  int priv;
  EVP_PKEY *p = read_pem(path, &priv, err, errlen);
  if (!p)
    return -1;
  int rc = pub_hex(p, pub);
  EVP_PKEY_free(p);
  if (rc != 0)
    snprintf(err, errlen, "%s: cannot read its public key", path);
  return rc;
}

/* The last occurrence of the format's marker `m`, and the offset of what follows it. */
static long find_last(const char *buf, size_t len, const char *m)
{
  size_t ml = strlen(m);
  for (size_t i = len >= ml ? len - ml + 1 : 0; i-- > 0;)
    if (memcmp(buf + i, m, ml) == 0)
      return (long)(i + ml);
  return -1;
}

/* Where the file's public key and signature sit (sign.h), or -1. */
static int locate(const char *buf, size_t len, long *pub, long *sig)
{
  static const char *const marks[][2] = {
      {"\"public_key\":\"", "\"value\":\""},
      {"<code id=\"public-key\">", "<code id=\"signature\">"},
      {"%CVD-Public-Key: ", "%CVD-Signature: "}};
  int f = len >= 4 && memcmp(buf, "%PDF", 4) == 0 ? 2 : len && buf[0] == '{' ? 0
          : len && buf[0] == '<' ? 1 : -1;
  if (f < 0)
    return -1;
  *pub = find_last(buf, len, marks[f][0]);
  *sig = find_last(buf, len, marks[f][1]);
  if (*pub < 0 || *sig < 0 || (size_t)*pub + RSIGN_KEY_HEX > len ||
      (size_t)*sig + RSIGN_SIG_HEX > len)
    return -1;
  return 0;
}

int rsign_sign(const struct rsign_key *k, char *buf, size_t len, char *err, size_t errlen)
{
  long pub, sig;
  if (locate(buf, len, &pub, &sig) != 0 ||
      memcmp(buf + sig, RSIGN_PLACEHOLDER, RSIGN_SIG_HEX) != 0) {
    snprintf(err, errlen, "the report has no place for its signature");
    return -1;
  }
  unsigned char s[64];
  size_t sl = sizeof s;
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  int ok = c && EVP_DigestSignInit(c, NULL, NULL, NULL, k->pkey) == 1 &&
           EVP_DigestSign(c, s, &sl, (const unsigned char *)buf, len) == 1 && sl == 64;
  EVP_MD_CTX_free(c);
  if (!ok) {
    snprintf(err, errlen, "signing failed (OpenSSL)");
    return -1;
  }
  char hex[RSIGN_SIG_HEX + 1];
  to_hex(s, 64, hex);
  memcpy(buf + sig, hex, RSIGN_SIG_HEX);
  return 0;
}

int rsign_verify(const char *buf, size_t len, const char *pin_pub, char fp[RSIGN_KEY_HEX + 1],
                 char *err, size_t errlen)
{
  long pub, sig;
  unsigned char raw_pub[32], s[64];
  if (locate(buf, len, &pub, &sig) != 0 || from_hex(buf + pub, 32, raw_pub) != 0 ||
      from_hex(buf + sig, 64, s) != 0) {
    snprintf(err, errlen, "not a signed cvd report (no Ed25519 public key and signature "
             "found)");
    return -1;
  }
  char pubhex[RSIGN_KEY_HEX + 1];
  memcpy(pubhex, buf + pub, RSIGN_KEY_HEX);
  pubhex[RSIGN_KEY_HEX] = '\0';
  fingerprint(pubhex, fp);
  if (pin_pub && strcmp(pin_pub, pubhex) != 0) {
    snprintf(err, errlen, "signed by key %.16s..., not by the key given with --pubkey", fp);
    return -1;
  }
  char *copy = malloc(len ? len : 1);
  EVP_PKEY *p = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw_pub, 32);
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  int ok = 0;
  if (copy && p && c) {
    memcpy(copy, buf, len);
    memset(copy + sig, '0', RSIGN_SIG_HEX);
    ok = EVP_DigestVerifyInit(c, NULL, NULL, NULL, p) == 1 &&
         EVP_DigestVerify(c, s, 64, (const unsigned char *)copy, len) == 1;
  }
  EVP_MD_CTX_free(c);
  EVP_PKEY_free(p);
  free(copy);
  if (!ok)
    snprintf(err, errlen, "the signature does not match the content: the report was changed "
             "after it was signed, or not signed by key %.16s...", fp);
  return ok ? 0 : -1;
}

#include "config.h"
#include "tests/certs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static FILE *open_private(const char *path)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f && fd >= 0)
    close(fd);
  return f;
}

static int write_cert(X509 *x, const char *path)
{
  FILE *f = open_private(path);
  if (!f)
    return -1;
  int ok = PEM_write_X509(f, x) == 1;
  return fclose(f) == 0 && ok ? 0 : -1;
}

static int write_key(EVP_PKEY *k, const char *path)
{
  FILE *f = open_private(path);
  if (!f)
    return -1;
  int ok = PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
  return fclose(f) == 0 && ok ? 0 : -1;
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
  X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if (!e)
    return -1;
  int ok = X509_add_ext(x, e, -1) == 1;
  X509_EXTENSION_free(e);
  return ok ? 0 : -1;
}

/* An unsigned certificate for key named cn, valid from now + from_s to now + to_s. */
static X509 *cert_new(EVP_PKEY *key, const char *cn, long from_s, long to_s, long serial)
{
  X509 *x = X509_new();
  X509_NAME *name = x ? X509_get_subject_name(x) : NULL;
  if (!x || X509_set_version(x, 2) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(x), serial) != 1 ||
      !X509_gmtime_adj(X509_getm_notBefore(x), from_s) ||
      !X509_gmtime_adj(X509_getm_notAfter(x), to_s) || X509_set_pubkey(x, key) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
                                 0) != 1) {
    X509_free(x);
    return NULL;
  }
  return x;
}

int tc_ca_new(struct test_ca *ca, const char *cn, const char *cert_path)
{
  EVP_PKEY *key = EVP_EC_gen("P-256");
  X509 *x = key ? cert_new(key, cn, -3600, 10L * 365 * 86400, 1) : NULL;
  if (!x || X509_set_issuer_name(x, X509_get_subject_name(x)) != 1 ||
      add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") != 0 ||
      add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") != 0 ||
      X509_sign(x, key, EVP_sha256()) == 0 || write_cert(x, cert_path) != 0) {
    X509_free(x);
    EVP_PKEY_free(key);
    return -1;
  }
  ca->key = key;
  ca->cert = x;
  return 0;
}

void tc_ca_free(struct test_ca *ca)
{
  X509_free(ca->cert);
  EVP_PKEY_free(ca->key);
  ca->cert = ca->key = NULL;
}

/* curl's pin: sha256 of the DER SubjectPublicKeyInfo, in base64. */
static int pin_of(EVP_PKEY *key, char *pin, size_t pinlen)
{
  unsigned char *der = NULL, md[SHA256_DIGEST_LENGTH], b64[64];
  int n = i2d_PUBKEY(key, &der);
  if (n <= 0 || pinlen < 8 + 45)
    return -1;
  SHA256(der, (size_t)n, md);
  OPENSSL_free(der);
  EVP_EncodeBlock(b64, md, sizeof md);
  snprintf(pin, pinlen, "sha256//%s", (const char *)b64);
  return 0;
}

int tc_server_cert(const struct test_ca *ca, long from_s, long to_s, const char *cert_path,
                   const char *key_path, char *pin, size_t pinlen)
{
  static long serial = 100;
  EVP_PKEY *key = EVP_EC_gen("P-256");
  X509 *x = key ? cert_new(key, "127.0.0.1", from_s, to_s, ++serial) : NULL;
  X509 *issuer = ca ? ca->cert : x;
  EVP_PKEY *signer = ca ? ca->key : key;
  int rc = -1;
  if (x && X509_set_issuer_name(x, X509_get_subject_name(issuer)) == 1 &&
      add_ext(x, issuer, NID_basic_constraints, ca ? "critical,CA:FALSE" : "critical,CA:TRUE") == 0 &&
      add_ext(x, issuer, NID_subject_alt_name, "IP:127.0.0.1") == 0 &&
      add_ext(x, issuer, NID_ext_key_usage, "serverAuth") == 0 &&
      X509_sign(x, signer, EVP_sha256()) != 0 && write_cert(x, cert_path) == 0 &&
      write_key(key, key_path) == 0 && (!pin || pin_of(key, pin, pinlen) == 0))
    rc = 0;
  X509_free(x);
  EVP_PKEY_free(key);
  return rc;
}

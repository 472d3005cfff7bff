/* Certificates made by the tests themselves (libcrypto): a CA, and server certificates it
 * signs for 127.0.0.1 with a chosen validity, so that TLS is tried with a real chain, a
 * wrong CA and an expired certificate.  EC P-256 keys; PEM files of mode 0600. */
#ifndef CVD_TESTS_CERTS_H
#define CVD_TESTS_CERTS_H

#include <stddef.h>

struct test_ca {
  void *key;    /* EVP_PKEY */
  void *cert;   /* X509 */
};

/* A new CA named cn, its certificate written to cert_path.  0 or -1. */
int tc_ca_new(struct test_ca *ca, const char *cn, const char *cert_path);
void tc_ca_free(struct test_ca *ca);
/* A server certificate for IP 127.0.0.1 signed by ca (NULL: self-signed), valid from
 * now + from_s to now + to_s (seconds of the wall clock), with its key.  pin, if not NULL,
 * gets curl's "sha256//BASE64" of its public key (pinlen >= 53).  0 or -1. */
int tc_server_cert(const struct test_ca *ca, long from_s, long to_s, const char *cert_path,
                   const char *key_path, char *pin, size_t pinlen);

#endif

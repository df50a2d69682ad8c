package dev.soci.core.registry.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An RSA key pair with a self-signed X.509 v3 certificate, made with plain JDK APIs: the
 * certificate's DER is written here (a handful of ASN.1 types) and signed with {@code
 * SHA256withRSA}, then parsed back by the JDK's {@link CertificateFactory} as a check.
 *
 * <p>Used as the signing identity of {@link TokenIssuer}: the registry lists the certificate in its
 * {@code rootcertbundle} and trusts JWTs whose {@code x5c} header carries it; and as the TLS
 * identity of an HTTPS {@link FakeRegistry} ({@link #generateForLoopback}).
 */
final class SelfSignedCertificate {
  private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";

  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private SelfSignedCertificate(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /** A new 2048-bit RSA identity named {@code CN=commonName}, valid for a day around now. */
  static SelfSignedCertificate generate(String commonName) {
    return generate(commonName, new byte[0]);
  }

  /**
   * As {@link #generate(String)}, for a TLS server on this machine: the certificate's subject
   * alternative names are {@code IP:127.0.0.1} and {@code DNS:localhost}, which HTTPS clients check
   * the host against (the common name is not used for that).
   */
  static SelfSignedCertificate generateForLoopback(String commonName) {
    byte[] names =
        seq(
            tlv(0x87, new byte[] {127, 0, 0, 1}), // [7] iPAddress
            tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII))); // [2] dNSName
    return generate(commonName, seq(oid(SUBJECT_ALT_NAME), tlv(0x04, names)));
  }

  private static SelfSignedCertificate generate(String commonName, byte[] moreExtensions) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair keyPair = generator.generateKeyPair();
      Instant now = Instant.now();
      byte[] algorithm = seq(oid(SHA256_WITH_RSA), new byte[] {0x05, 0x00});
      byte[] name = seq(set(seq(oid(COMMON_NAME), tlv(0x0c, utf8(commonName)))));
      byte[] basicConstraintsCa =
          seq(oid(BASIC_CONSTRAINTS), tlv(0x04, seq(new byte[] {0x01, 0x01, (byte) 0xff})));
      byte[] tbs =
          seq(
              tlv(0xa0, integer(BigInteger.TWO)), // version: v3
              integer(new BigInteger(63, new SecureRandom()).add(BigInteger.ONE)),
              algorithm,
              name,
              seq(utcTime(now.minus(Duration.ofHours(1))), utcTime(now.plus(Duration.ofDays(1)))),
              name,
              keyPair.getPublic().getEncoded(), // SubjectPublicKeyInfo, already DER
              tlv(0xa3, seq(basicConstraintsCa, moreExtensions)));
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(keyPair.getPrivate());
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] der = seq(tbs, algorithm, tlv(0x03, concat(new byte[] {0}, signature)));
      X509Certificate certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      certificate.verify(keyPair.getPublic());
      return new SelfSignedCertificate(keyPair, certificate);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not make a self-signed certificate", e);
    }
  }

  KeyPair keyPair() {
    return keyPair;
  }

  X509Certificate certificate() {
    return certificate;
  }

  /** A TLS context that presents this identity (a server's). */
  SSLContext serverContext() {
    try {
      char[] password = "fake".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", keyPair.getPrivate(), password, new Certificate[] {certificate});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("could not make a server TLS context", e);
    }
  }

  /** A TLS context that trusts this certificate and nothing else (a client's). */
  SSLContext trustingContext() {
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("trusted", certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("could not make a client TLS context", e);
    }
  }

  /** The certificate's DER bytes. */
  byte[] der() {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The certificate as one PEM block, as a registry's {@code rootcertbundle} holds it. */
  String pem() {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der());
    return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
  }

  /**
   * The key id libtrust (and so distribution 2.8) derives from the public key: SHA-256 of the DER
   * SubjectPublicKeyInfo, truncated to 240 bits, base32 in twelve groups of four joined by {@code
   * ':'}. A JWT whose {@code kid} header equals it is verified with this key.
   */
  String libtrustKeyId() {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(keyPair.getPublic().getEncoded());
      String base32 = base32(java.util.Arrays.copyOf(hash, 30));
      StringBuilder id = new StringBuilder();
      for (int i = 0; i < base32.length(); i += 4) {
        if (i > 0) {
          id.append(':');
        }
        id.append(base32, i, i + 4);
      }
      return id.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base32(byte[] data) {
    // 30 bytes are 240 bits: exactly 48 base32 characters, no padding.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  // --- minimal DER writer ---

  private static byte[] seq(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] set(byte[]... parts) {
    return tlv(0x31, concat(parts));
  }

  private static byte[] integer(BigInteger value) {
    return tlv(0x02, value.toByteArray());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] utcTime(Instant instant) {
    String text =
        DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
    return tlv(0x17, text.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      long arc = Long.parseLong(arcs[i]);
      int groups = 1;
      while ((arc >> (7 * groups)) != 0) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        int seven = (int) ((arc >> (7 * g)) & 0x7f);
        out.write(g == 0 ? seven : seven | 0x80);
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}

package dev.soci.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** WWW-Authenticate, Link, Content-Range, Retry-After and the upload Range header. */
class HeaderParsersTest {
  @Test
  void readsBearerAndBasicChallenges() {
    List<AuthChallenge> c =
        AuthChallenge.parse(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:samalba/my-app:pull,push\"");
    assertThat(c).hasSize(1);
    assertThat(c.get(0).scheme()).isEqualTo("bearer");
    assertThat(c.get(0).params())
        .containsExactly(
            Map.entry("realm", "https://auth.docker.io/token"),
            Map.entry("service", "registry.docker.io"),
            Map.entry("scope", "repository:samalba/my-app:pull,push"));

    List<AuthChallenge> two =
        AuthChallenge.parse(
            "Basic realm=\"Registry Realm\", Bearer realm=\"https://a/t\", error=\"invalid_token\"");
    assertThat(two).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
    assertThat(two.get(1).param("error")).isEqualTo("invalid_token");

    List<AuthChallenge> escaped = AuthChallenge.parse("BEARER Realm=\"a\\\"b\" , service=x");
    assertThat(escaped.get(0).param("realm")).isEqualTo("a\"b");
    assertThat(escaped.get(0).param("service")).isEqualTo("x");

    assertThat(AuthChallenge.parse("Basic"))
        .extracting(AuthChallenge::scheme)
        .containsExactly("basic");
    assertThat(AuthChallenge.parse("Negotiate abc==, Basic realm=r"))
        .extracting(AuthChallenge::scheme)
        .containsExactly("negotiate", "basic");
    assertThat(AuthChallenge.parse("")).isEmpty();
    assertThat(AuthChallenge.parse(List.of("Basic realm=a", "Bearer realm=b")))
        .extracting(AuthChallenge::scheme)
        .containsExactly("basic", "bearer");
  }

  @Test
  void challengeParserSurvivesRandomInput() {
    Random rnd = new Random(1);
    String alphabet = "Bearer realm=\"\\,; \t=abc";
    for (int i = 0; i < 50000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = rnd.nextInt(40); n > 0; n--) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      for (AuthChallenge c : AuthChallenge.parse(b.toString())) {
        assertThat(c.scheme()).isNotEmpty();
      }
    }
  }

  @Test
  void generatedChallengesRoundTrip() {
    Random rnd = new Random(3);
    for (int i = 0; i < 2000; i++) {
      String realm = "https://h" + i + "/t?x=\"" + (char) ('a' + rnd.nextInt(26)) + ",y";
      String service = "svc" + rnd.nextInt(100);
      String header =
          "Bearer realm=\""
              + realm.replace("\\", "\\\\").replace("\"", "\\\"")
              + "\","
              + (rnd.nextBoolean() ? " " : "")
              + "service="
              + service;
      AuthChallenge c = AuthChallenge.parse(header).get(0);
      assertThat(c.param("realm")).isEqualTo(realm);
      assertThat(c.param("service")).isEqualTo(service);
    }
  }

  @Test
  void readsLinkNext() {
    assertThat(LinkHeader.next("</v2/r/tags/list?last=b&n=2>; rel=\"next\""))
        .isEqualTo("/v2/r/tags/list?last=b&n=2");
    assertThat(LinkHeader.next("<a>; rel=prev, <b>; rel=\"next last\"")).isEqualTo("b");
    assertThat(LinkHeader.next("<a>; title=\"x, rel=next\"; rel=prev")).isNull();
    assertThat(LinkHeader.next("<a>; rel=prev")).isNull();
    assertThat(LinkHeader.next("garbage")).isNull();
    assertThat(LinkHeader.next("<unterminated; rel=next")).isNull();
    assertThat(LinkHeader.next(List.of("<a>; rel=prev", "<c>; REL=NEXT"))).isEqualTo("c");
    assertThat(
            LinkHeader.resolveNext(
                URI.create("http://h:1/v2/x/tags/list"),
                List.of("</v2/x/tags/list?last=a>; rel=next")))
        .isEqualTo(URI.create("http://h:1/v2/x/tags/list?last=a"));
    assertThat(LinkHeader.resolveNext(URI.create("http://h/"), List.of("<a b>; rel=next")))
        .isNull();
  }

  @Test
  void linkParserSurvivesRandomInput() {
    Random rnd = new Random(5);
    String alphabet = "<>;,=\" relnext/?";
    for (int i = 0; i < 50000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = rnd.nextInt(40); n > 0; n--) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String next = LinkHeader.next(b.toString());
      if (next != null) {
        assertThat(b.toString()).contains("<");
      }
    }
  }

  @Test
  void readsContentRange() {
    assertThat(ContentRange.parse("bytes 0-99/1000")).isEqualTo(new ContentRange(0, 99, 1000));
    assertThat(ContentRange.parse("bytes 5-5/*")).isEqualTo(new ContentRange(5, 5, -1));
    assertThat(ContentRange.parse("BYTES 1-2/3")).isEqualTo(new ContentRange(1, 2, 3));
    assertThat(ContentRange.parse("bytes */1000")).isEqualTo(new ContentRange(-1, -1, 1000));
    for (String bad :
        new String[] {
          null,
          "",
          "bytes",
          "bytes 9-1/10",
          "bytes 0-10/10",
          "bytes -1-2/3",
          "items 0-1/2",
          "bytes 0-1",
          "bytes a-b/c",
          "bytes */*",
          "bytes 0-99999999999999999999/1"
        }) {
      assertThat(ContentRange.parse(bad)).as(String.valueOf(bad)).isNull();
    }
  }

  @Test
  void contentRangeRoundTripsAndSurvivesRandomInput() {
    Random rnd = new Random(9);
    for (int i = 0; i < 10000; i++) {
      long first = rnd.nextLong() >>> 2;
      long last = first + (rnd.nextInt(1 << 20));
      long total = rnd.nextBoolean() ? -1 : last + 1 + rnd.nextInt(100);
      String h = "bytes " + first + "-" + last + "/" + (total < 0 ? "*" : total);
      ContentRange cr = ContentRange.parse(h);
      assertThat(cr).isEqualTo(new ContentRange(first, last, total));
      assertThat(cr.length()).isEqualTo(last - first + 1);
    }
    String alphabet = "bytes 0123456789-/*";
    for (int i = 0; i < 50000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = rnd.nextInt(25); n > 0; n--) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      ContentRange cr = ContentRange.parse(b.toString());
      if (cr != null && cr.first() >= 0) {
        assertThat(cr.last()).isGreaterThanOrEqualTo(cr.first());
      }
    }
  }

  @Test
  void readsRetryAfter() {
    Instant now = Instant.parse("2026-12-05T10:00:00Z");
    assertThat(RetryAfter.parse("120", now)).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("Sat, 05 Dec 2026 10:00:30 GMT", now))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Saturday, 05-Dec-26 10:01:00 GMT", now))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(RetryAfter.parse("Sat Dec  5 10:00:05 2026", now)).isEqualTo(Duration.ofSeconds(5));
    assertThat(RetryAfter.parse("Sat, 05 Dec 2026 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("99999999999999999999", now)).isGreaterThan(Duration.ofDays(365));
    for (String bad :
        new String[] {null, "", "-1", "soon", "1.5", "Sat, 99 Dec 2026 10:00:00 GMT"}) {
      assertThat(RetryAfter.parse(bad, now)).as(String.valueOf(bad)).isNull();
    }
  }

  @Test
  void retryAfterSurvivesRandomInput() {
    Random rnd = new Random(11);
    String alphabet = "0123456789 ,:SatDecGMT-";
    Instant now = Instant.EPOCH;
    for (int i = 0; i < 20000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = rnd.nextInt(32); n > 0; n--) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      Duration d = RetryAfter.parse(b.toString(), now);
      if (d != null) {
        assertThat(d.isNegative()).isFalse();
      }
    }
  }

  @Test
  void readsUploadRange() {
    assertThat(Repository.uploadRange("0-99")).isEqualTo(new ContentRange(0, 99, -1));
    assertThat(Repository.uploadRange("bytes=0-9")).isEqualTo(new ContentRange(0, 9, -1));
    assertThat(Repository.uploadRange("5-9")).isNull();
    assertThat(Repository.uploadRange("x")).isNull();
    assertThat(Repository.uploadRange(null)).isNull();
  }

  @Test
  void redactsQueryValuesAndUserInfo() {
    URI presigned =
        URI.create(
            "https://user:pw@bucket.s3.amazonaws.com/docker/blob?X-Amz-Signature=abc&X-Amz-Credential=AKIA&n=5#frag");
    String r = Urls.redact(presigned);
    assertThat(r)
        .isEqualTo(
            "https://bucket.s3.amazonaws.com/docker/blob?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&n=5");
    assertThat(r).doesNotContain("abc", "AKIA", "pw", "user");
    assertThat(
            Urls.redact(
                URI.create("http://h:5000/v2/r/blobs/uploads/u?_state=secret&digest=sha256:00")))
        .isEqualTo("http://h:5000/v2/r/blobs/uploads/u?_state=REDACTED&digest=sha256:00");
    assertThat(Urls.redact(URI.create("http://h/?token"))).isEqualTo("http://h/?REDACTED");
  }

  @Test
  void recognizesLoopbackOnly() {
    assertThat(Urls.isLoopback("127.0.0.1:5000")).isTrue();
    assertThat(Urls.isLoopback("localhost")).isTrue();
    assertThat(Urls.isLoopback("[::1]:80")).isTrue();
    assertThat(Urls.isLoopback("127.evil.com")).isFalse();
    assertThat(Urls.isLoopback("example.com")).isFalse();
    assertThat(Urls.isLoopback("localhost.example.com")).isFalse();
  }

  @Test
  void appendsParametersKeepingTheQuery() {
    assertThat(Urls.withParam(URI.create("http://h/u?_state=x"), "digest", "sha256:ab"))
        .isEqualTo(URI.create("http://h/u?_state=x&digest=sha256%3Aab"));
    assertThat(Urls.withParam(URI.create("http://h/u"), "a", "b c"))
        .isEqualTo(URI.create("http://h/u?a=b+c"));
  }
}

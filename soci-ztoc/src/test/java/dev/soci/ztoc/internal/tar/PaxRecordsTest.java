package dev.soci.ztoc.internal.tar;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Go's {@code strconv.ParseInt} and {@code parsePAXTime} as used for PAX values. */
class PaxRecordsTest {
  private static Long parseInt(String s) {
    return PaxRecords.parseInt(s.getBytes(UTF_8));
  }

  private static long[] time(String s) {
    return PaxRecords.parseTime(s.getBytes(UTF_8));
  }

  @Test
  void parseIntLikeGo() {
    assertThat(parseInt("0")).isZero();
    assertThat(parseInt("+42")).isEqualTo(42);
    assertThat(parseInt("-42")).isEqualTo(-42);
    assertThat(parseInt("007")).isEqualTo(7);
    assertThat(parseInt("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(parseInt("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(parseInt("9223372036854775808")).isNull();
    assertThat(parseInt("-9223372036854775809")).isNull();
    assertThat(parseInt("99999999999999999999")).isNull();
    for (String bad : new String[] {"", "+", "-", " 1", "1 ", "1_000", "0x1", "1e3", "--1"}) {
      assertThat(parseInt(bad)).as(bad).isNull();
    }
  }

  @Test
  void paxTimeLikeGo() {
    assertThat(time("1700000000")).containsExactly(1_700_000_000L, 0);
    assertThat(time("1700000000.25")).containsExactly(1_700_000_000L, 250_000_000);
    assertThat(time("1.")).containsExactly(1, 0);
    assertThat(time("1.0000000019")).containsExactly(1, 1); // truncated to 9 digits
    assertThat(time("1.123456789999")).containsExactly(1, 123_456_789);
    assertThat(time("-1.5")).containsExactly(-2, 500_000_000); // -1 s - 0.5 s
    assertThat(time("-0.25")).containsExactly(-1, 750_000_000);
    assertThat(time("-3")).containsExactly(-3, 0);
    assertThat(time("-3.0")).containsExactly(-3, 0);
    assertThat(time("+3.5")).containsExactly(3, 500_000_000);
    for (String bad : new String[] {"", ".5", "1.5x", "1.2.3", "1. 5", "x", "1.-5"}) {
      assertThat(time(bad)).as(bad).isNull();
    }
  }
}

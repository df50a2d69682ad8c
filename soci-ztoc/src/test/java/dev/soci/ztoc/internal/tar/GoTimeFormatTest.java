package dev.soci.ztoc.internal.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Go's {@code time.Time.MarshalText}, cases from {@code toc.md} section 5. */
class GoTimeFormatTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static String utc(long seconds, int nanos) {
    return GoTimeFormat.marshalText(seconds, nanos, ZoneOffset.UTC);
  }

  @Test
  void utcExamples() {
    assertThat(utc(1_700_000_000L, 0)).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(utc(1_700_000_000L, 250_000_000)).isEqualTo("2023-11-14T22:13:20.25Z");
    assertThat(
            GoTimeFormat.marshalText(
                Instant.parse("2023-01-02T03:04:05.123456789Z"), ZoneOffset.UTC))
        .isEqualTo("2023-01-02T03:04:05.123456789Z");
    assertThat(utc(0, 0)).isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void fractionsTrimTrailingZerosOnly() {
    assertThat(utc(0, 1)).isEqualTo("1970-01-01T00:00:00.000000001Z");
    assertThat(utc(0, 100_000_000)).isEqualTo("1970-01-01T00:00:00.1Z");
    assertThat(utc(0, 120_000)).isEqualTo("1970-01-01T00:00:00.00012Z");
    assertThat(utc(0, 999_999_999)).isEqualTo("1970-01-01T00:00:00.999999999Z");
  }

  @Test
  void zones() {
    assertThat(GoTimeFormat.marshalText(1_700_000_000L, 250_000_000, BERLIN))
        .isEqualTo("2023-11-14T23:13:20.25+01:00");
    assertThat(GoTimeFormat.marshalText(1_690_000_000L, 0, BERLIN)) // summer time
        .isEqualTo("2023-07-22T06:26:40+02:00");
    assertThat(GoTimeFormat.marshalText(0, 0, ZoneId.of("America/St_Johns")))
        .isEqualTo("1969-12-31T20:30:00-03:30");
    assertThat(GoTimeFormat.marshalText(0, 0, ZoneOffset.ofHoursMinutes(5, 45)))
        .isEqualTo("1970-01-01T05:45:00+05:45");
    // A zone whose offset is 0 is written as Z, whatever its name.
    assertThat(GoTimeFormat.marshalText(0, 0, ZoneId.of("Europe/London")))
        .isEqualTo("1970-01-01T01:00:00+01:00"); // British Standard Time in 1970
    assertThat(GoTimeFormat.marshalText(1_700_000_000L, 0, ZoneId.of("Europe/London")))
        .isEqualTo("2023-11-14T22:13:20Z");
  }

  @Test
  void offsetSecondsAreTruncatedLikeGo() {
    // Go prints offset/60 minutes, truncated toward zero; a non-zero offset is never 'Z'.
    assertThat(GoTimeFormat.marshalText(0, 0, ZoneOffset.ofTotalSeconds(-75)))
        .isEqualTo("1969-12-31T23:58:45-00:01");
    assertThat(GoTimeFormat.marshalText(0, 0, ZoneOffset.ofTotalSeconds(-45)))
        .isEqualTo("1969-12-31T23:59:15+00:00");
    assertThat(GoTimeFormat.marshalText(0, 0, ZoneOffset.ofTotalSeconds(3_725)))
        .isEqualTo("1970-01-01T01:02:05+01:02");
  }

  @Test
  void negativeTimes() {
    assertThat(utc(-2, 500_000_000)).isEqualTo("1969-12-31T23:59:58.5Z");
    assertThat(utc(-1_000_000_000L, 0)).isEqualTo("1938-04-24T22:13:20Z");
    assertThat(utc(-62_135_596_800L, 0)).isEqualTo("0001-01-01T00:00:00Z");
  }

  @Test
  void yearsOutsideZeroTo9999AreEmpty() {
    assertThat(utc(253_402_300_799L, 999_999_999)).isEqualTo("9999-12-31T23:59:59.999999999Z");
    assertThat(utc(253_402_300_800L, 0)).isEmpty();
    assertThat(utc(253_402_300_800L, 500_000_000)).isEmpty();
    assertThat(utc(-62_167_219_200L, 0)).isEqualTo("0000-01-01T00:00:00Z");
    assertThat(utc(-62_167_219_201L, 0)).isEmpty();
    assertThat(utc(Long.MAX_VALUE, 0)).isEmpty();
    assertThat(utc(Long.MIN_VALUE, 0)).isEmpty();
    // The year is checked in the zone: 9999-12-31T23:30Z is year 10000 in Berlin.
    assertThat(GoTimeFormat.marshalText(253_402_299_000L, 0, BERLIN)).isEmpty();
    assertThat(GoTimeFormat.marshalText(-62_167_219_200L, 0, ZoneOffset.ofHours(-1))).isEmpty();
  }

  @Test
  void rejectsBadNanos() {
    assertThatThrownBy(() -> utc(0, 1_000_000_000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> utc(0, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}

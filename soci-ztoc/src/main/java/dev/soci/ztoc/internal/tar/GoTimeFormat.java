package dev.soci.ztoc.internal.tar;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Formats instants exactly like Go's {@code time.Time.MarshalText} (RFC 3339 with nanoseconds),
 * which is how upstream soci stores a TOC entry's {@code mod_time}: {@code YYYY-MM-DDTHH:MM:SS},
 * then {@code .} and the fractional seconds with trailing zeros removed (nothing when the
 * nanoseconds are 0), then {@code Z} when the zone offset at that instant is 0, otherwise {@code
 * +HH:MM} / {@code -HH:MM} (seconds of the offset dropped, as Go does). Go refuses to format years
 * outside 0..9999 (in the given zone); upstream ignores that error and stores the empty string, and
 * so does this class. Stateless and thread-safe.
 */
public final class GoTimeFormat {
  // Outside this range the year is outside 0..9999 in every zone (offsets are at most 18 h).
  private static final long MIN_SECONDS = -62_167_219_200L - 2 * 86_400L; // 0000-01-01T00:00Z
  private static final long MAX_SECONDS = 253_402_300_799L + 2 * 86_400L; // 9999-12-31T23:59:59Z

  private GoTimeFormat() {}

  /**
   * Formats {@code epochSecond} + {@code nanos} in {@code zone} as Go's {@code MarshalText} would.
   *
   * @param epochSecond seconds since 1970-01-01T00:00:00Z (any value)
   * @param nanos nanoseconds within the second, 0..999,999,999
   * @param zone the zone whose offset at that instant is used (upstream: the build host's local
   *     zone; normally UTC)
   * @return the text, or {@code ""} when the year in that zone is outside 0..9999
   */
  public static String marshalText(long epochSecond, int nanos, ZoneId zone) {
    if (nanos < 0 || nanos > 999_999_999) {
      throw new IllegalArgumentException("nanos out of range: " + nanos);
    }
    if (epochSecond < MIN_SECONDS || epochSecond > MAX_SECONDS) {
      return "";
    }
    ZoneOffset offset =
        zone instanceof ZoneOffset
            ? (ZoneOffset) zone
            : zone.getRules().getOffset(Instant.ofEpochSecond(epochSecond));
    int offsetSeconds = offset.getTotalSeconds();
    long local = epochSecond + offsetSeconds;
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(local, 86_400L));
    int year = date.getYear();
    if (year < 0 || year > 9999) {
      return "";
    }
    int secondOfDay = (int) Math.floorMod(local, 86_400L);
    StringBuilder sb = new StringBuilder(35);
    digits(sb, year, 4);
    sb.append('-');
    digits(sb, date.getMonthValue(), 2);
    sb.append('-');
    digits(sb, date.getDayOfMonth(), 2);
    sb.append('T');
    digits(sb, secondOfDay / 3600, 2);
    sb.append(':');
    digits(sb, secondOfDay / 60 % 60, 2);
    sb.append(':');
    digits(sb, secondOfDay % 60, 2);
    if (nanos != 0) {
      int digitsLeft = 9;
      int n = nanos;
      while (n % 10 == 0) {
        n /= 10;
        digitsLeft--;
      }
      sb.append('.');
      digits(sb, n, digitsLeft);
    }
    if (offsetSeconds == 0) {
      return sb.append('Z').toString();
    }
    int minutes = offsetSeconds / 60; // truncates toward zero, like Go
    if (minutes < 0) {
      sb.append('-');
      minutes = -minutes;
    } else {
      sb.append('+');
    }
    digits(sb, minutes / 60, 2);
    sb.append(':');
    digits(sb, minutes % 60, 2);
    return sb.toString();
  }

  /**
   * Formats {@code instant} in {@code zone} as Go's {@code MarshalText} would; see {@link
   * #marshalText(long, int, ZoneId)}.
   */
  public static String marshalText(Instant instant, ZoneId zone) {
    return marshalText(instant.getEpochSecond(), instant.getNano(), zone);
  }

  private static void digits(StringBuilder sb, int value, int width) {
    int start = sb.length();
    for (int i = 0; i < width; i++) {
      sb.append('0');
    }
    for (int i = start + width - 1; i >= start; i--) {
      sb.setCharAt(i, (char) ('0' + value % 10));
      value /= 10;
    }
  }
}

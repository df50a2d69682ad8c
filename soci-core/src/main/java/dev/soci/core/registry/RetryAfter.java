package dev.soci.core.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * A {@code Retry-After} header (RFC 9110 section 10.2.3): delay seconds or an HTTP date
 * (IMF-fixdate, and the obsolete RFC 850 and asctime forms). A date in the past is a zero delay.
 */
final class RetryAfter {
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US)
          .withZone(java.time.ZoneOffset.UTC);

  private RetryAfter() {}

  /** The delay the header asks for, relative to {@code now}, or null when it cannot be read. */
  static Duration parse(String value, Instant now) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (v.isEmpty()) {
      return null;
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // absurdly long values are capped; the caller's deadline bounds the wait anyway
      return Duration.ofSeconds(v.length() > 12 ? 999_999_999_999L : ContentRange.number(v));
    }
    Instant when = date(v);
    if (when == null) {
      return null;
    }
    Duration d = Duration.between(now, when);
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static Instant date(String v) {
    for (DateTimeFormatter f :
        new DateTimeFormatter[] {DateTimeFormatter.RFC_1123_DATE_TIME, RFC_850}) {
      try {
        return ZonedDateTime.parse(v, f).toInstant();
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    try {
      return ASCTIME.parse(v, Instant::from);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}

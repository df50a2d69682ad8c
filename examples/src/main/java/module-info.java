/**
 * The tour's programs, as a user's application module: like README's module block, it requires only
 * {@code dev.soci.core} (which brings {@code dev.soci.ztoc}, {@code dev.soci.oci} and {@code
 * dev.soci.common} along), so the tests run the programs on the module path; the notification
 * worker also uses the JDK's {@code jdk.httpserver}. Nothing is exported: each program is a {@code
 * main}.
 */
module dev.soci.examples {
  requires dev.soci.core;
  requires jdk.httpserver;
}

/**
 * What every soci-java module shares: the root of the library's exceptions ({@link
 * dev.soci.common.SociException}), and, for the library's own modules only, Go's string rules and
 * the atomic file writer.
 */
@SuppressWarnings("module") // dev.soci.cli is built after this module
module dev.soci.common {
  exports dev.soci.common;
  exports dev.soci.common.internal to
      dev.soci.oci,
      dev.soci.ztoc,
      dev.soci.core,
      dev.soci.cli;
}

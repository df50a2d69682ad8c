/**
 * The SOCI format core: a pure-Java gzip/deflate decoder that reports block boundaries, zinfo
 * checkpoints and span arithmetic, the tar table of contents, and the zTOC model with its
 * byte-exact flatbuffers codec. No network access.
 */
@SuppressWarnings("module") // dev.soci.core is built after this module
module dev.soci.ztoc {
  requires transitive dev.soci.common;

  exports dev.soci.ztoc;
  exports dev.soci.ztoc.zinfo;

  // The decoder is not public API: soci-core reads seekable gzip through it.
  exports dev.soci.ztoc.gzip to
      dev.soci.core;
}

/**
 * Builds a zTOC's table of contents from an uncompressed tar stream, reproducing Go's {@code
 * archive/tar} and upstream soci (see {@code toc.md}). Internal: not exported from the module.
 */
package dev.soci.ztoc.internal.tar;

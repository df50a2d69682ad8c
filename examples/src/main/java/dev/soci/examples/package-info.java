/**
 * Small runnable programs that use the library, one job each; the README's tour shows their {@code
 * main} bodies, and {@code ReadmeExamplesTest} keeps the two identical. Each program is run by a
 * test that checks its output against an oracle (tar's bytes, upstream's zTOCs, skopeo).
 *
 * <ul>
 *   <li>{@link dev.soci.examples.IndexLayer}: build a layer's zTOC;
 *   <li>{@link dev.soci.examples.ReadFile}: read one file of a compressed layer;
 *   <li>{@link dev.soci.examples.ExtractLayer}: extract a layer safely;
 *   <li>{@link dev.soci.examples.IndexImage}: create and convert SOCI indexes in an OCI layout;
 *   <li>{@link dev.soci.examples.ReadImageFile}: read a file of an image lazily, from a layout;
 *   <li>{@link dev.soci.examples.ListPackages}: an image as a {@code java.nio} file system.
 * </ul>
 *
 * <p>Registry examples (push an image with its SOCI indexes; read a file lazily from a registry)
 * belong here too, each with its test and a README section under "A five-minute tour".
 */
package dev.soci.examples;

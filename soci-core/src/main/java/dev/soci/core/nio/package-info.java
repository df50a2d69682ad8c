/**
 * Images as {@code java.nio} file systems: {@link dev.soci.core.nio.SociFileSystemProvider} (scheme
 * {@code soci}) opens an image of an OCI layout or a registry as a read-only {@link
 * java.nio.file.FileSystem} whose files are fetched lazily, span by span, through the image's SOCI
 * index.
 */
package dev.soci.core.nio;

package dev.soci.core.nio;

import dev.soci.core.image.ContentSource;
import java.io.IOException;

/**
 * Opens a {@link ContentSource} on a repository of a registry, for the {@code soci://} URIs of
 * {@link SociFileSystemProvider}. The provider finds an implementation with {@link
 * java.util.ServiceLoader} ({@code provides dev.soci.core.nio.RegistrySourceFactory with ...}), or
 * is given one ({@link SociFileSystemProvider#SociFileSystemProvider(RegistrySourceFactory)}).
 * Implementations are thread-safe.
 */
public interface RegistrySourceFactory {
  /**
   * Opens the repository {@code repository} of the registry {@code registry}.
   *
   * @param registry {@code host} or {@code host:port}
   * @param repository the repository, such as {@code library/debian}
   * @param options the file system's options: {@link FileSystemOptions#plainHttp()}, the
   *     credentials (absent: docker's {@code config.json}), and the rest
   * @throws IOException if the registry cannot be reached or refuses access
   */
  ContentSource open(String registry, String repository, FileSystemOptions options)
      throws IOException;
}

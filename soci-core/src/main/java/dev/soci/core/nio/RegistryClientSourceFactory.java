package dev.soci.core.nio;

import dev.soci.core.image.ContentSource;
import dev.soci.core.image.RegistrySource;
import dev.soci.core.registry.ImageReference;
import dev.soci.core.registry.Registry;

/**
 * The registry support built into this library: {@code soci://} URIs read through {@link Registry}
 * (HTTPS unless {@code plainHttp} or a loopback host; the {@code username}/{@code password} keys,
 * or else docker's {@code config.json}). Used when no other {@link RegistrySourceFactory} is given
 * or installed.
 */
final class RegistryClientSourceFactory implements RegistrySourceFactory {
  @Override
  public ContentSource open(String registry, String repository, FileSystemOptions options) {
    Registry.Builder builder = Registry.builder().plainHttp(options.plainHttp());
    if (options.username() != null) {
      char[] password = options.password() == null ? new char[0] : options.password();
      builder.credentials(options.username(), new String(password));
    }
    // A tag is needed only to parse the name; the image itself is resolved by the file system.
    ImageReference ref = ImageReference.parse(registry + "/" + repository + ":latest");
    return RegistrySource.of(builder.build(), ref);
  }
}

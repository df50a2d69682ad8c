/** What users embed: seekable layers over blob sources, and SOCI index building. */
module dev.soci.core {
  requires transitive dev.soci.ztoc;
  requires transitive dev.soci.oci;
  requires java.net.http;

  exports dev.soci.core;
  exports dev.soci.core.index;
  exports dev.soci.core.extract;
  exports dev.soci.core.image;
  exports dev.soci.core.registry;
  exports dev.soci.core.nio;

  uses dev.soci.core.nio.RegistrySourceFactory;

  provides java.nio.file.spi.FileSystemProvider with
      dev.soci.core.nio.SociFileSystemProvider;
}

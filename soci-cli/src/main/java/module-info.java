/**
 * The {@code soci} command line: builds, lists and extracts zTOCs and creates and converts SOCI
 * indexes of OCI image layouts. Main class {@code dev.soci.cli.SociCommand}; nothing is exported.
 */
module dev.soci.cli {
  requires dev.soci.core;
  requires dev.soci.common; // AtomicFiles (exported to this module)
  requires java.logging; // --verbose turns on the registry client's System.Logger output
}

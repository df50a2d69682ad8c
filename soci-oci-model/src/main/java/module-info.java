/**
 * The OCI image and SOCI index data model, its Go-canonical JSON form, and OCI image layouts
 * (directories as {@code skopeo} and {@code umoci} write them).
 */
// "module": dev.soci.core, the target of the qualified export, is compiled after this module.
@SuppressWarnings("module")
module dev.soci.oci {
  requires transitive dev.soci.common;
  requires com.fasterxml.jackson.core;

  exports dev.soci.oci;
  exports dev.soci.oci.layout;
  exports dev.soci.oci.internal to
      dev.soci.core;
}

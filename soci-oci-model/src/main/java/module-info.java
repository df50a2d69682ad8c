/** The OCI image and SOCI index data model and its JSON form. */
module dev.soci.oci {
  exports dev.soci.oci;
}

/** OCI image and SOCI index data model. */
package dev.soci.oci;

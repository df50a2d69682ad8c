/**
 * The OCI image and SOCI index data model: {@link dev.soci.oci.Digest}, {@link
 * dev.soci.oci.Descriptor}, {@link dev.soci.oci.Platform}, {@link dev.soci.oci.ImageManifest},
 * {@link dev.soci.oci.ImageIndex}, {@link dev.soci.oci.SociIndex}, media types and annotations, and
 * {@link dev.soci.oci.OciJson}: Go's exact JSON encoding and a strict decoder.
 */
package dev.soci.oci;

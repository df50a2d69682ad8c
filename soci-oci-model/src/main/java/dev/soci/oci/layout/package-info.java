/**
 * OCI image layouts: {@link dev.soci.oci.layout.OciLayout} reads images by tag or digest with every
 * blob verified, and writes blobs and {@code index.json} atomically through transactions.
 */
package dev.soci.oci.layout;

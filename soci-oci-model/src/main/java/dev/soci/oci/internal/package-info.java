/** Internals of the OCI model shared with the library's other modules; not public API. */
package dev.soci.oci.internal;

/** A pure-Java gzip/deflate decoder that reports block boundaries, and span readers. */
package dev.soci.ztoc.gzip;

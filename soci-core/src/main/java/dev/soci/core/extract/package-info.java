/**
 * Safe extraction of a layer's files to a directory ({@link dev.soci.core.extract.LayerExtractor}):
 * no path escapes, no writing through symbolic links that lead outside, no overwriting unless
 * asked, no device files or special mode bits unless asked.
 */
package dev.soci.core.extract;

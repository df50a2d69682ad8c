/** Seekable layers: read files out of compressed layers through their zTOCs. */
package dev.soci.core;

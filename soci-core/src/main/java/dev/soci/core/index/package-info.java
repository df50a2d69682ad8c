/**
 * SOCI index building over OCI image layouts: {@link dev.soci.core.index.SociIndexBuilder} ({@code
 * create} for v1 indexes, {@code convert} for SOCI-enabled images with v2 indexes) and {@link
 * dev.soci.core.index.SociIndexCatalog} (the indexes and zTOCs a layout holds).
 */
package dev.soci.core.index;

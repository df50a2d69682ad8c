/**
 * Images read lazily: {@link dev.soci.core.image.SociImage} opens one platform of an image from a
 * {@link dev.soci.core.image.ContentSource} ({@link dev.soci.core.image.OciLayoutSource} for OCI
 * image layouts), discovers its SOCI index, and resolves paths through the merged view of its
 * layers.
 *
 * <p>The merged view follows the OCI image spec's changeset rules, as a container runtime applies
 * them layer after layer:
 *
 * <ul>
 *   <li>{@code .wh.<name>} deletes {@code name} (and everything below it) of the layers below; an
 *       entry of the same layer as the whiteout stays visible;
 *   <li>{@code .wh..wh..opq} in a directory hides what the layers below have in it; other {@code
 *       .wh..wh.*} names are ignored; whiteout files never show;
 *   <li>a non-directory replaces what the layers below have at its path, and hides what they have
 *       below it; a directory merges with the directories below;
 *   <li>a directory that a layer has no entry for but holds entries in is a directory of that layer
 *       (mode 0755, owner 0): the entry of a lower layer describes it if there is one;
 *   <li>a path that occurs twice in one layer is its last entry;
 *   <li>a hard link names its target's data: the target is looked up in the link's own layer, then
 *       through the merged view of the layers below;
 *   <li>symbolic links are resolved as the kernel resolves them in a {@code chroot} at the image
 *       root: in every component, relative to the link's directory or, absolute, to the root;
 *       {@code ..} at the root stays there; at most 40 links per lookup.
 * </ul>
 *
 * Layers are numbered from 0, the bottom one, in the API; messages count from 1.
 */
package dev.soci.core.image;

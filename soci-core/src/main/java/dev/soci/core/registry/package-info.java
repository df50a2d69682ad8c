/**
 * A client of OCI distribution registries on {@code java.net.http}: {@link
 * dev.soci.core.registry.Registry} (connections, credentials, tokens) and {@link
 * dev.soci.core.registry.Repository} (manifests, blobs, uploads, tags, referrers), references
 * parsed by {@link dev.soci.core.registry.ImageReference}, one exception type {@link
 * dev.soci.core.registry.RegistryException}.
 */
package dev.soci.core.registry;

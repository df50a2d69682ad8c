package dev.soci.core.image;

import java.time.Duration;

/**
 * What a {@link SociImage} has fetched from its {@link ContentSource} since it was opened.
 *
 * @param bytesFetched every byte fetched: documents (manifests, the SOCI index, zTOCs) and layer
 *     data
 * @param requests every request to the source: one per reference resolved, per referrers listing,
 *     per document, per layer range read and per whole layer
 * @param layerBytesFetched the bytes of layer blobs fetched (ranges and whole layers)
 * @param layerRequests the range reads and whole-layer fetches of layer blobs
 * @param spansFetched spans of zTOC-indexed layers whose verified bytes were fetched (prefetched
 *     ones included)
 * @param spansFromCache spans served from the span cache (or from a fetch of the same span already
 *     under way) without a fetch of their own
 * @param imageLayerBytes the compressed size of all the image's layers, for {@link #layerShare()}
 * @param elapsed the time since the image was opened
 * @param layersIgnoringRanges layers whose source ignored range requests and answered with the
 *     whole blob (a registry or proxy without range support: each read then costs the blob up to
 *     its end; see {@link dev.soci.core.registry.RegistryBlobSource})
 * @param spansPrefetched spans fetched by the background prefetch of the SOCI index's prefetch
 *     artifacts (also counted in {@code spansFetched})
 */
public record ImageStatistics(
    long bytesFetched,
    long requests,
    long layerBytesFetched,
    long layerRequests,
    long spansFetched,
    long spansFromCache,
    long imageLayerBytes,
    Duration elapsed,
    long layersIgnoringRanges,
    long spansPrefetched) {

  /** The layer bytes fetched as a share of the image's layer bytes, from 0 to 1 (0 for none). */
  public double layerShare() {
    return imageLayerBytes == 0 ? 0 : (double) layerBytesFetched / imageLayerBytes;
  }
}

package dev.soci.oci;

/** Annotation keys used by OCI image layouts and by SOCI. */
public final class Annotations {
  private Annotations() {}

  /** The name (tag) of a manifest in an image layout's {@code index.json}. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** On a zTOC descriptor: the media type of the image layer it indexes. */
  public static final String SOCI_IMAGE_LAYER_MEDIA_TYPE = "com.amazon.soci.image-layer-mediaType";

  /** On a zTOC or prefetch descriptor: the digest of the image layer. */
  public static final String SOCI_IMAGE_LAYER_DIGEST = "com.amazon.soci.image-layer-digest";

  /** On a zTOC descriptor: the span size the zTOC was built with (decimal). */
  public static final String SOCI_SPAN_SIZE = "com.amazon.soci.span-size";

  /** On a SOCI index manifest: the tool that built it. */
  public static final String SOCI_BUILD_TOOL_IDENTIFIER = "com.amazon.soci.build-tool-identifier";

  /** On a zTOC descriptor: {@code "true"} when the layer has no extended attributes. */
  public static final String SOCI_DISABLE_XATTRS = "com.amazon.soci.disable-xattrs";

  /** On a SOCI index v2 descriptor in an image index: the image manifest it belongs to. */
  public static final String SOCI_IMAGE_MANIFEST_DIGEST = "com.amazon.soci.image-manifest-digest";

  /** On an image manifest and its descriptor: the SOCI index v2 for that image. */
  public static final String SOCI_INDEX_DIGEST = "com.amazon.soci.index-digest";
}

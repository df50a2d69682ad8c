/**
 * Rules the library's modules share and users do not call: Go's UTF-8 and JSON string rules ({@link
 * dev.soci.common.internal.GoText}) and the atomic file writer ({@link
 * dev.soci.common.internal.AtomicFiles}). Exported only to soci-java's own modules.
 */
package dev.soci.common.internal;

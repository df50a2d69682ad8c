/** The root of soci-java's exceptions, {@link dev.soci.common.SociException}. */
package dev.soci.common;

package io.jadugar.jcache.copy;

import io.jadugar.jcache.spi.EntryMetadata;

/**
 * A value an object store holds together with its entry metadata; values without metadata are
 * held as they are, so only entries written with metadata pay for this box.
 *
 * @param value the value as the codec holds it
 * @param metadata its metadata
 */
public record WithMetadata(Object value, EntryMetadata metadata) {}

package io.jadugar.jcache.spi;

/**
 * Entries of another store to read along with an entry ({@link Store#get(Object, StoreLookup,
 * java.util.Map)}): the entry's metadata value named {@code listName} lists names, one per line;
 * name {@code n} is the key {@code keyPrefix} + UTF-8 of {@code n} in {@code store}.
 *
 * @param listName the metadata name whose value lists the names
 * @param store the store the listed keys are in
 * @param keyPrefix the bytes before a name's in its key (a remote store's keys are {@link BinaryKey}s)
 */
public record StoreLookup(String listName, Store store, byte[] keyPrefix) {}

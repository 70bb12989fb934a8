/**
 * Codecs: serializers (Kryo, Java, JSON, MessagePack, or the user's own), compressors (LZ4, gzip,
 * deflate, brotli), the class allow-list that guards every deserialization of stored bytes, and
 * the entry frame that remote stores hold.
 */
package io.jadugar.jcache.codec;

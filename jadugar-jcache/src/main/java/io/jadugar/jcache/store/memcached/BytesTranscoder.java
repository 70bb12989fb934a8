package io.jadugar.jcache.store.memcached;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Hands bytes to memcached as they are: the client's default transcoder would compress and tag
 * them, and the engine's frames are already compressed and tagged.
 */
final class BytesTranscoder implements Transcoder<byte[]> {

  static final BytesTranscoder INSTANCE = new BytesTranscoder();

  @Override
  public boolean asyncDecode(CachedData d) {
    return false;
  }

  @Override
  public CachedData encode(byte[] o) {
    return new CachedData(0, o, Integer.MAX_VALUE);
  }

  @Override
  public byte[] decode(CachedData d) {
    return d.getData();
  }

  @Override
  public int getMaxSize() {
    // the server's item size limit is checked by the store, with a clear error
    return Integer.MAX_VALUE;
  }
}

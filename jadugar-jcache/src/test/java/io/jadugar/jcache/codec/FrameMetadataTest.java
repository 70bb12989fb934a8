package io.jadugar.jcache.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.spi.EntryMetadata;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Entry metadata in the frame: only entries that carry it pay for it, and it reads back exactly. */
class FrameMetadataTest {

  private final FrameCodec codec = CodecFixtures.frames(String.class);

  @Test
  void anEntryWithoutMetadataCostsNoExtraByte() {
    byte[] plain = (byte[]) codec.encodeValue("value");
    Frame f = Frame.parse(plain);
    assertFalse(Frame.hasMetadata(plain));
    assertNull(f.metadata());
    assertEquals(9 + f.payloadLength(), plain.length, "header and payload, nothing else");
    assertArrayEquals(plain, (byte[]) codec.encodeValue("value", null));
    assertNull(codec.metadataOf(plain));
  }

  @Test
  void metadataRoundTripsBesideTheValue() {
    EntryMetadata m = new EntryMetadata(1_700_000_000_123L, Map.of("tag:orders", "42", "ünïcode", "✓"));
    byte[] framed = (byte[]) codec.encodeValue("value", m);
    assertTrue(Frame.hasMetadata(framed));
    assertEquals(m, codec.metadataOf(framed));
    assertEquals("value", codec.decodeValue(framed));
  }

  @Test
  void damagedMetadataIsACorruptEntry() {
    EntryMetadata m = new EntryMetadata(1L, Map.of("a", "b"));
    byte[] bytes = m.toBytes();
    bytes[11] = 99; // claims 99 values
    byte[] framed = new Frame(KryoSerializer.ID, (byte) 0, -1, null, bytes, new byte[] {1}, 0, 1).toBytes();
    assertThrows(CorruptEntryException.class, () -> codec.metadataOf(framed));
  }
}

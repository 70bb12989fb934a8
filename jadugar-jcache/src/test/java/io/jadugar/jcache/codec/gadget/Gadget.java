package io.jadugar.jcache.codec.gadget;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/** Runs code when deserialized, as gadget classes do: the allow-list must stop it first. */
public class Gadget implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Set when an instance was deserialized through readObject. */
  public static volatile boolean triggered;

  /** Some state. */
  public String command = "rm -rf /";

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    triggered = true;
    in.defaultReadObject();
  }
}

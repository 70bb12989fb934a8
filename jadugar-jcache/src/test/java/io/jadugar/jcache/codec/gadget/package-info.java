/** A gadget-style class outside every default allow-list, for the refusal tests. */
package io.jadugar.jcache.codec.gadget;

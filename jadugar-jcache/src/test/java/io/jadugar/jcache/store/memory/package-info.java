/** Tests of the memory store, and test-only stores built on it (CAS-loop only, bytes). */
package io.jadugar.jcache.store.memory;

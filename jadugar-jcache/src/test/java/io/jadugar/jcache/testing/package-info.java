/** Helpers shared by the store tests. */
package io.jadugar.jcache.testing;

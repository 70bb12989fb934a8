/** The CacheWriter's guarantee on every store: each committed change exactly once, in commit order per key. */
package io.jadugar.jcache.writer;

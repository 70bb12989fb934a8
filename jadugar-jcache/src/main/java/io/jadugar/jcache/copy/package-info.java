/**
 * Copying and encoding: how keys and values pass from the application into a store's
 * representation and back, by reference or by value.
 */
package io.jadugar.jcache.copy;

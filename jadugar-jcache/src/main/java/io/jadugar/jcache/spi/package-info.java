/**
 * The store SPI: the narrow set of atomic primitives every Jadugar store implements, and the
 * factory through which the engine finds stores by name without ever naming one.
 */
package io.jadugar.jcache.spi;

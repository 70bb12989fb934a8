/** Tests of the engine's own promises that the standard API cannot see. */
package io.jadugar.jcache.engine;

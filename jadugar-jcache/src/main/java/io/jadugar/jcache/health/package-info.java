/**
 * Health reports of stores and cache managers: what {@code health()} measured (a real ping or
 * no-op to each server, with a timeout), as small immutable values.
 */
package io.jadugar.jcache.health;

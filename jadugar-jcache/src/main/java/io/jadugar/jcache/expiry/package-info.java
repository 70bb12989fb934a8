/**
 * Expiry: turning a JSR-107 {@link javax.cache.expiry.ExpiryPolicy} into absolute expiry times,
 * with the spec's rules for {@code null} (leave as is), {@code Duration.ZERO} (expired now) and a
 * policy that throws.
 */
package io.jadugar.jcache.expiry;

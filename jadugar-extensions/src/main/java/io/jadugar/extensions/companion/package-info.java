/**
 * The companion caches that extensions keep their records in, beside a user's cache in the same
 * cache manager. Shared by the extensions; not an API for applications.
 */
package io.jadugar.extensions.companion;

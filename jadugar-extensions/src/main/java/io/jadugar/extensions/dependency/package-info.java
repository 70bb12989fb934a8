/**
 * Cache dependencies: an entry written with a {@link io.jadugar.extensions.dependency.CacheDependency}
 * (a file, a query's result, several of them) becomes a miss, in every JVM, once its source changes
 * or the dependency is invalidated. Start at {@link io.jadugar.extensions.dependency.Dependencies}.
 */
package io.jadugar.extensions.dependency;

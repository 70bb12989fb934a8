/**
 * Tags: invalidate every entry written with a tag at once, in O(1), on every store and across JVMs.
 * A tag is a versioned record in a companion cache on the same store; an entry carries, in its
 * metadata, the versions its tags had just before it was written; a validity check on every read
 * compares them with the current ones. {@link io.jadugar.extensions.tags.TagManager} is the entry
 * point.
 */
package io.jadugar.extensions.tags;
